package org.otaplatform.contract.message;

import java.util.List;

/** Sub-devices attached to or detached from the gateway. */
public record Topology(String msgId, long ts, List<AttachedSubDevice> added, List<SubDeviceRef> removed)
        implements UplinkMessage {

    public Topology {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
    }

    public record AttachedSubDevice(String productKey, String deviceKey, String version) {}
}
