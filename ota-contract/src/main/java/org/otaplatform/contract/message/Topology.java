package org.otaplatform.contract.message;

import java.util.List;

/** Sub-devices attached to or detached from the gateway. */
public record Topology(String msgId, long ts, List<AttachedSubDevice> added, List<SubDeviceRef> removed)
        implements UplinkMessage {

    public Topology {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
    }

    /**
     * A sub-device attached now; {@code auth} (optional) proves the gateway may speak for it; {@code
     * hardwareRevision} (optional, v1 addition 2026-12-06) the revision the gateway reports for it.
     */
    public record AttachedSubDevice(
            String productKey, String deviceKey, String version, SubDeviceAuth auth, String hardwareRevision) {

        /** A sub-device attached without a revision. */
        public AttachedSubDevice(String productKey, String deviceKey, String version, SubDeviceAuth auth) {
            this(productKey, deviceKey, version, auth, null);
        }

        /** A sub-device attached without a proof: one already bound to the gateway. */
        public AttachedSubDevice(String productKey, String deviceKey, String version) {
            this(productKey, deviceKey, version, null, null);
        }
    }
}
