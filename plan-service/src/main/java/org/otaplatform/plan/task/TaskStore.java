package org.otaplatform.plan.task;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/** Tasks and their history, written in the caller's transaction. */
@ApplicationScoped
public class TaskStore {

    private final org.otaplatform.plan.config.PlanClock clock;

    TaskStore(org.otaplatform.plan.config.PlanClock clock) {
        this.clock = clock;
    }

    /**
     * A task as the state machine needs it; {@code gatewayFirmware}: it upgrades the gateway itself; {@code
     * planOpen}: its plan is ACTIVE or SUSPENDED (a rollback may still correct its SUCCEEDED).
     */
    public record TaskRow(
            UUID id,
            UUID planId,
            String productKey,
            String deviceKey,
            String gatewayId,
            TaskState state,
            String fromVersion,
            String toVersion,
            boolean gatewayFirmware,
            boolean planOpen) {

        /** The same task in another state. */
        TaskRow in(TaskState next) {
            return new TaskRow(
                    id,
                    planId,
                    productKey,
                    deviceKey,
                    gatewayId,
                    next,
                    fromVersion,
                    toVersion,
                    gatewayFirmware,
                    planOpen);
        }
    }

    /** The columns {@link #taskRow} reads, of {@code upgrade_task t} joined with its {@code plan p}. */
    private static final String TASK_ROW = "SELECT t.id, t.plan_id, t.product_key, t.device_key, t.gateway_id, t.state,"
            + " t.from_version, t.to_version, t.gateway_firmware, p.status IN ('ACTIVE', 'SUSPENDED')"
            + " FROM upgrade_task t JOIN plan p ON p.id = t.plan_id";

