package org.otaplatform.devicegateway.uplink;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.otaplatform.common.messaging.MqttSubscriptions;
import org.otaplatform.common.messaging.Outbox;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.internal.DeviceState;
import org.otaplatform.contract.internal.GatewayUplink;
import org.otaplatform.contract.internal.InternalMessage;
import org.otaplatform.contract.message.Ack;
import org.otaplatform.contract.message.Progress;
import org.otaplatform.contract.message.SubDeviceRef;
import org.otaplatform.contract.message.UplinkMessage;
import org.otaplatform.contract.message.VersionReport;
import org.otaplatform.contract.wire.ProgressState;
import org.otaplatform.devicegateway.downlink.GatewayTaskState;
import org.otaplatform.devicegateway.session.DeviceEvents;
import org.otaplatform.devicegateway.session.SessionStore;
import org.otaplatform.devicegateway.session.SubDeviceStore;
import org.otaplatform.devicegateway.session.SubDeviceStore.Change;
import org.otaplatform.devicegateway.session.SubDeviceStore.DeviceRow;

/**
 * The one path of acks, progress and version reports, the bulk of a campaign's uplink: a stretch of them
 * inside the transaction of its run ({@link MqttSubscriptions#subscribeInStretches}), or one message alone
 * as a run of one ({@link UplinkService}), applied with a few set-based statements: de-duplication by msgId,
 * gateway seen, task moved forward and owned ({@link Ownership}), a sub-device's new version, the
 * forwarded reports and device events in the outbox. What a run cannot settle together (a report that must
 * be refused, a gateway held offline to revive, one sub-device's version changed twice) fails the run,
 * which {@link MqttSubscriptions} then rolls back and hands message by message to {@link UplinkService},
 * which comes back here with each of them alone.
 */
@ApplicationScoped
public class UplinkBatch {

    /** An ack, progress or version report with a msgId, from the gateway its topic names. */
    public record Report(String gatewayId, UplinkMessage message) {}

    /** How stale a gateway's {@code last_seen_at} may be after reports of a run. */
    static final int SEEN_PRECISION_SECONDS = 5;

    private final Outbox outbox;
    private final SubDeviceStore subDevices;
    private final DeviceEvents events;
    private final Clock clock = Clock.systemUTC();

    UplinkBatch(Outbox outbox, SubDeviceStore subDevices, DeviceEvents events) {
        this.outbox = outbox;
        this.subDevices = subDevices;
        this.events = events;
    }

    /** A stretch of reports of a run, inside the run's transaction. */
    public Uni<Void> reports(List<Report> reports) {
        return firstSeen(reports)
                .flatMap(fresh -> fresh.isEmpty()
                        ? Uni.createFrom().voidItem()
                        : gatewaysSeen(fresh).flatMap(v -> applied(fresh)));
    }

    /**
     * The effects of reports seen for the first time from gateways seen online: tasks moved, versions,
     * device events and the forwarded reports. {@link UplinkService} gives a message alone here as a run
     * of one, after its own de-duplication and revival of a gateway held offline.
     */
    Uni<Void> applied(List<Report> fresh) {
        return tasks(fresh).flatMap(tasks -> versions(fresh, tasks)).flatMap(events -> outbox(fresh, events));
    }

    /** Records every (gateway, msgId); the reports seen for the first time, in order. */
    private Uni<List<Report>> firstSeen(List<Report> reports) {
        String[] gateways = reports.stream().map(Report::gatewayId).toArray(String[]::new);
        String[] msgIds = reports.stream().map(r -> r.message().msgId()).toArray(String[]::new);
        return SessionStore.rows(
                        "INSERT INTO uplink_seen (gateway_id, msg_id)"
                                + " SELECT * FROM unnest(CAST(?1 AS text[]), CAST(?2 AS text[]))"
                                + " ON CONFLICT DO NOTHING RETURNING gateway_id, msg_id",
                        gateways,
                        msgIds)
                .map(rows -> {
                    Set<String> inserted = new HashSet<>();
                    rows.forEach(row -> inserted.add(key((String) row[0], (String) row[1])));
                    // a msgId repeated within the run was inserted once: its first occurrence is the fresh one
                    return reports.stream()
                            .filter(r -> inserted.remove(
                                    key(r.gatewayId(), r.message().msgId())))
                            .toList();
                });
    }

