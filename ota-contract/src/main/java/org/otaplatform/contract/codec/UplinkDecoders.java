package org.otaplatform.contract.codec;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.otaplatform.contract.UplinkType;
import org.otaplatform.contract.message.Ack;
import org.otaplatform.contract.message.Hello;
import org.otaplatform.contract.message.Offline;
import org.otaplatform.contract.message.Progress;
import org.otaplatform.contract.message.Status;
import org.otaplatform.contract.message.SubDeviceAuth;
import org.otaplatform.contract.message.SubDeviceRef;
import org.otaplatform.contract.message.Topology;
import org.otaplatform.contract.message.UpgradeRequest;
import org.otaplatform.contract.message.UplinkMessage;
import org.otaplatform.contract.message.VersionReport;
import org.otaplatform.contract.wire.FailureCode;
import org.otaplatform.contract.wire.ProgressState;

/** One decoder per uplink message; every rule of the protocol page is checked here. */
final class UplinkDecoders {

    private UplinkDecoders() {}

    static Decoded<? extends UplinkMessage> decode(UplinkType type, JsonObjectReader r) {
        return switch (type) {
            case HELLO -> hello(r);
            case OFFLINE -> offline(r);
            case TOPOLOGY -> topology(r);
            case STATUS -> status(r);
            case VERSION -> version(r);
            case REQUEST -> request(r);
            case ACK -> ack(r);
            case PROGRESS -> progress(r);
        };
    }

    private static Decoded<Hello> hello(JsonObjectReader r) {
        Header h = Header.read(r);
        Optional<JsonObjectReader> gw = r.object("gateway", true);
        String gwProduct =
                gw.map(g -> g.string("productKey", Rule.PRODUCT_KEY, true)).orElse(null);
        String gwVersion = gw.map(g -> g.string("version", Rule.VERSION, true)).orElse(null);
        String gwRevision = gw.map(g -> g.string("hardwareRevision", Rule.HARDWARE_REVISION, false))
                .orElse(null);
        List<Hello.SubDeviceSnapshot> devices = r.list(
                "subDevices",
                true,
                d -> new Hello.SubDeviceSnapshot(
                        d.string("productKey", Rule.PRODUCT_KEY, true),
                        d.string("deviceKey", Rule.DEVICE_KEY, true),
                        d.string("version", Rule.VERSION, true),
                        Boolean.TRUE.equals(d.bool("online", true)),
                        auth(d),
                        d.string("hardwareRevision", Rule.HARDWARE_REVISION, false)));
        rejectDuplicates(r, "subDevices", devices, d -> new SubDeviceRef(d.productKey(), d.deviceKey()));
        return h.violations()
                .result(
                        h.msgId(),
                        () -> new Hello(
                                h.msgIdValue(),
                                h.ts(),
                                new Hello.GatewayInfo(gwProduct, gwVersion, gwRevision),
                                devices));
    }

    private static Decoded<Offline> offline(JsonObjectReader r) {
        Violations v = r.violations();
        String msgId = r.string("msgId", Rule.MSG_ID, false);
        Long ts = r.integer("ts", 0, Header.MAX_EPOCH_MILLIS, false);
        return v.result(Optional.ofNullable(msgId), () -> new Offline(msgId, ts));
    }

    private static Decoded<Topology> topology(JsonObjectReader r) {
        Header h = Header.read(r);
        List<Topology.AttachedSubDevice> added = r.list(
                "added",
                false,
                d -> new Topology.AttachedSubDevice(
                        d.string("productKey", Rule.PRODUCT_KEY, true),
                        d.string("deviceKey", Rule.DEVICE_KEY, true),
                        d.string("version", Rule.VERSION, true),
                        auth(d),
                        d.string("hardwareRevision", Rule.HARDWARE_REVISION, false)));
        List<SubDeviceRef> removed = r.list("removed", false, UplinkDecoders::subDeviceRef);
        rejectDuplicates(r, "added", added, d -> new SubDeviceRef(d.productKey(), d.deviceKey()));
        rejectDuplicates(r, "removed", removed, Function.identity());
        return h.violations().result(h.msgId(), () -> new Topology(h.msgIdValue(), h.ts(), added, removed));
    }

