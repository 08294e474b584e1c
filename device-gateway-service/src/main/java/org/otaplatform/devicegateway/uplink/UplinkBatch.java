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
import org.otaplatform.contract.internal.InternalMessage;
import org.otaplatform.contract.message.Ack;
import org.otaplatform.contract.message.Progress;
import org.otaplatform.contract.message.UplinkMessage;
import org.otaplatform.contract.message.VersionReport;
import org.otaplatform.contract.wire.ErrorCode;
import org.otaplatform.contract.wire.ProgressState;
import org.otaplatform.devicegateway.session.SessionStore;

/**
 * Applies a stretch of acks, progress and version reports, the bulk of a campaign's uplink, inside the
 * transaction of its run ({@link MqttSubscriptions#subscribeInStretches}) with a few set-based
 * statements instead of several per message: the same effects {@link UplinkService} has for each of them (de-duplication by msgId,
 * gateway seen, task moved forward and owned, a sub-device's new version, the forwarded reports and
 * device events in the outbox). Whatever the statements cannot settle the way the message-by-message
 * path would (a report that must be refused, a gateway held offline, one sub-device's version changed
 * twice) fails the run, which {@link MqttSubscriptions} then rolls back and hands message by message to
 * {@link UplinkService}.
 */
@ApplicationScoped
public class UplinkBatch {

    /** An ack, progress or version report with a msgId, from the gateway its topic names. */
    public record Report(String gatewayId, UplinkMessage message) {}

    /** How stale a gateway's {@code last_seen_at} may be after reports of a run. */
    static final int SEEN_PRECISION_SECONDS = 5;

    private final Outbox outbox;
    private final Clock clock = Clock.systemUTC();

    UplinkBatch(Outbox outbox) {
        this.outbox = outbox;
    }

