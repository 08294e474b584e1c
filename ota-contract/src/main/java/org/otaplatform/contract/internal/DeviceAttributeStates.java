package org.otaplatform.contract.internal;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * Type {@value #TYPE} on {@code ota/internal/v1/device/events} (since 2026-12-07): devices' targeting attributes
 * after a change (an operator's {@code PATCH} or bulk tagging, a revision a gateway reported), each whole: the
 * hardware revision (null: unknown) and every tag. {@code seq} grows with every change of any device's
 * attributes (its own counter, apart from {@link DeviceState}'s): a consumer keeps the entry of the highest seq
 * per device, so duplicates and reordering do no harm. Sent only when attributes change, never with the
 * uplink's frequent state changes.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeviceAttributeStates(List<Entry> devices) {

    public static final String TYPE = "device.attributes";

    /** The most entries in one message (a device with 32 long tags is about 5 KB). */
    public static final int MAX = 100;

    public DeviceAttributeStates {
        devices = devices == null ? List.of() : List.copyOf(devices);
    }

    /**
     * One device's attributes; {@code hold} (since 2026-12-07) the reason it is on hold, null when it is not: no
     * plan touches a held device, nor the sub-devices of a held gateway. {@code testDevice} (since 2026-12-08,
     * false when absent): an operator marked it a test device, the only kind a package's verification may
     * upgrade.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Entry(
            String productKey,
            String deviceKey,
            String hardwareRevision,
            Map<String, String> tags,
            long seq,
            String hold,
            boolean testDevice) {
        public Entry {
            tags = tags == null ? Map.of() : Map.copyOf(tags);
        }

        /** A device that is no test device. */
        public Entry(
                String productKey,
                String deviceKey,
                String hardwareRevision,
                Map<String, String> tags,
                long seq,
                String hold) {
            this(productKey, deviceKey, hardwareRevision, tags, seq, hold, false);
        }

        /** A device that is not on hold. */
        public Entry(String productKey, String deviceKey, String hardwareRevision, Map<String, String> tags, long seq) {
            this(productKey, deviceKey, hardwareRevision, tags, seq, null);
        }
    }
}
