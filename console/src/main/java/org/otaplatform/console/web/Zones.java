package org.otaplatform.console.web;

import java.util.List;

/** Time zones the plan form suggests; any IANA id may be typed. */
final class Zones {

    static final List<String> COMMON = List.of(
            "UTC",
            "Europe/London",
            "Europe/Berlin",
            "Europe/Paris",
            "Europe/Moscow",
            "Africa/Johannesburg",
            "Asia/Dubai",
            "Asia/Kolkata",
            "Asia/Shanghai",
            "Asia/Singapore",
            "Asia/Tokyo",
            "Australia/Sydney",
            "America/Sao_Paulo",
            "America/New_York",
            "America/Chicago",
            "America/Denver",
            "America/Los_Angeles");

    private Zones() {}
}
