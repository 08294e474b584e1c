package org.otaplatform.devicegateway.uplink;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.otaplatform.common.messaging.Outbox;
import org.otaplatform.common.reactive.InOrder;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.internal.GatewayState;
import org.otaplatform.contract.internal.GatewayUplink;
import org.otaplatform.contract.internal.InternalMessage;
import org.otaplatform.contract.message.Hello;
import org.otaplatform.contract.message.Offline;
import org.otaplatform.contract.message.Status;
import org.otaplatform.contract.message.SubDeviceRef;
import org.otaplatform.contract.message.Topology;
import org.otaplatform.contract.message.UpgradeRequest;
import org.otaplatform.contract.message.UplinkMessage;
import org.otaplatform.devicegateway.downlink.GatewayDownlink;
import org.otaplatform.devicegateway.downlink.Resyncs;
import org.otaplatform.devicegateway.downlink.TaskStore;
import org.otaplatform.devicegateway.registry.Binding;
import org.otaplatform.devicegateway.registry.RegistryStore;
import org.otaplatform.devicegateway.session.DeviceEvents;
import org.otaplatform.devicegateway.session.SessionStore;
import org.otaplatform.devicegateway.session.SubDeviceStore;
import org.otaplatform.devicegateway.session.SubDeviceStore.Change;
import org.otaplatform.devicegateway.session.SubDeviceStore.DeviceRow;

/**
 * Applies one valid uplink message in one transaction: its effects, the events they cause (outbox) and
 * the record that the message was seen. A duplicate has no effect. Acks, progress and version reports
 * take the one path they have ({@link UplinkBatch}), as a run of one. A gateway speaks only for sub-devices
 * bound to it: a claim ({@code hello}, {@code topology.added}) is judged by the binding rules ({@link
 * Claims}), every other mention of a sub-device or task by {@link Ownership}; a message with anything
 * refused throws one {@link Refusal} naming every refused entry, which rolls everything back.
 */
@ApplicationScoped
public class UplinkService {

    static final String SOURCE = DeviceEvents.SOURCE;
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(UplinkService.class);

    private final SessionStore sessions;
    private final SubDeviceStore subDevices;
    private final RegistryStore registry;
    private final Claims claims;
    private final TaskStore tasks;
    private final GatewayDownlink downlink;
    private final Outbox outbox;
    private final DeviceEvents events;
    private final UplinkBatch reports;
    private final Clock clock = Clock.systemUTC();

    private final Resyncs resyncs;
    private final org.otaplatform.devicegateway.session.GatewayDevices gatewayDevices;

    private final org.otaplatform.common.audit.AuditLog audit;

    UplinkService(
            SessionStore sessions,
            SubDeviceStore subDevices,
            RegistryStore registry,
            Claims claims,
            TaskStore tasks,
            GatewayDownlink downlink,
            Outbox outbox,
            DeviceEvents events,
            UplinkBatch reports,
            Resyncs resyncs,
            org.otaplatform.common.audit.AuditLog audit,
            org.otaplatform.devicegateway.session.GatewayDevices gatewayDevices) {
        this.gatewayDevices = gatewayDevices;
        this.audit = audit;
        this.sessions = sessions;
        this.subDevices = subDevices;
        this.registry = registry;
        this.claims = claims;
        this.tasks = tasks;
        this.downlink = downlink;
        this.outbox = outbox;
        this.events = events;
        this.reports = reports;
        this.resyncs = resyncs;
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
        return sessions.gatewaySeen(gatewayId)
                .flatMap(revived -> revived.isEmpty() ? Uni.createFrom().voidItem() : revive(gatewayId, revived.get()))
                .flatMap(v -> effect(gatewayId, message));
    }

    private Uni<Void> effect(String gatewayId, UplinkMessage message) {
        if (message instanceof Topology topology) {
            return topology(gatewayId, topology);
        }
        if (message instanceof Status status) {
            return status(gatewayId, status);
        }
        if (message instanceof UpgradeRequest request) {
            return request(gatewayId, request);
        }
        // acks, progress and version reports: a run of one on the set-based path
        return reports.applied(List.of(new UplinkBatch.Report(gatewayId, message)));
    }

