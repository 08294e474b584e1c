package org.otaplatform.contract.message;

import java.util.List;

/** Sent after every (re)connect: the gateway and its full current topology. */
public record Hello(String msgId, long ts, GatewayInfo gateway, List<SubDeviceSnapshot> subDevices)
        implements UplinkMessage {

    public Hello {
        subDevices = List.copyOf(subDevices);
    }

    public record GatewayInfo(String productKey, String version) {}

    public record SubDeviceSnapshot(String productKey, String deviceKey, String version, boolean online) {}
}
