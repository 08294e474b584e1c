package org.otaplatform.plan.task;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.otaplatform.common.messaging.Outbox;
import org.otaplatform.common.reactive.InOrder;
import org.otaplatform.common.reactive.RepeatedWarning;
import org.otaplatform.common.reactive.Watchdog;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.internal.DeviceState;
import org.otaplatform.contract.internal.GatewayCommand;
import org.otaplatform.contract.internal.InternalMessage;
import org.otaplatform.plan.device.TaskEffects;
import org.otaplatform.plan.plan.PlanTasks;

/**
 * Ends what will not end by itself: a task not acked within its ack time while its gateway is online,
 * or not final by its deadline, becomes TIMED_OUT, and its gateway is told to drop it. Also ends the
 * tasks of a plan that stops: {@link #cancelNotAccepted}.
 */
@ApplicationScoped
public class TaskSupervisor implements PlanTasks, TaskEffects {

    private static final Logger LOG = Logger.getLogger(TaskSupervisor.class);
    private final RepeatedWarning passFailed = new RepeatedWarning(LOG, "the timeout pass");
    private static final String SOURCE = "plan-service";

    private final Pool pool;
    private final TaskStore tasks;
    private final Outbox outbox;
    private final org.otaplatform.plan.config.PlanClock clock;

    TaskSupervisor(Pool pool, TaskStore tasks, Outbox outbox, org.otaplatform.plan.config.PlanClock clock) {
        this.clock = clock;
        this.pool = pool;
        this.tasks = tasks;
        this.outbox = outbox;
    }

    /**
     * A pass that finds the last one further back than this knows the platform could not process meanwhile
     * (the pass runs every second).
     */
    // 5, not 10: a read-only database for 10 s made a gap of 10 s, which a threshold of 10 did not count, and
    // the acks that waited meanwhile came too late for 158 of 1,000 tasks (DatabaseOutageIT, about one run in
    // three). Counting a shorter stall only gives open tasks a little more time.
    static final long OUTAGE_SECONDS = 5;

    @Scheduled(every = "${ota.plan.timeouts.interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> timeOut() {
        return outageAccounted()
                .flatMap(v -> timeOutExpired())
                .flatMap(v -> appointmentsMissed())
                .plug(Watchdog.limit("the timeout pass"))
                .onFailure()
                .invoke(passFailed::failed)
                .onFailure()
                .recoverWithNull();
    }

    /**
     * Notes this pass in {@code timeout_clock}; when the previous one was more than {@link #OUTAGE_SECONDS}
     * ago (the database away or read-only, every replica down), the open tasks' ack deadlines and deadlines
     * move on by the whole gap, in the same transaction, so that an outage times out no task: the gateways'
     * answers waited in the broker meanwhile. An ack deadline also gets at least a whole ack window from now:
     * the answers that waited are consumed only after the outage, behind everything else that waited (a
     * database outage of 30 s with 1,000 devices in flight left 160 acks consumed a few seconds after
     * deadlines moved by the gap alone). The row lock lets one replica account for a gap, once.
     */
    Uni<Void> outageAccounted() {
        return pool.withTransaction(c -> c.query("WITH prev AS (SELECT last_pass FROM timeout_clock WHERE id = 1"
                        + " FOR UPDATE), now AS (UPDATE timeout_clock SET last_pass = now() WHERE id = 1)"
                        + " SELECT extract(epoch FROM now() - last_pass)::bigint FROM prev")
                .execute()
                .flatMap(rows -> {
                    long gap = rows.iterator().next().getLong(0);
                    if (gap <= OUTAGE_SECONDS) {
                        return Uni.createFrom().voidItem();
                    }
                    return c.preparedQuery("UPDATE upgrade_task SET"
                                    + " ack_deadline = CASE WHEN ack_deadline IS NOT NULL THEN"
                                    + "   greatest(ack_deadline + make_interval(secs => $1),"
                                    + "   CAST($2 AS timestamptz) + make_interval(secs => ack_timeout_seconds)) END,"
                                    + " deadline = deadline + make_interval(secs => $1)"
                                    + " WHERE state IN " + TaskState.OPEN_SQL
                                    + " AND (ack_deadline IS NOT NULL OR deadline IS NOT NULL)")
                            .execute(io.vertx.mutiny.sqlclient.Tuple.of((double) gap, clock.nowUtc()))
                            .invoke(moved -> LOG.warnf(
                                    "no timeout pass for %d s (the database was away or every replica"
                                            + " down): %d open tasks get that time back",
                                    gap, moved.rowCount()))
                            .replaceWithVoid();
                }));
    }

