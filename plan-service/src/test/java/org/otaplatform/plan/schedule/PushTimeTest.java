package org.otaplatform.plan.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.otaplatform.plan.plan.PlanRequest.PushWindow;

/** Push windows and plan periods, in the plan's time zone, across midnight and daylight-saving changes. */
class PushTimeTest {

    private static final List<PushWindow> NIGHT = List.of(new PushWindow("22:00", "05:00"));
    private static final List<PushWindow> EARLY = List.of(new PushWindow("02:00", "05:00"));

    @ParameterizedTest(name = "{0} at {1} → {2}")
    @CsvSource({
        // Berlin in winter is UTC+1: 22:00 local = 21:00Z
        "Europe/Berlin, 2026-01-15T20:59:59Z, false",
        "Europe/Berlin, 2026-01-15T21:00:00Z, true",
        "Europe/Berlin, 2026-01-16T03:59:59Z, true",
        "Europe/Berlin, 2026-01-16T04:00:00Z, false",
        // in summer UTC+2: the same window opens an hour earlier in UTC
        "Europe/Berlin, 2026-07-15T20:00:00Z, true",
        "Europe/Berlin, 2026-07-15T19:59:59Z, false",
        // New York in winter is UTC-5: 22:00 local = 03:00Z the next day
        "America/New_York, 2026-01-16T02:59:59Z, false",
        "America/New_York, 2026-01-16T03:00:00Z, true",
        "America/New_York, 2026-01-16T09:59:59Z, true",
        "America/New_York, 2026-01-16T10:00:00Z, false"
    })
    void aWindowThatCrossesMidnightFollowsTheLocalClock(String zone, String now, boolean open) {
        assertThat(PushTime.allows(zone, null, null, NIGHT, Instant.parse(now))).isEqualTo(open);
    }

    @ParameterizedTest(name = "{0} at {1} → {2}")
    @CsvSource({
        // Berlin springs forward on 2026-03-29 at 02:00 → 03:00: the 02:00–05:00 window has two hours
        "Europe/Berlin, 2026-03-29T00:59:59Z, false", // 01:59:59 CET
        "Europe/Berlin, 2026-03-29T01:00:00Z, true", //  03:00:00 CEST
        "Europe/Berlin, 2026-03-29T02:59:59Z, true", //  04:59:59 CEST
        "Europe/Berlin, 2026-03-29T03:00:00Z, false", // 05:00:00 CEST
        // Berlin falls back on 2026-10-25 at 03:00 → 02:00: the window has four hours
        "Europe/Berlin, 2026-10-24T23:59:59Z, false", // 01:59:59 CEST
        "Europe/Berlin, 2026-10-25T00:00:00Z, true", //  02:00:00 CEST
        "Europe/Berlin, 2026-10-25T01:30:00Z, true", //  02:30:00 CET, the hour again
        "Europe/Berlin, 2026-10-25T03:59:59Z, true", //  04:59:59 CET
        "Europe/Berlin, 2026-10-25T04:00:00Z, false", // 05:00:00 CET
        // New York springs forward on 2026-03-08 at 02:00 → 03:00
        "America/New_York, 2026-03-08T06:59:59Z, false", // 01:59:59 EST
        "America/New_York, 2026-03-08T07:00:00Z, true", //  03:00:00 EDT
        "America/New_York, 2026-03-08T08:59:59Z, true", //  04:59:59 EDT
        "America/New_York, 2026-03-08T09:00:00Z, false" //  05:00:00 EDT
    })
    void windowsFollowDaylightSavingChanges(String zone, String now, boolean open) {
        assertThat(PushTime.allows(zone, null, null, EARLY, Instant.parse(now))).isEqualTo(open);
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
        "2026-12-01T08:59:59Z, false", // 09:59:59 in Berlin, before startAt
        "2026-12-01T09:00:00Z, true",
        "2026-12-31T22:59:59Z, true",
        "2026-12-31T23:00:00Z, false" // endAt, midnight in Berlin, is exclusive
    })
    void pushesOnlyWithinThePeriodInThePlansZone(String now, boolean open) {
        LocalDateTime start = LocalDateTime.parse("2026-12-01T10:00:00");
        LocalDateTime end = LocalDateTime.parse("2027-01-01T00:00:00");

        assertThat(PushTime.allows("Europe/Berlin", start, end, List.of(), Instant.parse(now)))
                .isEqualTo(open);
        assertThat(PushTime.ended("Europe/Berlin", end, Instant.parse(now))).isEqualTo(now.startsWith("2026-12-31T23"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"2026-01-15T08:30:00Z, true", "2026-01-15T12:30:00Z, true", "2026-01-15T10:30:00Z, false"})
    void anyOfSeveralWindowsOpensThePlan(String now, boolean open) {
        List<PushWindow> two = List.of(new PushWindow("09:00", "10:00"), new PushWindow("13:00", "14:00"));

        assertThat(PushTime.allows("Europe/Berlin", null, null, two, Instant.parse(now)))
                .isEqualTo(open);
    }
}
