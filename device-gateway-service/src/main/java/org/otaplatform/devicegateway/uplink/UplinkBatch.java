package org.otaplatform.devicegateway.uplink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;
import org.otaplatform.common.messaging.MqttSubscriptions;
import org.otaplatform.common.messaging.Outbox;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.internal.DeviceState;
import org.otaplatform.contract.internal.InternalMessage;
import org.otaplatform.contract.message.Progress;
import org.otaplatform.contract.message.UplinkMessage;
import org.otaplatform.contract.wire.ErrorCode;
import org.otaplatform.contract.wire.ProgressState;

/**
 * Applies a run of acks and progress reports, the bulk of a campaign's uplink, in one transaction with a
 * few set-based statements instead of several per message: the same effects {@link UplinkService} has
 * for each of them (de-duplication by msgId, gateway seen, task moved forward and owned, a succeeded
 * device's new version, the forwarded report and device event in the outbox). Whatever the statements
 * cannot settle the way the message-by-message path would (a report that must be refused, a gateway
 * held offline, one sub-device's version changed twice) fails the run, which {@link MqttSubscriptions}
 * then rolls back and hands message by message to {@link UplinkService}.
 */
@ApplicationScoped
public class UplinkBatch {

    /**
     * An ack or a progress report with a msgId, as one message of a run; {@link #get()} applies it alone
     * inside the transaction it finds (a run that mixes it with other messages).
     */
    public record Report(String gatewayId, UplinkMessage message, Supplier<Uni<Void>> oneByOne)
            implements Supplier<Uni<Void>> {
        @Override
        public Uni<Void> get() {
            return oneByOne.get();
        }
    }

    private final Pool pool;
    private final Outbox outbox;
    private final Counter setBased;
    private final Clock clock = Clock.systemUTC();

    UplinkBatch(Pool pool, Outbox outbox, MeterRegistry registry) {
        this.pool = pool;
        this.outbox = outbox;
        this.setBased = Counter.builder("ota.uplink.set-based")
                .description("acks and progress reports applied in set-based runs")
                .register(registry);
    }

    /** A run of messages: set-based when every one is a {@link Report}, message by message otherwise. */
    public Uni<Void> apply(List<Supplier<Uni<Void>>> run) {
        if (!run.stream().allMatch(w -> w instanceof Report)) {
            return MqttSubscriptions.inOneTransaction(run);
        }
        List<Report> reports = run.stream().map(w -> (Report) w).toList();
        return pool.withTransaction(c -> firstSeen(c, reports)
                        .flatMap(fresh -> fresh.isEmpty()
                                ? Uni.createFrom().voidItem()
                                : gatewaysSeen(c, fresh)
                                        .flatMap(v -> tasks(c, fresh))
                                        .flatMap(tasks -> versions(c, fresh, tasks))
                                        .flatMap(events -> outbox(c, fresh, events))))
                .invoke(() -> {
                    setBased.increment(reports.size());
                    outbox.committedElsewhere();
                });
    }

    /** Records every (gateway, msgId); the reports seen for the first time, in order. */
    private Uni<List<Report>> firstSeen(SqlConnection c, List<Report> reports) {
        String[] gateways = reports.stream().map(Report::gatewayId).toArray(String[]::new);
        String[] msgIds = reports.stream().map(r -> r.message().msgId()).toArray(String[]::new);
        return c.preparedQuery(
                        "INSERT INTO uplink_seen (gateway_id, msg_id) SELECT * FROM unnest($1::text[], $2::text[])"
                                + " ON CONFLICT DO NOTHING RETURNING gateway_id, msg_id")
                .execute(Tuple.tuple().addArrayOfString(gateways).addArrayOfString(msgIds))
                .map(rows -> {
                    Set<String> inserted = new HashSet<>();
                    rows.forEach(row -> inserted.add(key(row.getString(0), row.getString(1))));
                    // a msgId repeated within the run was inserted once: its first occurrence is the fresh one
                    return reports.stream()
                            .filter(r -> inserted.remove(
                                    key(r.gatewayId(), r.message().msgId())))
                            .toList();
                });
    }

