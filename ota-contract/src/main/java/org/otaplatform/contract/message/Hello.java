package org.otaplatform.contract.message;

import java.util.List;

/** Sent after every (re)connect: the gateway and its full current topology. */
public record Hello(String msgId, long ts, GatewayInfo gateway, List<SubDeviceSnapshot> subDevices)
        implements UplinkMessage {

    public Hello {
        subDevices = List.copyOf(subDevices);
    }

    /** The gateway's own product and firmware; {@code hardwareRevision} optional (v1 addition, 2026-12-06). */
    public record GatewayInfo(String productKey, String version, String hardwareRevision) {

        public GatewayInfo(String productKey, String version) {
            this(productKey, version, null);
        }
    }

    /**
     * A sub-device as the gateway sees it; {@code auth} (optional) proves the gateway may speak for it; {@code
     * hardwareRevision} (optional, v1 addition 2026-12-06) the revision the gateway reports for it.
     */
    public record SubDeviceSnapshot(
            String productKey,
            String deviceKey,
            String version,
            boolean online,
            SubDeviceAuth auth,
            String hardwareRevision) {

        /** A sub-device listed without a revision. */
        public SubDeviceSnapshot(
                String productKey, String deviceKey, String version, boolean online, SubDeviceAuth auth) {
            this(productKey, deviceKey, version, online, auth, null);
        }

        /** A sub-device listed without a proof: one already bound to the gateway. */
        public SubDeviceSnapshot(String productKey, String deviceKey, String version, boolean online) {
            this(productKey, deviceKey, version, online, null, null);
        }
    }
}
