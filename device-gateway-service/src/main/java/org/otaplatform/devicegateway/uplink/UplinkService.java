package org.otaplatform.devicegateway.uplink;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.otaplatform.common.messaging.Outbox;
import org.otaplatform.common.reactive.InOrder;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.internal.DeviceState;
import org.otaplatform.contract.internal.GatewayState;
import org.otaplatform.contract.internal.GatewayUplink;
import org.otaplatform.contract.internal.InternalMessage;
import org.otaplatform.contract.message.Ack;
import org.otaplatform.contract.message.Hello;
import org.otaplatform.contract.message.Offline;
import org.otaplatform.contract.message.Progress;
import org.otaplatform.contract.message.Status;
import org.otaplatform.contract.message.SubDeviceRef;
import org.otaplatform.contract.message.Topology;
import org.otaplatform.contract.message.UpgradeRequest;
import org.otaplatform.contract.message.UplinkMessage;
import org.otaplatform.contract.message.VersionReport;
import org.otaplatform.contract.wire.ErrorCode;
import org.otaplatform.contract.wire.ProgressState;
import org.otaplatform.devicegateway.downlink.GatewayDownlink;
import org.otaplatform.devicegateway.downlink.TaskStore;
import org.otaplatform.devicegateway.session.SessionStore;
import org.otaplatform.devicegateway.session.SessionStore.DeviceRow;

/**
 * Applies one valid uplink message in one transaction: its effects, the events they cause (outbox) and
 * the record that the message was seen. A duplicate has no effect; a message that names a sub-device
 * or task this gateway does not own throws a {@link Refusal}, which rolls everything back.
 */
@ApplicationScoped
public class UplinkService {

    static final String SOURCE = "device-gateway-service";
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(UplinkService.class);

    private final SessionStore sessions;
    private final TaskStore tasks;
    private final GatewayDownlink downlink;
    private final Outbox outbox;
    private final Clock clock = Clock.systemUTC();

    UplinkService(SessionStore sessions, TaskStore tasks, GatewayDownlink downlink, Outbox outbox) {
        this.sessions = sessions;
        this.tasks = tasks;
        this.downlink = downlink;
        this.outbox = outbox;
    }

    public Uni<Void> handle(String gatewayId, UplinkMessage message) {
        return Panache.withTransaction(() -> firstTime(gatewayId, message)
                .flatMap(first ->
                        first ? apply(gatewayId, message) : Uni.createFrom().voidItem()));
    }

    private Uni<Boolean> firstTime(String gatewayId, UplinkMessage message) {
        return message.msgId() == null ? Uni.createFrom().item(true) : sessions.firstSeen(gatewayId, message.msgId());
    }

    private Uni<Void> apply(String gatewayId, UplinkMessage message) {
        if (message instanceof Hello hello) {
            return hello(gatewayId, hello);
        }
        if (message instanceof Offline) {
            return offline(gatewayId);
        }
        Uni<Void> effect;
        if (message instanceof Topology topology) {
            effect = topology(gatewayId, topology);
        } else if (message instanceof Status status) {
            effect = status(gatewayId, status);
        } else if (message instanceof VersionReport version) {
            effect = version(gatewayId, version);
        } else if (message instanceof UpgradeRequest request) {
            effect = request(gatewayId, request);
        } else if (message instanceof Ack ack) {
            effect = ack(gatewayId, ack);
        } else {
            effect = progress(gatewayId, (Progress) message);
        }
        return sessions.gatewaySeen(gatewayId)
                .flatMap(revived -> revived.isEmpty() ? Uni.createFrom().voidItem() : revive(gatewayId, revived.get()))
                .flatMap(v -> effect);
    }

    /**
     * A gateway this service holds offline sent a message, so it is connected: its {@code hello} was lost
     * (a broker restart between its reconnect and this service's), or its last will overtook it. It is
     * online again, and so are the sub-devices its going offline had marked offline; its next
     * {@code hello} or {@code status} corrects any of them that is really away.
     */
    private Uni<Void> revive(String gatewayId, long seq) {
        LOG.infof("gateway %s sent a message while held offline: online again", gatewayId);
        return event(GatewayState.TYPE, new GatewayState(gatewayId, true, seq))
                .flatMap(v -> sessions.attachedTo(gatewayId))
                .flatMap(devices -> InOrder.each(
                        devices.stream().filter(d -> !d.online()).toList(),
                        d -> put(d.productKey(), d.deviceKey(), gatewayId, true, d.version(), "ONLINE")));
    }

    /** Sends the unacked upgrades of gateways held offline again (they de-duplicate by taskId); how many. */
    public Uni<Integer> resendUnackedOfGatewaysHeldOffline() {
        return Panache.withTransaction(() -> tasks.unackedOfGatewaysHeldOffline()
                .flatMap(unacked -> InOrder.each(unacked, downlink::upgrade).replaceWith(unacked.size())));
    }