    /**
     * A gateway this service holds offline sent a message, so it is connected: its {@code hello} was lost
     * (a broker restart between its reconnect and this service's), or its last will overtook it. It is
     * online again, and so are the sub-devices its going offline had marked offline; its next
     * {@code hello} or {@code status} corrects any of them that is really away.
     */
    private Uni<Void> revive(String gatewayId, long seq) {
        LOG.infof(
                "gateway %s sent a message while held offline: online again (asked to resync, once a minute at most)",
                gatewayId);
        return resyncs.heldOffline(gatewayId)
                .flatMap(v -> events.gateway(new GatewayState(gatewayId, true, seq)))
                .flatMap(v -> gatewayDevices.presence(gatewayId, true))
                .flatMap(v -> boundTo(gatewayId))
                .flatMap(bound -> write(bound.stream()
                        .filter(d -> d.attached() && !d.online())
                        .map(d -> new Change(d.at(gatewayId, true, true), "ONLINE", true))
                        .toList()));
    }

    /** Sends the unacked upgrades of gateways held offline again (they de-duplicate by taskId); how many. */
    public Uni<Integer> resendUnackedOfGatewaysHeldOffline() {
        return Panache.withTransaction(() -> tasks.unackedOfGatewaysHeldOffline()
                .flatMap(unacked -> InOrder.each(unacked, downlink::upgrade).replaceWith(unacked.size())));
    }

    /**
     * Every sub-device listed must be the gateway's to speak for (see {@link Claims}); then the session
     * opens, the listed sub-devices are attached to it as reported (bound to it where a claim binds them),
     * the ones bound to it and not listed are detached (they stay bound), and what is not acked yet is sent
     * again.
     */
    private Uni<Void> hello(String gatewayId, Hello hello) {
        List<Claims.Claim> claimed = hello.subDevices().stream()
                .map(d -> new Claims.Claim(new SubDeviceRef(d.productKey(), d.deviceKey()), d.auth()))
                .toList();
        Claims.Refusals refusals = new Claims.Refusals(claimed.size());
        return subDevices
                .lock(keys(claimed), gatewayId)
                .flatMap(v -> claims.judge(gatewayId, claimed, refusals))
                .invoke(judged -> refusals.throwIfAny())
                .flatMap(judged -> registered(judged)
                        .flatMap(v -> auditClaims(gatewayId, judged))
                        .flatMap(v -> sessions.gatewayOnline(
                                gatewayId,
                                hello.gateway().productKey(),
                                hello.gateway().version(),
                                hello.gateway().hardwareRevision()))
                        .flatMap(seq -> events.gateway(new GatewayState(
                                gatewayId,
                                true,
                                seq,
                                hello.gateway().productKey(),
                                hello.gateway().version())))
                        .flatMap(v -> gatewayDevices.connected(gatewayId, hello.msgId()))
                        .flatMap(v -> subDevices.boundTo(gatewayId))
                        .flatMap(bound -> {
                            List<Change> changes = new ArrayList<>();
                            for (int i = 0; i < judged.size(); i++) {
                                Hello.SubDeviceSnapshot d = hello.subDevices().get(i);
                                attach(gatewayId, judged.get(i), d.online(), d.version(), changes);
                            }
                            Set<SubDeviceRef> listed = new HashSet<>(keys(claimed));
                            bound.stream()
                                    .filter(d -> d.attached() && !listed.contains(d.key()))
                                    .forEach(d ->
                                            changes.add(new Change(d.at(gatewayId, false, false), "DETACHED", true)));
                            return applyChanges(changes, moved(gatewayId, judged));
                        })
                        .flatMap(v -> revisions(hello.subDevices().stream()
                                .map(d -> new Reported(d.productKey(), d.deviceKey(), d.hardwareRevision()))
                                .toList())))
                .flatMap(v -> tasks.unacked(gatewayId))
                .flatMap(unacked -> InOrder.each(unacked, downlink::upgrade));
    }

    private Uni<Void> offline(String gatewayId) {
        return sessions.gatewayOffline(gatewayId)
                .flatMap(seq -> seq.isEmpty()
                        ? Uni.createFrom().voidItem()
                        : events.gateway(new GatewayState(gatewayId, false, seq.get()))
                                .flatMap(v -> gatewayDevices.presence(gatewayId, false))
                                .flatMap(v -> boundTo(gatewayId))
                                .flatMap(bound -> write(bound.stream()
                                        .filter(DeviceRow::online)
                                        .map(d -> new Change(d.at(gatewayId, d.attached(), false), "OFFLINE", true))
                                        .toList())));
    }

