package org.otaplatform.contract.message;

import java.util.List;

/** Sub-devices that went online or offline. */
public record Status(String msgId, long ts, List<SubDeviceOnline> subDevices) implements UplinkMessage {

    public Status {
        subDevices = List.copyOf(subDevices);
    }

    public record SubDeviceOnline(String productKey, String deviceKey, boolean online) {}
}