    /** Opens the session, replaces the topology with the snapshot, and re-sends what is not acked yet. */
    private Uni<Void> hello(String gatewayId, Hello hello) {
        return sessions.gatewayOnline(
                        gatewayId, hello.gateway().productKey(), hello.gateway().version())
                .flatMap(seq -> event(GatewayState.TYPE, new GatewayState(gatewayId, true, seq)))
                .flatMap(v -> sessions.attachedTo(gatewayId))
                .flatMap(attached -> {
                    Map<SubDeviceRef, DeviceRow> before = byKey(attached);
                    Uni<Void> reported = InOrder.each(
                            hello.subDevices(),
                            d -> sessions.device(d.productKey(), d.deviceKey()).flatMap(existing -> {
                                before.remove(new SubDeviceRef(d.productKey(), d.deviceKey()));
                                String change = change(existing, gatewayId, d.online(), d.version());
                                return change == null
                                        ? Uni.createFrom().voidItem()
                                        : put(
                                                d.productKey(),
                                                d.deviceKey(),
                                                gatewayId,
                                                d.online(),
                                                d.version(),
                                                change);
                            }));
                    return reported.flatMap(v -> InOrder.each(
                            List.copyOf(before.values()),
                            gone -> put(gone.productKey(), gone.deviceKey(), null, false, gone.version(), "DETACHED")));
                })
                .flatMap(v -> tasks.unacked(gatewayId))
                .flatMap(unacked -> InOrder.each(unacked, downlink::upgrade));
    }

    private Uni<Void> offline(String gatewayId) {
        return sessions.gatewayOffline(gatewayId)
                .flatMap(seq -> seq.isEmpty()
                        ? Uni.createFrom().voidItem()
                        : event(GatewayState.TYPE, new GatewayState(gatewayId, false, seq.get()))
                                .flatMap(v -> sessions.attachedTo(gatewayId))
                                .flatMap(devices -> InOrder.each(
                                        devices.stream()
                                                .filter(DeviceRow::online)
                                                .toList(),
                                        d -> put(
                                                d.productKey(),
                                                d.deviceKey(),
                                                gatewayId,
                                                false,
                                                d.version(),
                                                "OFFLINE"))));
    }

    private Uni<Void> topology(String gatewayId, Topology topology) {
        Uni<Void> removed = InOrder.each(
                topology.removed(),
                r -> owned(gatewayId, r.productKey(), r.deviceKey())
                        .flatMap(d -> put(d.productKey(), d.deviceKey(), null, false, d.version(), "DETACHED")));
        return removed.flatMap(v -> InOrder.each(
                topology.added(),
                a -> sessions.device(a.productKey(), a.deviceKey()).flatMap(existing -> {
                    String change = change(existing, gatewayId, true, a.version());
                    return change == null
                            ? Uni.createFrom().voidItem()
                            : put(a.productKey(), a.deviceKey(), gatewayId, true, a.version(), change);
                })));
    }

    private Uni<Void> status(String gatewayId, Status status) {
        return InOrder.each(
                status.subDevices(),
                s -> owned(gatewayId, s.productKey(), s.deviceKey())
                        .flatMap(d -> d.online() == s.online()
                                ? Uni.createFrom().voidItem()
                                : put(
                                        d.productKey(),
                                        d.deviceKey(),
                                        gatewayId,
                                        s.online(),
                                        d.version(),
                                        s.online() ? "ONLINE" : "OFFLINE")));
    }

    private Uni<Void> version(String gatewayId, VersionReport report) {
        return owned(gatewayId, report.productKey(), report.deviceKey())
                .flatMap(d -> versionChanged(d, gatewayId, report.version()));
    }

    private Uni<Void> request(String gatewayId, UpgradeRequest request) {
        return owned(gatewayId, request.productKey(), request.deviceKey())
                .flatMap(d -> versionChanged(d, gatewayId, request.version()))
                .flatMap(v -> forward(
                        GatewayUplink.Request.TYPE,
                        new GatewayUplink.Request(
                                gatewayId,
                                request.msgId(),
                                request.productKey(),
                                request.deviceKey(),
                                request.version())));
    }

    private Uni<Void> ack(String gatewayId, Ack ack) {
        return ownedTask(gatewayId, ack.taskId(), taskState(ack)).flatMap(task -> forward(forwarded(gatewayId, ack)));
    }

    private Uni<Void> progress(String gatewayId, Progress progress) {
        return ownedTask(gatewayId, progress.taskId(), taskState(progress))
                .flatMap(task -> progress.state() != ProgressState.SUCCEEDED
                        ? Uni.createFrom().voidItem()
                        : sessions.device(task.productKey(), task.deviceKey())
                                .flatMap(d -> d.isPresent()
                                                && gatewayId.equals(d.get().gatewayId())
                                        ? versionChanged(d.get(), gatewayId, progress.version())
                                        : Uni.createFrom().voidItem()))
                .flatMap(v -> forward(forwarded(gatewayId, progress)));
    }