    /**
     * The gateways were seen now; one that was held offline must be revived message by message. A gateway's
     * {@code last_seen_at} is written when it is older than {@link #SEEN_PRECISION_SECONDS}: in a campaign a
     * gateway reports several times a second, and every write is a new row version (and index entries) that
     * the database must store and later vacuum.
     */
    private Uni<Void> gatewaysSeen(List<Report> fresh) {
        String[] gateways = fresh.stream()
                .map(Report::gatewayId)
                .collect(Collectors.toCollection(TreeSet::new))
                .toArray(String[]::new);
        return SessionStore.rows(
                        "WITH stale AS (SELECT gateway_id FROM gateway WHERE gateway_id = ANY(CAST(?1 AS text[]))"
                                + " AND last_seen_at < now() - interval '" + SEEN_PRECISION_SECONDS + " seconds'"
                                + " ORDER BY gateway_id FOR UPDATE),"
                                + " seen AS (UPDATE gateway g SET last_seen_at = now() FROM stale"
                                + " WHERE g.gateway_id = stale.gateway_id)"
                                + " SELECT gateway_id FROM gateway WHERE gateway_id = ANY(CAST(?1 AS text[])) AND NOT online",
                        (Object) gateways)
                .map(offline -> {
                    if (!offline.isEmpty()) {
                        throw new IllegalStateException("a gateway held offline sent reports: it is revived alone");
                    }
                    return null;
                });
    }

    /** A task as stored here: the gateway it was sent to and its sub-device. */
    private record Task(String gatewayId, String productKey, String deviceKey, boolean gatewayFirmware) {}

