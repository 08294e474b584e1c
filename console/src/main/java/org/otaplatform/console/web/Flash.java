package org.otaplatform.console.web;

import java.util.Map;

/**
 * The one-line confirmations a page shows after a change ({@code ?done=suspended}): a fixed set, so a link
 * cannot make the console say something it did not do.
 */
final class Flash {

    private static final Map<String, String> MESSAGES = Map.ofEntries(
            Map.entry("created", "Created."),
            Map.entry("saved", "Saved."),
            Map.entry("deleted", "Deleted."),
            Map.entry("activated", "The plan is active: upgrades are pushed as its schedule allows."),
            Map.entry("suspended", "The plan is suspended: nothing new is pushed until it is resumed."),
            Map.entry("resumed", "The plan is running again."),
            Map.entry("terminated", "The plan is terminated: its open tasks are cancelled."),
            Map.entry("retried", "A new attempt was created for the device."),
            Map.entry("approved", "The wave is approved: the next wave begins."),
            Map.entry("approved-release", "The release is approved: the package is signed, and plans may send it."),
            Map.entry("verifying", "The verification started: the test devices are being upgraded."),
            Map.entry("bound", "The sub-device is bound to the gateway."),
            Map.entry("unbound", "The sub-device is unbound: no gateway may act for it until it is bound again."),
            Map.entry("confirmed", "Confirmed: the upgrade is sent to the device's gateway."),
            Map.entry("tagged", "The device's tags are saved; plans that target tags follow them."),
            Map.entry("test-device", "It is a test device now: verifications may upgrade it."),
            Map.entry("field-device", "It is no test device now: verifications leave it alone."),
            Map.entry("group-created", "The group is created."),
            Map.entry("group-deleted", "The group is deleted."),
            Map.entry("rejected", "Rejected: the upgrade is not sent."));

    private Flash() {}

    static String of(String key) {
        return key == null ? null : MESSAGES.get(key);
    }
}