    /**
     * {@code removed} must name sub-devices bound to the gateway, which are detached (and stay bound);
     * {@code added} are claims, judged as in a {@code hello}.
     */
    private Uni<Void> topology(String gatewayId, Topology topology) {
        List<SubDeviceRef> removed = topology.removed();
        List<Claims.Claim> added = topology.added().stream()
                .map(d -> new Claims.Claim(new SubDeviceRef(d.productKey(), d.deviceKey()), d.auth()))
                .toList();
        List<SubDeviceRef> all = new ArrayList<>(removed);
        all.addAll(keys(added));
        Claims.Refusals refusals = new Claims.Refusals(all.size());
        return subDevices
                .lock(all, null)
                .flatMap(v -> owned(gatewayId, removed, refusals))
                .flatMap(gone -> claims.judge(gatewayId, added, refusals)
                        .invoke(judged -> refusals.throwIfAny())
                        .flatMap(judged -> {
                            List<Change> changes = new ArrayList<>();
                            gone.stream()
                                    .filter(DeviceRow::attached)
                                    .forEach(d ->
                                            changes.add(new Change(d.at(gatewayId, false, false), "DETACHED", true)));
                            for (int i = 0; i < judged.size(); i++) {
                                attach(
                                        gatewayId,
                                        judged.get(i),
                                        true,
                                        topology.added().get(i).version(),
                                        changes);
                            }
                            return registered(judged)
                                    .flatMap(v -> auditClaims(gatewayId, judged))
                                    .flatMap(v -> applyChanges(changes, moved(gatewayId, judged)))
                                    .flatMap(v -> revisions(topology.added().stream()
                                            .map(d -> new Reported(d.productKey(), d.deviceKey(), d.hardwareRevision()))
                                            .toList()));
                        }));
    }

    /** A sub-device's hardware revision as its gateway reported it in an entry; null: not reported. */
    private record Reported(String productKey, String deviceKey, String revision) {}

    /**
     * Records the revisions the entries report, for sub-devices the gateway was just found to speak for (the
     * message was refused whole otherwise): the registry's device shows it as REPORTED, and plan-service hears
     * of it (device.attributes) when it changed.
     */
    private Uni<Void> revisions(List<Reported> reported) {
        return InOrder.each(
                reported.stream().filter(r -> r.revision() != null).toList(),
                r -> sessions.reportedRevision(r.productKey(), r.deviceKey(), r.revision())
                        .flatMap(events::attributes));
    }

    private Uni<Void> status(String gatewayId, Status status) {
        List<SubDeviceRef> keys = status.subDevices().stream()
                .map(s -> new SubDeviceRef(s.productKey(), s.deviceKey()))
                .toList();
        Claims.Refusals refusals = new Claims.Refusals(keys.size());
        return subDevices
                .lock(keys, null)
                .flatMap(v -> owned(gatewayId, keys, refusals))
                .flatMap(rows -> {
                    refusals.throwIfAny();
                    List<Change> changes = new ArrayList<>();
                    for (int i = 0; i < rows.size(); i++) {
                        DeviceRow d = rows.get(i);
                        boolean online = status.subDevices().get(i).online();
                        // a sub-device the gateway does not list is away, whatever its radio says
                        if (d.attached() && d.online() != online) {
                            changes.add(new Change(d.at(gatewayId, true, online), online ? "ONLINE" : "OFFLINE", true));
                        }
                    }
                    return write(changes);
                });
    }

    private Uni<Void> request(String gatewayId, UpgradeRequest request) {
        return newVersion(gatewayId, new SubDeviceRef(request.productKey(), request.deviceKey()), request.version())
                .flatMap(v -> forward(
                        GatewayUplink.Request.TYPE,
                        new GatewayUplink.Request(
                                gatewayId,
                                request.msgId(),
                                request.productKey(),
                                request.deviceKey(),
                                request.version())));
    }

