package org.otaplatform.contract.codec;

import java.util.List;
import org.otaplatform.contract.DownlinkType;
import org.otaplatform.contract.message.Cancel;
import org.otaplatform.contract.message.DownlinkMessage;
import org.otaplatform.contract.message.ErrorReply;
import org.otaplatform.contract.message.Reply;
import org.otaplatform.contract.message.Resync;
import org.otaplatform.contract.message.Upgrade;
import org.otaplatform.contract.wire.ErrorCode;
import org.otaplatform.contract.wire.FirmwareType;
import org.otaplatform.contract.wire.ReplyResult;

/** One decoder per downlink message, as a careful gateway checks what the platform sends. */
final class DownlinkDecoders {

    private static final int MAX_ACK_TIMEOUT_SECONDS = 7 * 24 * 3600;

    private DownlinkDecoders() {}

    static Decoded<? extends DownlinkMessage> decode(DownlinkType type, JsonObjectReader r) {
        return switch (type) {
            case UPGRADE, GATEWAY_UPGRADE -> upgrade(r);
            case CANCEL -> cancel(r);
            case REPLY -> reply(r);
            case ERROR -> error(r);
            case RESYNC -> resync(r);
        };
    }

    private static Decoded<Upgrade> upgrade(JsonObjectReader r) {
        Header h = Header.read(r);
        String taskId = r.string("taskId", Rule.ENTITY_ID, true);
        String planId = r.string("planId", Rule.ENTITY_ID, true);
        String productKey = r.string("productKey", Rule.PRODUCT_KEY, true);
        String deviceKey = r.string("deviceKey", Rule.DEVICE_KEY, true);
        String fromVersion = r.string("fromVersion", Rule.VERSION, true);
        String toVersion = r.string("toVersion", Rule.VERSION, true);
        Integer ackTimeout = r.smallInteger("ackTimeoutSeconds", 1, MAX_ACK_TIMEOUT_SECONDS, true);
        Long deadline = r.integer("deadline", 0, Header.MAX_EPOCH_MILLIS, true);
        Upgrade.FirmwareRef firmware = r.object("firmware", true)
                .map(f -> new Upgrade.FirmwareRef(
                        f.string("id", Rule.ENTITY_ID, true),
                        f.enumValue("type", FirmwareType.class, true),
                        orZero(f.integer("size", 0, Long.MAX_VALUE, true)),
                        f.string("sha256", Rule.SHA256, true),
                        f.string("url", Rule.URL, true),
                        orZero(f.integer("urlExpiresAt", 0, Header.MAX_EPOCH_MILLIS, true)),
                        f.string("signature", Rule.BASE64, true),
                        f.string("keyId", Rule.ENTITY_ID, true)))
                .orElse(null);
        Upgrade.Conditions conditions = r.object("conditions", false)
                .map(c -> new Upgrade.Conditions(
                        c.smallInteger("minBatteryPercent", 0, 100, false),
                        c.smallInteger("minSignalDbm", -200, 0, false)))
                .orElse(null);
        String notes = r.string("notes", Rule.NOTES, false);
        return h.violations()
                .result(
                        h.msgId(),
                        () -> new Upgrade(
                                h.msgIdValue(),
                                h.ts(),
                                taskId,
                                planId,
                                productKey,
                                deviceKey,
                                fromVersion,
                                toVersion,
                                ackTimeout,
                                deadline,
                                firmware,
                                conditions,
                                notes));
    }

    private static Decoded<Resync> resync(JsonObjectReader r) {
        Header h = Header.read(r);
        String reason = r.string("reason", Rule.TEXT, true);
        return h.violations().result(h.msgId(), () -> new Resync(h.msgIdValue(), h.ts(), reason));
    }

    private static Decoded<Cancel> cancel(JsonObjectReader r) {
        Header h = Header.read(r);
        String taskId = r.string("taskId", Rule.ENTITY_ID, true);
        String reason = r.string("reason", Rule.TEXT, true);
        return h.violations().result(h.msgId(), () -> new Cancel(h.msgIdValue(), h.ts(), taskId, reason));
    }

    private static Decoded<Reply> reply(JsonObjectReader r) {
        Header h = Header.read(r);
        String inReplyTo = r.string("inReplyTo", Rule.MSG_ID, true);
        String productKey = r.string("productKey", Rule.PRODUCT_KEY, true);
        String deviceKey = r.string("deviceKey", Rule.DEVICE_KEY, true);
        ReplyResult result = r.enumValue("result", ReplyResult.class, true);
        String taskId = r.string("taskId", Rule.ENTITY_ID, result == ReplyResult.UPGRADE);
        if (result == ReplyResult.NO_UPGRADE && taskId != null) {
            r.reject("taskId", "must be absent with NO_UPGRADE");
        }
        return h.violations()
                .result(
                        h.msgId(),
                        () -> new Reply(h.msgIdValue(), h.ts(), inReplyTo, productKey, deviceKey, result, taskId));
    }

    private static Decoded<ErrorReply> error(JsonObjectReader r) {
        Header h = Header.read(r);
        String inReplyTo = r.string("inReplyTo", Rule.MSG_ID, false);
        ErrorCode code = r.enumValue("code", ErrorCode.class, true);
        String message = r.string("message", Rule.TEXT, true);
        List<ErrorReply.RefusedDevice> devices = r.list(
                "devices",
                false,
                d -> new ErrorReply.RefusedDevice(
                        d.string("productKey", Rule.PRODUCT_KEY, true),
                        d.string("deviceKey", Rule.DEVICE_KEY, true),
                        d.enumValue("code", ErrorCode.class, true)));
        return h.violations()
                .result(h.msgId(), () -> new ErrorReply(h.msgIdValue(), h.ts(), inReplyTo, code, message, devices));
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }
}