    /**
     * Moves every named task forward (SENT → ACKED → ENDED, never back) as far as the run takes it; each
     * must have been sent to the gateway that reports it, and its sub-device must still be bound to that
     * gateway ({@link Ownership#reportsOn}), or the run fails.
     */
    private Uni<Map<String, Task>> tasks(List<Report> fresh) {
        Map<String, GatewayTaskState> furthest = new TreeMap<>();
        for (Report r : fresh) {
            if (!(r.message() instanceof VersionReport)) {
                furthest.merge(taskId(r), GatewayTaskState.after(r.message()), GatewayTaskState::furthest);
            }
        }
        if (furthest.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return SessionStore.rows(
                        "UPDATE gateway_task t SET state = " + GatewayTaskState.advanceSql("t.state", "i.state")
                                // a report moves a task past SENT: its command is not sent again (V5)
                                + ", command = NULL, updated_at = now() FROM unnest(CAST(?1 AS text[]), CAST(?2 AS text[]))"
                                + " AS i (task_id, state) WHERE t.task_id = i.task_id"
                                + " RETURNING t.task_id, t.gateway_id, t.product_key, t.device_key,"
                                // a gateway's own task is about itself: it is always its own to report on
                                + " CASE WHEN t.gateway_firmware THEN t.gateway_id ELSE (SELECT s.gateway_id FROM sub_device s"
                                + " WHERE s.product_key = t.product_key AND s.device_key = t.device_key) END,"
                                + " t.gateway_firmware",
                        furthest.keySet().toArray(String[]::new),
                        furthest.values().stream().map(Enum::name).toArray(String[]::new))
                .map(rows -> {
                    Map<String, Task> tasks = new HashMap<>();
                    Map<String, String> bound = new HashMap<>();
                    rows.forEach(row -> {
                        tasks.put((String) row[0], new Task((String) row[1], (String) row[2], (String) row[3], (Boolean)
                                row[5]));
                        bound.put((String) row[0], (String) row[4]);
                    });
                    for (Report r : fresh) {
                        if (r.message() instanceof VersionReport) {
                            continue;
                        }
                        Task task = tasks.get(taskId(r));
                        Ownership.reportsOn(
                                        r.gatewayId(),
                                        taskId(r),
                                        task == null ? null : task.gatewayId(),
                                        task == null ? null : task.productKey(),
                                        task == null ? null : task.deviceKey(),
                                        bound.get(taskId(r)))
                                .ifPresent(refusal -> {
                                    throw refusal;
                                });
                    }
                    return tasks;
                });
    }

    /** A version a report gives a sub-device; {@code mustOwn}: the report is refused unless it owns it. */
    private record Claim(String gatewayId, SubDeviceRef key, String version, boolean mustOwn) {}

    /**
     * The new versions that version reports and succeeded upgrades give sub-devices, as one by one: a
     * version report must name a sub-device bound to its gateway ({@link Ownership#speaksFor}, or the run
     * fails); a succeeded upgrade counts where the sub-device is still bound to the reporting gateway. The
     * device events this causes.
     */
    private Uni<List<DeviceState>> versions(List<Report> fresh, Map<String, Task> tasks) {
        List<Claim> claims = new ArrayList<>();
        for (Report r : fresh) {
            if (r.message() instanceof VersionReport v) {
                claims.add(
                        new Claim(r.gatewayId(), new SubDeviceRef(v.productKey(), v.deviceKey()), v.version(), true));
            } else if (r.message() instanceof Progress p
                    && p.state() == ProgressState.SUCCEEDED
                    && !tasks.get(p.taskId()).gatewayFirmware()) {
                // a gateway's own version is what its next hello reports, not what it said before rebooting
                Task task = tasks.get(p.taskId());
                claims.add(new Claim(
                        r.gatewayId(), new SubDeviceRef(task.productKey(), task.deviceKey()), p.version(), false));
            }
        }
        if (claims.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<SubDeviceRef> keys = claims.stream().map(Claim::key).distinct().toList();
        return subDevices.lock(keys, null).flatMap(v -> subDevices.states(keys)).flatMap(stored -> {
            Map<SubDeviceRef, DeviceRow> now = new HashMap<>(stored);
            Map<SubDeviceRef, Change> changed = new LinkedHashMap<>();
            for (Claim c : claims) {
                DeviceRow d = now.get(c.key());
                if (c.mustOwn()) {
                    Ownership.speaksFor(
                                    c.gatewayId(),
                                    c.key().productKey(),
                                    c.key().deviceKey(),
                                    d != null,
                                    d == null ? null : d.gatewayId())
                            .ifPresent(refusal -> {
                                throw refusal;
                            });
                }
                if (d == null
                        || !c.gatewayId().equals(d.gatewayId())
                        || c.version() == null
                        || c.version().equals(d.version())) {
                    continue;
                }
                if (changed.containsKey(c.key())) {
                    throw new IllegalStateException("a sub-device's version changed twice in a run");
                }
                DeviceRow after = d.running(c.version());
                changed.put(c.key(), new Change(after, "VERSION", true));
                now.put(c.key(), after);
            }
            return changed.isEmpty()
                    ? Uni.createFrom().item(List.<DeviceState>of())
                    : subDevices.write(List.copyOf(changed.values()));
        });
    }

    /**
     * The device events and the stretch's acks and progress reports, forwarded to plan-service as one
     * {@code gateway.reports} message, in one statement.
     */
    private Uni<Void> outbox(List<Report> fresh, List<DeviceState> events) {
        long millis = clock.millis();
        List<Outbox.Entry> entries = new ArrayList<>(this.events.entries(events, millis));
        List<GatewayUplink.Entry> forwarded = fresh.stream()
                .filter(r -> !(r.message() instanceof VersionReport))
                .map(r -> entry(r.gatewayId(), r.message()))
                .toList();
        if (!forwarded.isEmpty()) {
            entries.add(Outbox.Entry.of(InternalTopics.GATEWAY_UPLINK, forwarded(forwarded, millis)));
        }
        return outbox.addAll(entries);
    }

    /**
     * An ack or a progress report as plan-service gets it, with the gateway's identity from its topic: an
     * entry of a {@code gateway.reports} message.
     */
    static GatewayUplink.Entry entry(String gatewayId, UplinkMessage report) {
        if (report instanceof Ack ack) {
            return GatewayUplink.Entry.ack(
                    new GatewayUplink.Ack(gatewayId, ack.msgId(), ack.taskId(), ack.accept(), ack.reason()));
        }
        Progress progress = (Progress) report;
        return GatewayUplink.Entry.progress(new GatewayUplink.Progress(
                gatewayId,
                progress.msgId(),
                progress.taskId(),
                progress.state().name(),
                progress.percent(),
                progress.version(),
                progress.error() == null ? null : progress.error().code().name(),
                progress.error() == null ? null : progress.error().message()));
    }

    /** Acks and progress reports, in order, as one internal message for plan-service. */
    static InternalMessage forwarded(List<GatewayUplink.Entry> entries, long millis) {
        return InternalMessage.of(
                GatewayUplink.Reports.TYPE, DeviceEvents.SOURCE, millis, new GatewayUplink.Reports(entries));
    }

    private static String taskId(Report r) {
        return r.message() instanceof Progress p ? p.taskId() : ((Ack) r.message()).taskId();
    }

    private static String key(String a, String b) {
        return a + '\u0000' + b;
    }
}