    private static Decoded<Status> status(JsonObjectReader r) {
        Header h = Header.read(r);
        List<Status.SubDeviceOnline> devices = r.list(
                "subDevices",
                true,
                d -> new Status.SubDeviceOnline(
                        d.string("productKey", Rule.PRODUCT_KEY, true),
                        d.string("deviceKey", Rule.DEVICE_KEY, true),
                        Boolean.TRUE.equals(d.bool("online", true))));
        rejectDuplicates(r, "subDevices", devices, d -> new SubDeviceRef(d.productKey(), d.deviceKey()));
        return h.violations().result(h.msgId(), () -> new Status(h.msgIdValue(), h.ts(), devices));
    }

    private static Decoded<VersionReport> version(JsonObjectReader r) {
        Header h = Header.read(r);
        String productKey = r.string("productKey", Rule.PRODUCT_KEY, true);
        String deviceKey = r.string("deviceKey", Rule.DEVICE_KEY, true);
        String version = r.string("version", Rule.VERSION, true);
        return h.violations()
                .result(h.msgId(), () -> new VersionReport(h.msgIdValue(), h.ts(), productKey, deviceKey, version));
    }

    private static Decoded<UpgradeRequest> request(JsonObjectReader r) {
        Header h = Header.read(r);
        String productKey = r.string("productKey", Rule.PRODUCT_KEY, true);
        String deviceKey = r.string("deviceKey", Rule.DEVICE_KEY, true);
        String version = r.string("version", Rule.VERSION, true);
        return h.violations()
                .result(h.msgId(), () -> new UpgradeRequest(h.msgIdValue(), h.ts(), productKey, deviceKey, version));
    }

    private static Decoded<Ack> ack(JsonObjectReader r) {
        Header h = Header.read(r);
        String taskId = r.string("taskId", Rule.ENTITY_ID, true);
        Boolean accept = r.bool("accept", true);
        String reason = r.string("reason", Rule.TEXT, false);
        return h.violations().result(h.msgId(), () -> new Ack(h.msgIdValue(), h.ts(), taskId, accept, reason));
    }

    private static Decoded<Progress> progress(JsonObjectReader r) {
        Header h = Header.read(r);
        String taskId = r.string("taskId", Rule.ENTITY_ID, true);
        ProgressState state = r.enumValue("state", ProgressState.class, true);
        Integer percent = r.smallInteger("percent", 0, 100, false);
        String version = r.string("version", Rule.VERSION, state == ProgressState.SUCCEEDED);
        Progress.TaskError error = r.object("error", state == ProgressState.FAILED)
                .map(e -> new Progress.TaskError(
                        e.enumValue("code", FailureCode.class, true), e.string("message", Rule.TEXT, false)))
                .orElse(null);
        return h.violations()
                .result(h.msgId(), () -> new Progress(h.msgIdValue(), h.ts(), taskId, state, percent, version, error));
    }

    /** The optional proof of a claimed sub-device: {@code auth: {timestamp, sign}}. */
    private static SubDeviceAuth auth(JsonObjectReader d) {
        return d.object("auth", false)
                .map(a -> {
                    Long timestamp = a.integer("timestamp", 0, Header.MAX_EPOCH_MILLIS, true);
                    String sign = a.string("sign", Rule.HMAC_HEX, true);
                    return timestamp == null || sign == null ? null : new SubDeviceAuth(timestamp, sign);
                })
                .orElse(null);
    }

    static SubDeviceRef subDeviceRef(JsonObjectReader d) {
        return new SubDeviceRef(
                d.string("productKey", Rule.PRODUCT_KEY, true), d.string("deviceKey", Rule.DEVICE_KEY, true));
    }

    /** A sub-device named twice in one list is ambiguous; the message is refused. */
    private static <T> void rejectDuplicates(
            JsonObjectReader r, String listName, List<T> items, Function<T, SubDeviceRef> key) {
        Map<SubDeviceRef, Integer> seen = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            SubDeviceRef ref = key.apply(items.get(i));
            if (ref.productKey() == null || ref.deviceKey() == null) {
                continue;
            }
            Integer first = seen.putIfAbsent(ref, i);
            if (first != null) {
                r.reject(listName + "[" + i + "]", "names the same sub-device as " + listName + "[" + first + "]");
            }
        }
    }
}