    /** A stretch of reports of a run, inside the run's transaction. */
    public Uni<Void> reports(List<Report> reports) {
        return firstSeen(reports)
                .flatMap(fresh -> fresh.isEmpty()
                        ? Uni.createFrom().voidItem()
                        : gatewaysSeen(fresh)
                                .flatMap(v -> tasks(fresh))
                                .flatMap(tasks -> versions(fresh, tasks))
                                .flatMap(events -> outbox(fresh, events)));
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
    private record Task(String gatewayId, String productKey, String deviceKey) {}

    /**
     * Moves every named task forward (SENT → ACKED → ENDED, never back) as far as the run takes it; each
     * must exist and belong to the gateway that reports it, or the run fails.
     */
    private Uni<Map<String, Task>> tasks(List<Report> fresh) {
        Map<String, String> furthest = new TreeMap<>();
        for (Report r : fresh) {
            if (!(r.message() instanceof VersionReport)) {
                furthest.merge(taskId(r), UplinkService.taskState(r.message()), (a, b) -> "ENDED".equals(a) ? a : b);
            }
        }
        if (furthest.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return SessionStore.rows(
                        "UPDATE gateway_task t SET state = CASE WHEN t.state = 'SENT'"
                                + " OR (t.state = 'ACKED' AND i.state = 'ENDED') THEN i.state ELSE t.state END,"
                                + " updated_at = now() FROM unnest(CAST(?1 AS text[]), CAST(?2 AS text[]))"
                                + " AS i (task_id, state) WHERE t.task_id = i.task_id"
                                + " RETURNING t.task_id, t.gateway_id, t.product_key, t.device_key",
                        furthest.keySet().toArray(String[]::new),
                        furthest.values().toArray(String[]::new))
                .map(rows -> {
                    Map<String, Task> tasks = new HashMap<>();
                    rows.forEach(row ->
                            tasks.put((String) row[0], new Task((String) row[1], (String) row[2], (String) row[3])));
                    for (Report r : fresh) {
                        if (r.message() instanceof VersionReport) {
                            continue;
                        }
                        Task task = tasks.get(taskId(r));
                        if (task == null || !task.gatewayId().equals(r.gatewayId())) {
                            throw new Refusal(
                                    ErrorCode.UNKNOWN_TASK, "no task " + taskId(r) + " for gateway " + r.gatewayId());
                        }
                    }
                    return tasks;
                });
    }

    /** A version a report gives a sub-device; {@code mustOwn}: the report is refused unless it owns it. */
    private record Claim(String gatewayId, String productKey, String deviceKey, String version, boolean mustOwn) {}

    private record Device(String gatewayId, String version) {}

    /**
     * The new versions that version reports and succeeded upgrades give sub-devices, as one by one: a
     * version report must name a sub-device of its gateway (or the run fails); a succeeded upgrade counts
     * where the sub-device is still attached to the reporting gateway. The device events this causes.
     */
    private Uni<List<DeviceState>> versions(List<Report> fresh, Map<String, Task> tasks) {
        List<Claim> claims = new ArrayList<>();
        for (Report r : fresh) {
            if (r.message() instanceof VersionReport v) {
                claims.add(new Claim(r.gatewayId(), v.productKey(), v.deviceKey(), v.version(), true));
            } else if (r.message() instanceof Progress p && p.state() == ProgressState.SUCCEEDED) {
                Task task = tasks.get(p.taskId());
                claims.add(new Claim(r.gatewayId(), task.productKey(), task.deviceKey(), p.version(), false));
            }
        }
        if (claims.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        Set<String> keys = new TreeSet<>();
        claims.forEach(c -> keys.add(key(c.productKey(), c.deviceKey())));
        return SessionStore.rows(
                        "SELECT s.product_key, s.device_key, s.gateway_id, s.version FROM sub_device s"
                                + " JOIN unnest(CAST(?1 AS text[]), CAST(?2 AS text[])) AS u (product_key, device_key)"
                                + " ON s.product_key = u.product_key AND s.device_key = u.device_key"
                                + " ORDER BY s.product_key, s.device_key FOR UPDATE OF s",
                        keys.stream()
                                .map(k -> k.substring(0, k.indexOf('\u0000')))
                                .toArray(String[]::new),
                        keys.stream()
                                .map(k -> k.substring(k.indexOf('\u0000') + 1))
                                .toArray(String[]::new))
                .flatMap(rows -> {
                    Map<String, Device> stored = new HashMap<>();
                    rows.forEach(row -> stored.put(
                            key((String) row[0], (String) row[1]), new Device((String) row[2], (String) row[3])));
                    Map<String, Claim> changed = new LinkedHashMap<>();
                    for (Claim c : claims) {
                        String device = key(c.productKey(), c.deviceKey());
                        Device d = stored.get(device);
                        if (c.mustOwn() && d == null) {
                            throw new Refusal(
                                    ErrorCode.UNKNOWN_DEVICE,
                                    "sub-device " + c.productKey() + "/" + c.deviceKey() + " is unknown");
                        }
                        if (c.mustOwn() && !c.gatewayId().equals(d.gatewayId())) {
                            throw new Refusal(
                                    ErrorCode.NOT_OWNER,
                                    "sub-device " + c.productKey() + "/" + c.deviceKey()
                                            + " is not attached to gateway " + c.gatewayId());
                        }
                        if (d == null
                                || !c.gatewayId().equals(d.gatewayId())
                                || c.version() == null
                                || c.version().equals(d.version())) {
                            continue;
                        }
                        if (changed.containsKey(device)) {
                            throw new IllegalStateException("a sub-device's version changed twice in a run");
                        }
                        changed.put(device, c);
                        stored.put(device, new Device(d.gatewayId(), c.version()));
                    }
                    return changed.isEmpty() ? Uni.createFrom().item(List.<DeviceState>of()) : newVersions(changed);
                });
    }

    private Uni<List<DeviceState>> newVersions(Map<String, Claim> changed) {
        List<Claim> list = List.copyOf(changed.values());
        return SessionStore.rows(
                        "UPDATE sub_device d SET version = u.version, last_seen_at = now(), seq = d.seq + 1"
                                + " FROM unnest(CAST(?1 AS text[]), CAST(?2 AS text[]), CAST(?3 AS text[]))"
                                + " AS u (product_key, device_key, version)"
                                + " WHERE d.product_key = u.product_key AND d.device_key = u.device_key"
                                + " RETURNING d.product_key, d.device_key, d.gateway_id, d.online, d.version, d.seq",
                        list.stream().map(Claim::productKey).toArray(String[]::new),
                        list.stream().map(Claim::deviceKey).toArray(String[]::new),
                        list.stream().map(Claim::version).toArray(String[]::new))
                .map(rows -> rows.stream()
                        .map(row -> new DeviceState(
                                (String) row[0],
                                (String) row[1],
                                (String) row[2],
                                (Boolean) row[3],
                                (String) row[4],
                                "VERSION",
                                ((Number) row[5]).longValue()))
                        .toList());
    }

    /** The device events and the forwarded acks and progress reports, in one statement. */
    private Uni<Void> outbox(List<Report> fresh, List<DeviceState> events) {
        long millis = clock.millis();
        List<Outbox.Entry> entries = new ArrayList<>();
        for (DeviceState event : events) {
            entries.add(Outbox.Entry.of(
                    InternalTopics.DEVICE_EVENTS,
                    InternalMessage.of(DeviceState.TYPE, UplinkService.SOURCE, millis, event)));
        }
        for (Report r : fresh) {
            if (!(r.message() instanceof VersionReport)) {
                entries.add(Outbox.Entry.of(
                        InternalTopics.GATEWAY_UPLINK, UplinkService.forwarded(r.gatewayId(), r.message(), millis)));
            }
        }
        return outbox.addAll(entries);
    }

    private static String taskId(Report r) {
        return r.message() instanceof Progress p ? p.taskId() : ((Ack) r.message()).taskId();
    }

    private static String key(String a, String b) {
        return a + '\u0000' + b;
    }
}