    /**
     * The states of sub-devices the gateway names (locked by the caller), in order; each one not bound to it
     * is added to {@code refusals} (and left out).
     */
    private Uni<List<DeviceRow>> owned(String gatewayId, List<SubDeviceRef> keys, Claims.Refusals refusals) {
        if (keys.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return subDevices.states(keys).map(states -> {
            List<DeviceRow> owned = new ArrayList<>();
            for (SubDeviceRef key : keys) {
                DeviceRow row = states.get(key);
                Ownership.speaksFor(
                                gatewayId,
                                key.productKey(),
                                key.deviceKey(),
                                row != null,
                                row == null ? null : row.gatewayId())
                        .ifPresentOrElse(refusal -> refusals.add(key, refusal), () -> owned.add(row));
            }
            return owned;
        });
    }

    /** A sub-device the gateway must speak for runs {@code version} now (null: unchanged). */
    private Uni<Void> newVersion(String gatewayId, SubDeviceRef key, String version) {
        Claims.Refusals refusals = new Claims.Refusals(1);
        return subDevices
                .lock(List.of(key), null)
                .flatMap(v -> owned(gatewayId, List.of(key), refusals))
                .flatMap(rows -> {
                    refusals.throwIfAny();
                    DeviceRow d = rows.get(0);
                    return version == null || version.equals(d.version())
                            ? Uni.createFrom().voidItem()
                            : write(List.of(new Change(d.running(version), "VERSION", true)));
                });
    }

    /**
     * The change a listed sub-device undergoes: bound to the gateway now (a claim that binds), attached again,
     * a new version, or a new online state; nothing when it is as it was.
     */
    private static void attach(
            String gatewayId, Claims.Judged judged, boolean online, String version, List<Change> out) {
        DeviceRow before = judged.before();
        DeviceRow after = before.at(gatewayId, true, online).running(version);
        String change;
        if (judged.verdict() instanceof Binding.Bind) {
            change = "BOUND";
        } else if (!before.attached()) {
            change = "ATTACHED";
        } else if (!version.equals(before.version())) {
            change = "VERSION";
        } else if (before.online() != online) {
            change = online ? "ONLINE" : "OFFLINE";
        } else {
            return;
        }
        out.add(new Change(after, change, true));
    }

    /**
     * The bindings a gateway's claims made (and the registrations), as one audit entry of the gateway's
     * message: who bound what is on record as for an operator's binding. Nothing when the claims bound
     * nothing new.
     */
    private Uni<Void> auditClaims(String gatewayId, List<Claims.Judged> judged) {
        List<String> bound = new ArrayList<>();
        List<String> registeredNow = new ArrayList<>();
        java.util.Map<String, String> movedFrom = new java.util.TreeMap<>();
        for (Claims.Judged j : judged) {
            if (j.verdict() instanceof Binding.Bind bind) {
                String key =
                        j.claim().key().productKey() + "/" + j.claim().key().deviceKey();
                bound.add(key);
                if (bind.register()) {
                    registeredNow.add(key);
                }
                if (bind.from() != null) {
                    movedFrom.put(key, bind.from());
                }
            }
        }
        if (bound.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        java.util.Map<String, Object> after = new java.util.LinkedHashMap<>();
        after.put("bound", bound);
        after.put("registered", registeredNow);
        after.put("movedFrom", movedFrom);
        return audit.record(
                org.otaplatform.common.audit.AuditLog.Caller.gateway(gatewayId),
                "binding.claim",
                "gateway/" + gatewayId,
                null,
                after);
    }

    /** Sub-devices that a valid dynamic registration registers now. */
    private Uni<Void> registered(List<Claims.Judged> judged) {
        return registry.registerDynamically(judged.stream()
                .filter(j -> j.verdict() instanceof Binding.Bind bind && bind.register())
                .map(j -> j.claim().key())
                .toList());
    }

    /** The sub-devices a claim took from another gateway, bound to the claiming one now. */
    private static List<DeviceRow> moved(String gatewayId, List<Claims.Judged> judged) {
        return judged.stream()
                .filter(j -> j.verdict() instanceof Binding.Bind bind && bind.from() != null)
                .map(j -> j.before().at(gatewayId, true, false))
                .toList();
    }

    /** Writes the changes and announces them; the tasks of sub-devices moved here end at their old gateway. */
    private Uni<Void> applyChanges(List<Change> changes, List<DeviceRow> moved) {
        return write(changes).flatMap(v -> tasks.endWhereNotBound(moved));
    }

    private Uni<Void> write(List<Change> changes) {
        return changes.isEmpty()
                ? Uni.createFrom().voidItem()
                : subDevices.write(changes).flatMap(events::devices);
    }

    private Uni<List<DeviceRow>> boundTo(String gatewayId) {
        return subDevices.lock(List.of(), gatewayId).flatMap(v -> subDevices.boundTo(gatewayId));
    }

    private Uni<Void> forward(String type, Object data) {
        return forward(InternalMessage.of(type, SOURCE, clock.millis(), data));
    }

    private Uni<Void> forward(InternalMessage message) {
        return outbox.add(InternalTopics.GATEWAY_UPLINK, message);
    }

    private static List<SubDeviceRef> keys(List<Claims.Claim> claims) {
        return claims.stream().map(Claims.Claim::key).toList();
    }
}