    /**
     * Inserts a new task, in wave {@code wave} of its plan (null: the plan has no waves); false when the device
     * has an open task already (the unique index said no). A task of a gateway itself (its device view says
     * so) upgrades the gateway's own firmware.
     */
    public Uni<Boolean> insert(
            UUID id,
            UUID planId,
            String productKey,
            String deviceKey,
            String gatewayId,
            int attempt,
            TaskState state,
            String fromVersion,
            String toVersion,
            Instant ackDeadline,
            Instant deadline,
            int ackTimeoutSeconds,
            Integer wave) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "INSERT INTO upgrade_task (id, plan_id, product_key, device_key, gateway_id,"
                                        + " attempt, state, from_version, to_version, ack_deadline, deadline, notified_at, ack_timeout_seconds,"
                                        + " wave, gateway_firmware)"
                                        + " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, CASE WHEN ?7 = "
                                        + TaskState.NOTIFIED.sql() + " THEN CAST(?13 AS timestamptz) END, ?12,"
                                        + " NULLIF(?14, 0), coalesce((SELECT v.is_gateway FROM device_view v"
                                        + "   WHERE v.product_key = ?3 AND v.device_key = ?4), false))"
                                        + " ON CONFLICT DO NOTHING")
                        .setParameter(1, id)
                        .setParameter(2, planId)
                        .setParameter(3, productKey)
                        .setParameter(4, deviceKey)
                        .setParameter(5, gatewayId)
                        .setParameter(6, attempt)
                        .setParameter(7, state.name())
                        .setParameter(8, fromVersion)
                        .setParameter(9, toVersion)
                        .setParameter(10, ackDeadline)
                        .setParameter(11, deadline)
                        .setParameter(12, ackTimeoutSeconds)
                        .setParameter(13, clock.now())
                        .setParameter(14, wave == null ? 0 : wave)
                        .executeUpdate())
                .flatMap(n -> n == 1
                        ? event(id, state, null, null, null).replaceWith(true)
                        : Uni.createFrom().item(false));
    }

    public Uni<Optional<TaskRow>> find(UUID id) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(TASK_ROW + " WHERE t.id = ?1 FOR UPDATE OF t")
                        .setParameter(1, id)
                        .getResultList())
                .map(rows -> rows.stream().findFirst().map(row -> taskRow((Object[]) row)));
    }

    /** A row of {@link #TASK_ROW}. */
    private static TaskRow taskRow(Object[] r) {
        return new TaskRow(
                (UUID) r[0],
                (UUID) r[1],
                (String) r[2],
                (String) r[3],
                (String) r[4],
                TaskState.valueOf((String) r[5]),
                (String) r[6],
                (String) r[7],
                Boolean.TRUE.equals(r[8]),
                Boolean.TRUE.equals(r[9]));
    }

    /** The tasks with these ids, locked for the transaction in id order; the unknown ones are absent. */
    public Uni<Map<UUID, TaskRow>> findAll(Collection<UUID> ids) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                TASK_ROW + " WHERE t.id = ANY(CAST(?1 AS uuid[])) ORDER BY t.id FOR UPDATE OF t")
                        .setParameter(1, ids.toArray(UUID[]::new))
                        .getResultList())
                .map(rows -> {
                    Map<UUID, TaskRow> found = new HashMap<>();
                    for (Object row : rows) {
                        TaskRow task = taskRow((Object[]) row);
                        found.put(task.id(), task);
                    }
                    return found;
                });
    }

    /**
     * Applies a run's moves, in order, in one statement: each task ends as its last move left it (the
     * percent as the last one that gave one), and every move is a history entry. The caller checked
     * each transition on the state the earlier moves left.
     */
    public Uni<Void> moveAll(List<TaskMachine.Move> moves) {
        Map<UUID, TaskMachine.Move> last = new TreeMap<>();
        for (TaskMachine.Move m : moves) {
            last.merge(
                    m.taskId(),
                    m,
                    (before, after) -> after.percent() != null
                            ? after
                            : new TaskMachine.Move(
                                    after.taskId(),
                                    after.state(),
                                    before.percent(),
                                    after.errorCode(),
                                    after.errorMessage()));
        }
        Object[] parameters = new Object[11];
        columns(List.copyOf(last.values()), parameters, 0);
        columns(moves, parameters, 5);
        parameters[10] = clock.now();
        return Panache.getSession()
                .flatMap(s -> {
                    var query = s.createNativeQuery("WITH moved AS (UPDATE upgrade_task t SET state = f.state,"
                            + " percent = coalesce(f.percent, t.percent), error_code = f.error_code,"
                            + " error_message = f.error_message, updated_at = ?11"
                            + " FROM unnest(CAST(?1 AS uuid[]), CAST(?2 AS varchar[]), CAST(?3 AS integer[]),"
                            + "   CAST(?4 AS varchar[]), CAST(?5 AS varchar[])) AS f (id, state, percent, error_code, error_message)"
                            + " WHERE t.id = f.id)"
                            + " INSERT INTO task_event (task_id, state, percent, error_code, error_message)"
                            + " SELECT task_id, state, percent, error_code, error_message"
                            + " FROM unnest(CAST(?6 AS uuid[]), CAST(?7 AS varchar[]), CAST(?8 AS integer[]),"
                            + "   CAST(?9 AS varchar[]), CAST(?10 AS varchar[])) WITH ORDINALITY"
                            + "   AS h (task_id, state, percent, error_code, error_message, n) ORDER BY n");
                    for (int i = 0; i < parameters.length; i++) {
                        query.setParameter(i + 1, parameters[i]);
                    }
                    return query.executeUpdate();
                })
                .replaceWithVoid();
    }

    /** The moves as five arrays (task, state, percent, error code, error message), from {@code at}. */
    private static void columns(List<TaskMachine.Move> moves, Object[] parameters, int at) {
        parameters[at] = moves.stream().map(TaskMachine.Move::taskId).toArray(UUID[]::new);
        parameters[at + 1] = moves.stream().map(m -> m.state().name()).toArray(String[]::new);
        parameters[at + 2] = moves.stream().map(TaskMachine.Move::percent).toArray(Integer[]::new);
        parameters[at + 3] = moves.stream().map(TaskMachine.Move::errorCode).toArray(String[]::new);
        parameters[at + 4] = moves.stream().map(TaskMachine.Move::errorMessage).toArray(String[]::new);
    }

    /** Moves a task and records the change, in one statement; the caller checked the transition. */
    public Uni<Void> move(UUID id, TaskState state, Integer percent, String errorCode, String errorMessage) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "WITH moved AS (UPDATE upgrade_task SET state = CAST(?2 AS varchar),"
                                        + " percent = coalesce(CAST(?3 AS integer), percent), error_code = CAST(?4 AS varchar),"
                                        + " error_message = CAST(?5 AS varchar), updated_at = ?6 WHERE id = ?1 RETURNING id)"
                                        + " INSERT INTO task_event (task_id, state, percent, error_code, error_message)"
                                        + " SELECT id, CAST(?2 AS varchar), CAST(?3 AS integer), CAST(?4 AS varchar), CAST(?5 AS varchar) FROM moved")
                        .setParameter(1, id)
                        .setParameter(2, state.name())
                        .setParameter(3, percent)
                        .setParameter(4, errorCode)
                        .setParameter(5, errorMessage)
                        .setParameter(6, clock.now())
                        .executeUpdate())
                .replaceWithVoid();
    }

    /** PENDING → NOTIFIED, with fresh deadlines; false when the task is no longer PENDING. */
    public Uni<Boolean> notifyPending(UUID id, Instant now, Instant ackDeadline, Instant deadline) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("UPDATE upgrade_task SET state = " + TaskState.NOTIFIED.sql()
                                + ", notified_at = ?4, ack_deadline = ?2,"
                                + " deadline = ?3, updated_at = ?4 WHERE id = ?1 AND state = "
                                + TaskState.PENDING.sql())
                        .setParameter(1, id)
                        .setParameter(2, ackDeadline)
                        .setParameter(3, deadline)
                        .setParameter(4, now)
                        .executeUpdate())
                .flatMap(n -> n == 1
                        ? event(id, TaskState.NOTIFIED, null, null, null).replaceWith(true)
                        : Uni.createFrom().item(false));
    }

    /** AWAITING_CONFIRMATION → PENDING, sent when its gateway has room and its appointment (if any) has begun. */
    public Uni<Void> confirm(UUID id, Instant notBefore, Instant notAfter) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("UPDATE upgrade_task SET state = " + TaskState.PENDING.sql()
                                + ", not_before = ?2, not_after = ?3,"
                                + " updated_at = ?4 WHERE id = ?1 AND state = "
                                + TaskState.AWAITING_CONFIRMATION.sql())
                        .setParameter(1, id)
                        .setParameter(2, notBefore)
                        .setParameter(3, notAfter)
                        .setParameter(4, clock.now())
                        .executeUpdate())
                .flatMap(n -> event(id, TaskState.PENDING, null, null, null));
    }

    /**
     * After an end user's rejection, the application's new confirmation: a new offer of the plan's upgrade to
     * the device (AWAITING_CONFIRMATION, from the version it runs now), when its latest task under the plan
     * was REJECTED and it is bound and not on the target; its id, or empty.
     */
    public Uni<Optional<UUID>> reofferAfterRejection(UUID planId, String productKey, String deviceKey) {
        UUID id = UUID.randomUUID();
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("INSERT INTO upgrade_task (id, plan_id, product_key, device_key,"
                                + " gateway_id, attempt, state, from_version, to_version, ack_timeout_seconds)"
                                + " SELECT ?1, t.plan_id, t.product_key, t.device_key, d.gateway_id, t.attempt, "
                                + TaskState.AWAITING_CONFIRMATION.sql() + ", d.version, t.to_version,"
                                + " t.ack_timeout_seconds FROM (SELECT * FROM upgrade_task WHERE plan_id = ?2"
                                + " AND product_key = ?3 AND device_key = ?4 ORDER BY created_at DESC LIMIT 1) t"
                                + " JOIN device_view d ON d.product_key = t.product_key AND d.device_key = t.device_key"
                                + " WHERE t.state = " + TaskState.REJECTED.sql()
                                + " AND d.gateway_id IS NOT NULL AND d.version IS NOT NULL AND d.version <> t.to_version"
                                + " ON CONFLICT DO NOTHING")
                        .setParameter(1, id)
                        .setParameter(2, planId)
                        .setParameter(3, productKey)
                        .setParameter(4, deviceKey)
                        .executeUpdate())
                .flatMap(n -> n == 1
                        ? event(id, TaskState.AWAITING_CONFIRMATION, null, null, null)
                                .replaceWith(Optional.of(id))
                        : Uni.createFrom().item(Optional.<UUID>empty()));
    }

    /**
     * A confirmed task whose appointment window ended before it could be sent goes back to
     * AWAITING_CONFIRMATION with the reason: the end user confirms again (now, or for another window).
     */
    public Uni<Boolean> appointmentMissed(UUID id) {
        String reason = "the appointment ended before the upgrade could be sent (its gateway was offline or busy);"
                + " confirm again";
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("UPDATE upgrade_task SET state = "
                                + TaskState.AWAITING_CONFIRMATION.sql()
                                + ", not_before = NULL, not_after = NULL, error_code = 'APPOINTMENT_MISSED',"
                                + " error_message = ?2, updated_at = ?3 WHERE id = ?1 AND state = "
                                + TaskState.PENDING.sql() + " AND not_after < ?3")
                        .setParameter(1, id)
                        .setParameter(2, reason)
                        .setParameter(3, clock.now())
                        .executeUpdate())
                .flatMap(n -> n == 1
                        ? event(id, TaskState.AWAITING_CONFIRMATION, null, "APPOINTMENT_MISSED", reason)
                                .replaceWith(true)
                        : Uni.createFrom().item(false));
    }

    /** The open task of a device, under any plan. */
    /** A device's open task: its id and state. */
    public record OpenTask(UUID id, TaskState state) {}

    public Uni<java.util.Optional<OpenTask>> openTask(String productKey, String deviceKey) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "SELECT id, state FROM upgrade_task WHERE product_key = ?1 AND device_key = ?2"
                                        + " AND state IN " + TaskState.OPEN_SQL,
                                Object[].class)
                        .setParameter(1, productKey)
                        .setParameter(2, deviceKey)
                        .getResultList())
                .map(rows -> rows.stream()
                        .findFirst()
                        .map(r -> new OpenTask((UUID) r[0], TaskState.valueOf((String) r[1]))));
    }

    /** What a device's earlier tasks under a plan allow: a new attempt, or not yet, or never. */
    public record DeviceHistory(int attempts, boolean mayStart) {}

    public Uni<DeviceHistory> history(
            UUID planId, String productKey, String deviceKey, org.otaplatform.plan.plan.PlanDefinition d) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("SELECT"
                                + " count(*) FILTER (WHERE state IN " + TaskState.FAILURES_SQL + "),"
                                + " count(*) FILTER (WHERE state = " + TaskState.SUCCEEDED.sql() + " OR (state = "
                                + TaskState.CANCELLED.sql()
                                + "   AND error_code IS DISTINCT FROM '" + TaskSupervisor.BINDING_CHANGED + "')"
                                + "   OR (state = " + TaskState.REJECTED.sql()
                                + " AND updated_at > CAST(?6 AS timestamptz) - make_interval(mins => ?4))"
                                + "   OR (state IN " + TaskState.FAILURES_SQL
                                + " AND updated_at > CAST(?6 AS timestamptz) - make_interval(secs => ?5)))"
                                + " FROM upgrade_task WHERE plan_id = ?1 AND product_key = ?2 AND device_key = ?3")
                        .setParameter(1, planId)
                        .setParameter(2, productKey)
                        .setParameter(3, deviceKey)
                        .setParameter(4, d.repushAfterRejectMinutes())
                        .setParameter(5, d.retry().backoffSeconds())
                        .setParameter(6, clock.now())
                        .getSingleResult())
                .map(row -> {
                    Object[] r = (Object[]) row;
                    int attempts = ((Number) r[0]).intValue();
                    boolean blocked = ((Number) r[1]).intValue() > 0;
                    return new DeviceHistory(
                            attempts, !blocked && attempts < d.retry().maxAttempts());
                });
    }

    /** A gateway that comes back online gets the full ack time again for what it was sent: it is re-sent after hello. */
    public Uni<Void> restartAckClock(String gatewayId) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "UPDATE upgrade_task SET ack_deadline = CAST(?2 AS timestamptz) + make_interval(secs => ack_timeout_seconds)"
                                        + " WHERE gateway_id = ?1 AND state = " + TaskState.NOTIFIED.sql())
                        .setParameter(1, gatewayId)
                        .setParameter(2, clock.now())
                        .executeUpdate())
                .replaceWithVoid();
    }

    private Uni<Void> event(UUID id, TaskState state, Integer percent, String errorCode, String errorMessage) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "INSERT INTO task_event (task_id, state, percent, error_code, error_message)"
                                        + " VALUES (?1, ?2, ?3, ?4, ?5)")
                        .setParameter(1, id)
                        .setParameter(2, state.name())
                        .setParameter(3, percent)
                        .setParameter(4, errorCode)
                        .setParameter(5, errorMessage)
                        .executeUpdate())
                .replaceWithVoid();
    }
}