    private Uni<Void> timeOutExpired() {
        return pool.preparedQuery(
                        "SELECT t.id FROM upgrade_task t JOIN gateway_view g ON g.gateway_id = t.gateway_id AND g.online"
                                + " WHERE t.state = " + TaskState.NOTIFIED.sql() + " AND t.ack_deadline < $1"
                                + " UNION SELECT id FROM upgrade_task WHERE deadline < $1"
                                + " AND state IN " + TaskState.CONFIRMED_OPEN_SQL + " LIMIT 1000")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(clock.nowUtc()))
                .map(rows -> {
                    List<UUID> ids = new ArrayList<>();
                    rows.forEach(r -> ids.add(r.getUUID(0)));
                    return ids;
                })
                .flatMap(ids -> ids.isEmpty()
                        ? Uni.createFrom().voidItem()
                        : Panache.withTransaction(() -> InOrder.each(
                                ids, id -> end(id, TaskState.TIMED_OUT, "TIMED_OUT", "no answer in time"))));
    }

    /** Confirmed tasks whose appointment ended before they could be sent: offered again, with the reason. */
    private Uni<Void> appointmentsMissed() {
        return pool.preparedQuery("SELECT id FROM upgrade_task WHERE state = " + TaskState.PENDING.sql()
                        + " AND not_after < $1 LIMIT 1000")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(clock.nowUtc()))
                .map(rows -> {
                    List<UUID> ids = new ArrayList<>();
                    rows.forEach(r -> ids.add(r.getUUID(0)));
                    return ids;
                })
                .flatMap(ids -> ids.isEmpty()
                        ? Uni.createFrom().voidItem()
                        : Panache.withTransaction(() -> InOrder.each(
                                ids, id -> tasks.appointmentMissed(id).replaceWithVoid())));
    }

    @Override
    public Uni<Void> restartAckClock(String gatewayId) {
        return tasks.restartAckClock(gatewayId);
    }

    /** Cancels the plan's tasks a gateway has not accepted yet, in the caller's transaction; accepted ones run on. */
    @Override
    public Uni<Void> cancelNotAccepted(UUID planId, String reason) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("SELECT id FROM upgrade_task WHERE plan_id = ?1" + " AND state IN "
                                + TaskState.NOT_STARTED_SQL)
                        .setParameter(1, planId)
                        .getResultList())
                .flatMap(rows -> InOrder.each(rows, row -> end((UUID) row, TaskState.CANCELLED, null, reason)));
    }

    /**
     * The error code of a task cancelled because its sub-device's binding changed (unbound, moved, deleted):
     * unlike other cancellations, it does not keep the plan from upgrading the sub-device once it is bound
     * again.
     */
    public static final String BINDING_CHANGED = "BINDING_CHANGED";

    /**
     * Ends CANCELLED, in the caller's transaction, the open tasks of these sub-devices (their views applied
     * already) that were sent to another gateway than the one each is bound to now: that gateway no longer
     * speaks for it (device-gateway-service refuses its reports). A gateway that was sent the upgrade is
     * told to drop it.
     */
    @Override
    public Uni<Void> cancelWhereNotBound(List<DeviceState> applied) {
        // only a binding change moves a sub-device away from a gateway: the campaign's version and online
        // events cost nothing here
        List<DeviceState> states = applied.stream()
                .filter(d -> !d.bound() || "BOUND".equals(d.change()))
                .toList();
        if (states.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Map<String, String> changes = new HashMap<>();
        states.forEach(d -> changes.put(d.productKey() + '\u0000' + d.deviceKey(), d.change()));
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("SELECT t.id, t.gateway_id, d.gateway_id, t.product_key, t.device_key"
                                + " FROM unnest(CAST(?1 AS varchar[]), CAST(?2 AS varchar[])) AS u (product_key, device_key)"
                                + " JOIN device_view d ON d.product_key = u.product_key AND d.device_key = u.device_key"
                                + " JOIN upgrade_task t ON t.product_key = d.product_key AND t.device_key = d.device_key"
                                + " WHERE t.state IN " + TaskState.OPEN_SQL
                                + " AND t.gateway_id IS DISTINCT FROM d.gateway_id")
                        .setParameter(
                                1, states.stream().map(DeviceState::productKey).toArray(String[]::new))
                        .setParameter(
                                2, states.stream().map(DeviceState::deviceKey).toArray(String[]::new))
                        .getResultList())
                .flatMap(rows -> InOrder.each(rows, row -> {
                    Object[] r = (Object[]) row;
                    String boundTo = (String) r[2];
                    String reason = boundTo != null
                            ? "the sub-device was moved from gateway " + r[1] + " to gateway " + boundTo
                            : "DELETED".equals(changes.get(r[3] + "\u0000" + r[4]))
                                    ? "the sub-device was deleted from the registry"
                                    : "the sub-device was unbound from gateway " + r[1];
                    LOG.infof("task %s of %s/%s cancelled: %s", r[0], r[3], r[4], reason);
                    return end((UUID) r[0], TaskState.CANCELLED, BINDING_CHANGED, reason);
                }));
    }

    /** Ends one task if it may still move there; the gateway is told when it had been sent the upgrade. */
    private Uni<Void> end(UUID id, TaskState state, String code, String reason) {
        return tasks.find(id).flatMap(found -> {
            if (found.isEmpty() || !found.get().state().canMoveTo(state)) {
                return Uni.createFrom().voidItem();
            }
            TaskStore.TaskRow task = found.get();
            boolean sent = task.state().isInFlight();
            return tasks.move(id, state, null, code, reason)
                    .flatMap(v -> !sent
                            ? Uni.createFrom().voidItem()
                            : outbox.add(
                                    InternalTopics.GATEWAY_COMMANDS,
                                    InternalMessage.of(
                                            GatewayCommand.Cancel.TYPE,
                                            SOURCE,
                                            clock.millis(),
                                            new GatewayCommand.Cancel(task.gatewayId(), id.toString(), reason))));
        });
    }
}
