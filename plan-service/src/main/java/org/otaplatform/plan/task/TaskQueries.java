package org.otaplatform.plan.task;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.otaplatform.common.error.ApiException;
import org.otaplatform.common.paging.Page;
import org.otaplatform.common.paging.PageRequest;

/** Upgrade monitoring: a plan's tasks with filters, and one task with its history. */
@ApplicationScoped
public class TaskQueries {

    /** One row of the task list, as the contract shows it. */
    public record TaskView(
            UUID taskId,
            UUID planId,
            String productKey,
            String deviceKey,
            String gatewayId,
            int attempt,
            String state,
            Integer percent,
            String fromVersion,
            String toVersion,
            Error error,
            Instant createdAt,
            Instant updatedAt) {}

    public record Error(String code, String message) {}

    /** A task with its full event history. */
    public record TaskDetail(TaskView task, List<Event> events) {}

    public record Event(String state, Integer percent, Error error, Instant at) {}

    private static final String COLUMNS = "id, plan_id, product_key, device_key, gateway_id, attempt, state, percent,"
            + " from_version, to_version, error_code, error_message, created_at, updated_at";

    private final Pool pool;

    TaskQueries(Pool pool) {
        this.pool = pool;
    }

    /** The fields a task list may be sorted by, and their columns. */
    public static final java.util.Map<String, String> SORTABLE = java.util.Map.of(
            "createdAt", "created_at",
            "updatedAt", "updated_at",
            "deviceKey", "device_key",
            "gatewayId", "gateway_id",
            "state", "state",
            "attempt", "attempt");

    /**
     * One page of a plan's tasks. Only the filters given become conditions (a condition that is always true
     * would keep PostgreSQL from using its indexes once it plans the statement generically); the plan's
     * product is named too, so that an order by device key walks the device index instead of sorting.
     */
    public Uni<Page<TaskView>> list(
            UUID planId,
            String productKey,
            String state,
            String gatewayId,
            String deviceKey,
            org.otaplatform.common.paging.SortOrder order,
            PageRequest page) {
        List<Object> values = new ArrayList<>(List.of(planId, productKey));
        StringBuilder where = new StringBuilder(" WHERE plan_id = $1 AND product_key = $2");
        for (String[] filter :
                new String[][] {{"state", state}, {"gateway_id", gatewayId}, {"device_key", deviceKey}}) {
            if (filter[1] != null) {
                values.add(filter[1]);
                where.append(" AND ").append(filter[0]).append(" = $").append(values.size());
            }
        }
        Tuple filter = Tuple.from(values);
        String direction = order.descending() ? " DESC" : "";
        List<Object> paged = new ArrayList<>(values);
        paged.add(page.size());
        paged.add(page.offset());
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM upgrade_task" + where + " ORDER BY "
                        + SORTABLE.get(order.field()) + direction + ", id" + direction + " LIMIT $"
                        + (values.size() + 1)
                        + " OFFSET $" + (values.size() + 2))
                .execute(Tuple.from(paged))
                .flatMap(rows -> pool.preparedQuery("SELECT count(*) FROM upgrade_task" + where)
                        .execute(filter)
                        .map(count -> {
                            List<TaskView> items = new ArrayList<>();
                            rows.forEach(r -> items.add(view(r)));
                            return page.page(items, count.iterator().next().getLong(0));
                        }));
    }

    public Uni<TaskDetail> get(UUID planId, UUID taskId) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM upgrade_task WHERE plan_id = $1 AND id = $2")
                .execute(Tuple.of(planId, taskId))
                .flatMap(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().failure(ApiException.notFound("task", taskId));
                    }
                    TaskView task = view(rows.iterator().next());
                    return pool.preparedQuery(
                                    "SELECT state, percent, error_code, error_message, at FROM task_event WHERE task_id = $1 ORDER BY id")
                            .execute(Tuple.of(taskId))
                            .map(events -> {
                                List<Event> list = new ArrayList<>();
                                events.forEach(e -> list.add(new Event(
                                        e.getString(0),
                                        e.getInteger(1),
                                        error(e.getString(2), e.getString(3)),
                                        e.getOffsetDateTime(4).toInstant())));
                                return new TaskDetail(task, list);
                            });
                });
    }

    /**
     * One task of a device's history: which plan, which attempt, from and to which version, how it ended, and the
     * device's hardware revision when the task was created (null: unknown then, or a task from before 2026-12-07).
     */
    public record HistoryEntry(
            UUID taskId,
            UUID planId,
            String planName,
            String gatewayId,
            int attempt,
            String state,
            Integer percent,
            String fromVersion,
            String toVersion,
            Error error,
            Instant createdAt,
            Instant updatedAt,
            String hardwareRevision) {}

    /** Every task of a device across plans, newest first. */
    public Uni<Page<HistoryEntry>> history(String productKey, String deviceKey, PageRequest page) {
        return pool.preparedQuery("SELECT t.id, t.plan_id, p.name, t.gateway_id, t.attempt, t.state, t.percent,"
                        + " t.from_version, t.to_version, t.error_code, t.error_message, t.created_at, t.updated_at,"
                        + " t.hardware_revision FROM upgrade_task t JOIN plan p ON p.id = t.plan_id"
                        + " WHERE t.product_key = $1 AND t.device_key = $2"
                        + " ORDER BY t.created_at DESC, t.id DESC LIMIT $3 OFFSET $4")
                .execute(Tuple.of(productKey, deviceKey, page.size(), page.offset()))
                .flatMap(rows -> pool.preparedQuery(
                                "SELECT count(*) FROM upgrade_task WHERE product_key = $1 AND device_key = $2")
                        .execute(Tuple.of(productKey, deviceKey))
                        .map(count -> {
                            List<HistoryEntry> items = new ArrayList<>();
                            rows.forEach(r -> items.add(new HistoryEntry(
                                    r.getUUID(0),
                                    r.getUUID(1),
                                    r.getString(2),
                                    r.getString(3),
                                    r.getInteger(4),
                                    r.getString(5),
                                    r.getInteger(6),
                                    r.getString(7),
                                    r.getString(8),
                                    error(r.getString(9), r.getString(10)),
                                    r.getOffsetDateTime(11).toInstant(),
                                    r.getOffsetDateTime(12).toInstant(),
                                    r.getString(13))));
                            return page.page(items, count.iterator().next().getLong(0));
                        }));
    }

    private static TaskView view(Row r) {
        return new TaskView(
                r.getUUID("id"),
                r.getUUID("plan_id"),
                r.getString("product_key"),
                r.getString("device_key"),
                r.getString("gateway_id"),
                r.getInteger("attempt"),
                r.getString("state"),
                r.getInteger("percent"),
                r.getString("from_version"),
                r.getString("to_version"),
                error(r.getString("error_code"), r.getString("error_message")),
                r.getOffsetDateTime("created_at").toInstant(),
                r.getOffsetDateTime("updated_at").toInstant());
    }

    private static Error error(String code, String message) {
        return code == null ? null : new Error(code, message);
    }
}