    /** Where an ack or a progress report moves the task it names (SENT → ACKED → ENDED). */
    static String taskState(UplinkMessage report) {
        if (report instanceof Ack ack) {
            return ack.accept() ? "ACKED" : "ENDED";
        }
        ProgressState state = ((Progress) report).state();
        return state == ProgressState.SUCCEEDED || state == ProgressState.FAILED ? "ENDED" : "ACKED";
    }

    /** An ack or a progress report as plan-service gets it, with the gateway's identity from its topic. */
    static InternalMessage forwarded(String gatewayId, UplinkMessage report, long millis) {
        if (report instanceof Ack ack) {
            return InternalMessage.of(
                    GatewayUplink.Ack.TYPE,
                    SOURCE,
                    millis,
                    new GatewayUplink.Ack(gatewayId, ack.msgId(), ack.taskId(), ack.accept(), ack.reason()));
        }
        Progress progress = (Progress) report;
        return InternalMessage.of(
                GatewayUplink.Progress.TYPE,
                SOURCE,
                millis,
                new GatewayUplink.Progress(
                        gatewayId,
                        progress.msgId(),
                        progress.taskId(),
                        progress.state().name(),
                        progress.percent(),
                        progress.version(),
                        progress.error() == null
                                ? null
                                : progress.error().code().name(),
                        progress.error() == null ? null : progress.error().message()));
    }

    private InternalMessage forwarded(String gatewayId, UplinkMessage report) {
        return forwarded(gatewayId, report, clock.millis());
    }

    /** The sub-device, which must exist and be attached to this gateway. */
    private Uni<DeviceRow> owned(String gatewayId, String productKey, String deviceKey) {
        return sessions.device(productKey, deviceKey).map(found -> {
            DeviceRow device = found.orElseThrow(() -> new Refusal(
                    ErrorCode.UNKNOWN_DEVICE, "sub-device " + productKey + "/" + deviceKey + " is unknown"));
            if (!gatewayId.equals(device.gatewayId())) {
                throw new Refusal(
                        ErrorCode.NOT_OWNER,
                        "sub-device " + productKey + "/" + deviceKey + " is not attached to gateway " + gatewayId);
            }
            return device;
        });
    }

    /**
     * Moves the task forward and returns it; it must exist and belong to this gateway (a refusal rolls
     * the move back with everything else).
     */
    private Uni<TaskStore.TaskRow> ownedTask(String gatewayId, String taskId, String state) {
        return tasks.advanceAndFind(taskId, state)
                .map(found -> found.filter(t -> t.gatewayId().equals(gatewayId))
                        .orElseThrow(() -> new Refusal(
                                ErrorCode.UNKNOWN_TASK, "no task " + taskId + " for gateway " + gatewayId)));
    }

    private Uni<Void> versionChanged(DeviceRow d, String gatewayId, String version) {
        return version == null || version.equals(d.version())
                ? Uni.createFrom().voidItem()
                : put(d.productKey(), d.deviceKey(), gatewayId, d.online(), version, "VERSION");
    }

    /** What changes for a sub-device the gateway reports; null when nothing does. */
    private static String change(Optional<DeviceRow> existing, String gatewayId, boolean online, String version) {
        if (existing.isEmpty() || !gatewayId.equals(existing.get().gatewayId())) {
            return "ATTACHED";
        }
        if (!existing.get().version().equals(version)) {
            return "VERSION";
        }
        if (existing.get().online() != online) {
            return online ? "ONLINE" : "OFFLINE";
        }
        return null;
    }

    private Uni<Void> put(
            String productKey, String deviceKey, String gatewayId, boolean online, String version, String change) {
        return sessions.put(productKey, deviceKey, gatewayId, online, version, change)
                .flatMap(state -> event(DeviceState.TYPE, state));
    }

    private Uni<Void> event(String type, Object data) {
        return outbox.add(InternalTopics.DEVICE_EVENTS, InternalMessage.of(type, SOURCE, clock.millis(), data));
    }

    private Uni<Void> forward(String type, Object data) {
        return forward(InternalMessage.of(type, SOURCE, clock.millis(), data));
    }

    private Uni<Void> forward(InternalMessage message) {
        return outbox.add(InternalTopics.GATEWAY_UPLINK, message);
    }

    private static Map<SubDeviceRef, DeviceRow> byKey(List<DeviceRow> rows) {
        Map<SubDeviceRef, DeviceRow> map = new HashMap<>();
        rows.forEach(r -> map.put(new SubDeviceRef(r.productKey(), r.deviceKey()), r));
        return map;
    }
}