    /** The gateways were seen now; one that was held offline must be revived message by message. */
    private Uni<Void> gatewaysSeen(SqlConnection c, List<Report> fresh) {
        String[] gateways = fresh.stream()
                .map(Report::gatewayId)
                .collect(java.util.stream.Collectors.toCollection(TreeSet::new))
                .toArray(String[]::new);
        return c.preparedQuery("UPDATE gateway g SET last_seen_at = now() FROM (SELECT gateway_id, online FROM gateway"
                        + " WHERE gateway_id = ANY($1) ORDER BY gateway_id FOR UPDATE) before"
                        + " WHERE g.gateway_id = before.gateway_id RETURNING before.online")
                .execute(Tuple.of(gateways))
                .map(rows -> {
                    for (Row row : rows) {
                        if (!row.getBoolean(0)) {
                            throw new IllegalStateException("a gateway held offline sent reports: it is revived alone");
                        }
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
    private Uni<Map<String, Task>> tasks(SqlConnection c, List<Report> fresh) {
        Map<String, String> furthest = new java.util.TreeMap<>();
        for (Report r : fresh) {
            furthest.merge(taskId(r), UplinkService.taskState(r.message()), (a, b) -> "ENDED".equals(a) ? a : b);
        }
        return c.preparedQuery("UPDATE gateway_task t SET state = CASE WHEN t.state = 'SENT'"
                        + " OR (t.state = 'ACKED' AND i.state = 'ENDED') THEN i.state ELSE t.state END, updated_at = now()"
                        + " FROM unnest($1::text[], $2::text[]) AS i (task_id, state) WHERE t.task_id = i.task_id"
                        + " RETURNING t.task_id, t.gateway_id, t.product_key, t.device_key")
                .execute(Tuple.tuple()
                        .addArrayOfString(furthest.keySet().toArray(String[]::new))
                        .addArrayOfString(furthest.values().toArray(String[]::new)))
                .map(rows -> {
                    Map<String, Task> tasks = new HashMap<>();
                    rows.forEach(row -> tasks.put(
                            row.getString(0), new Task(row.getString(1), row.getString(2), row.getString(3))));
                    for (Report r : fresh) {
                        Task task = tasks.get(taskId(r));
                        if (task == null || !task.gatewayId().equals(r.gatewayId())) {
                            throw new Refusal(
                                    ErrorCode.UNKNOWN_TASK, "no task " + taskId(r) + " for gateway " + r.gatewayId());
                        }
                    }
                    return tasks;
                });
    }

    /**
     * The new version of every sub-device whose upgrade succeeded, where it differs from the stored one
     * and the sub-device is still attached to the reporting gateway; the device events this causes.
     */
    private Uni<List<DeviceState>> versions(SqlConnection c, List<Report> fresh, Map<String, Task> tasks) {
        Map<String, String> newVersions = new LinkedHashMap<>(); // device key → version, in report order
        Map<String, Report> by = new HashMap<>();
        for (Report r : fresh) {
            if (r.message() instanceof Progress p && p.state() == ProgressState.SUCCEEDED && p.version() != null) {
                Task task = tasks.get(p.taskId());
                String device = key(task.productKey(), task.deviceKey());
                if (newVersions.containsKey(device)) {
                    throw new IllegalStateException("one sub-device succeeded twice in a run: applied one by one");
                }
                newVersions.put(device, p.version());
                by.put(device, r);
            }
        }
        if (newVersions.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<String> products = new ArrayList<>();
        List<String> devices = new ArrayList<>();
        List<String> gateways = new ArrayList<>();
        List<String> versions = new ArrayList<>();
        newVersions.forEach((device, version) -> {
            Task task = tasks.get(taskId(by.get(device)));
            products.add(task.productKey());
            devices.add(task.deviceKey());
            gateways.add(by.get(device).gatewayId());
            versions.add(version);
        });
        return c.preparedQuery("UPDATE sub_device d SET version = i.version, last_seen_at = now(), seq = d.seq + 1"
                        + " FROM (SELECT s.product_key, s.device_key, u.version FROM sub_device s"
                        + "   JOIN unnest($1::text[], $2::text[], $3::text[], $4::text[])"
                        + "     AS u (product_key, device_key, gateway_id, version)"
                        + "   ON s.product_key = u.product_key AND s.device_key = u.device_key"
                        + "   AND s.gateway_id = u.gateway_id AND s.version <> u.version"
                        + "   ORDER BY s.product_key, s.device_key FOR UPDATE OF s) i"
                        + " WHERE d.product_key = i.product_key AND d.device_key = i.device_key"
                        + " RETURNING d.product_key, d.device_key, d.gateway_id, d.online, d.version, d.seq")
                .execute(Tuple.tuple()
                        .addArrayOfString(products.toArray(String[]::new))
                        .addArrayOfString(devices.toArray(String[]::new))
                        .addArrayOfString(gateways.toArray(String[]::new))
                        .addArrayOfString(versions.toArray(String[]::new)))
                .map(rows -> {
                    List<DeviceState> events = new ArrayList<>();
                    rows.forEach(row -> events.add(new DeviceState(
                            row.getString(0),
                            row.getString(1),
                            row.getString(2),
                            row.getBoolean(3),
                            row.getString(4),
                            "VERSION",
                            row.getLong(5))));
                    return events;
                });
    }

    /** The device events and every forwarded report, in one statement. */
    private Uni<Void> outbox(SqlConnection c, List<Report> fresh, List<DeviceState> events) {
        long millis = clock.millis();
        int n = events.size() + fresh.size();
        UUID[] ids = new UUID[n];
        String[] topics = new String[n];
        Buffer[] payloads = new Buffer[n];
        int i = 0;
        for (DeviceState event : events) {
            InternalMessage m = InternalMessage.of(DeviceState.TYPE, UplinkService.SOURCE, millis, event);
            ids[i] = UUID.fromString(m.id());
            topics[i] = InternalTopics.DEVICE_EVENTS;
            payloads[i++] = Buffer.buffer(m.encode());
        }
        for (Report r : fresh) {
            InternalMessage m = UplinkService.forwarded(r.gatewayId(), r.message(), millis);
            ids[i] = UUID.fromString(m.id());
            topics[i] = InternalTopics.GATEWAY_UPLINK;
            payloads[i++] = Buffer.buffer(m.encode());
        }
        return c.preparedQuery("INSERT INTO outbox_message (id, topic, payload)"
                        + " SELECT * FROM unnest($1::uuid[], $2::text[], $3::bytea[])")
                .execute(Tuple.tuple()
                        .addArrayOfUUID(ids)
                        .addArrayOfString(topics)
                        .addValue(payloads))
                .replaceWithVoid();
    }

    private static String taskId(Report r) {
        return r.message() instanceof Progress p
                ? p.taskId()
                : ((org.otaplatform.contract.message.Ack) r.message()).taskId();
    }

    private static String key(String a, String b) {
        return a + '\u0000' + b;
    }
}
