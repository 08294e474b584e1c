package org.otaplatform.contract.message;

import java.util.List;
import org.otaplatform.contract.wire.ErrorCode;

/**
 * An uplink message was refused. {@code inReplyTo} is the refused message's {@code msgId}; null only
 * when that message had no readable msgId. {@code devices} (optional) names every sub-device entry of a
 * refused {@code hello} or {@code topology} that failed the binding rules, each with its own code.
 */
public record ErrorReply(
        String msgId, long ts, String inReplyTo, ErrorCode code, String message, List<RefusedDevice> devices)
        implements DownlinkMessage {

    public ErrorReply {
        devices = devices == null || devices.isEmpty() ? null : List.copyOf(devices);
    }

    /** A refusal that names no sub-device entries. */
    public ErrorReply(String msgId, long ts, String inReplyTo, ErrorCode code, String message) {
        this(msgId, ts, inReplyTo, code, message, null);
    }

    /** One refused entry of a {@code hello} or {@code topology}. */
    public record RefusedDevice(String productKey, String deviceKey, ErrorCode code) {}
}
