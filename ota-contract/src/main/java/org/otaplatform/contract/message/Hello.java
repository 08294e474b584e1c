package org.otaplatform.contract.message;

import java.util.List;

/** Sent after every (re)connect: the gateway and its full current topology. */
public record Hello(String msgId, long ts, GatewayInfo gateway, List<SubDeviceSnapshot> subDevices)
        implements UplinkMessage {

    public Hello {
        subDevices = List.copyOf(subDevices);
    }

    public record GatewayInfo(String productKey, String version) {}

    /** A sub-device as the gateway sees it; {@code auth} (optional) proves the gateway may speak for it. */
    public record SubDeviceSnapshot(
            String productKey, String deviceKey, String version, boolean online, SubDeviceAuth auth) {

        /** A sub-device listed without a proof: one already bound to the gateway. */
        public SubDeviceSnapshot(String productKey, String deviceKey, String version, boolean online) {
            this(productKey, deviceKey, version, online, null);
        }
    }
}
