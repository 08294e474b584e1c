package org.otaplatform.plan.task;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * How a plan's upgrades end, for people watching it: failures by cause and by gateway (over each device's
 * latest attempt, as the plan's statistics count), and results per minute.
 */
@ApplicationScoped
public class PlanResults {

    /** The most gateways a breakdown names. */
    private static final int TOP_GATEWAYS = 10;

    private final Pool pool;

    PlanResults(Pool pool) {
        this.pool = pool;
    }

    public record Count(String key, long count) {}

    /** Failed and timed-out devices by error code (TIMED_OUT counts as its own cause) and the top gateways. */
    public record Failures(long failed, List<Count> byCode, List<Count> byGateway) {}

    public record Minute(Instant at, long succeeded, long failed) {}

    /** Results per minute over the last {@code minutes} minutes, oldest first; minutes without results are absent. */
    public record Progress(Instant from, Instant to, List<Minute> minutes) {}

    /**
     * The plan's failed and timed-out tasks that are their device's latest attempt: read from the index of
     * the plan's tasks by state, so the cost follows the failures, not the plan's size.
     */
    private static final String LATEST_FAILED = "SELECT coalesce(t.error_code, t.state) AS code, t.gateway_id"
            + " FROM upgrade_task t WHERE t.plan_id = $1 AND t.state IN ('FAILED', 'TIMED_OUT')"
            + " AND NOT EXISTS (SELECT 1 FROM upgrade_task later WHERE later.product_key = t.product_key"
            + " AND later.device_key = t.device_key AND later.plan_id = t.plan_id AND later.attempt > t.attempt)";

    public Uni<Failures> failures(UUID planId) {
        return pool.preparedQuery("WITH failed AS MATERIALIZED (" + LATEST_FAILED + ")"
                        + " SELECT 'code', code, count(*) FROM failed GROUP BY 2"
                        + " UNION ALL (SELECT 'gateway', gateway_id, count(*) FROM failed GROUP BY 2"
                        + " ORDER BY 3 DESC, 2 LIMIT " + TOP_GATEWAYS + ")")
                .execute(Tuple.of(planId))
                .map(rows -> {
                    List<Count> byCode = new ArrayList<>();
                    List<Count> byGateway = new ArrayList<>();
                    long failed = 0;
                    for (var r : rows) {
                        Count c = new Count(r.getString(1), r.getLong(2));
                        if ("code".equals(r.getString(0))) {
                            byCode.add(c);
                            failed += c.count();
                        } else {
                            byGateway.add(c);
                        }
                    }
                    byCode.sort((a, b) -> Long.compare(b.count(), a.count()));
                    return new Failures(failed, byCode, byGateway);
                });
    }

    public Uni<Progress> perMinute(UUID planId, int minutes) {
        return pool.preparedQuery("SELECT date_trunc('minute', updated_at),"
                        + " count(*) FILTER (WHERE state = 'SUCCEEDED'), count(*) FILTER (WHERE state <> 'SUCCEEDED')"
                        + " FROM upgrade_task"
                        + " WHERE plan_id = $1 AND state IN ('SUCCEEDED', 'FAILED', 'TIMED_OUT')"
                        + " AND updated_at >= date_trunc('minute', now()) - make_interval(mins => $2 - 1)"
                        + " GROUP BY 1 ORDER BY 1")
                .execute(Tuple.of(planId, minutes))
                .flatMap(rows -> pool.query("SELECT date_trunc('minute', now())")
                        .execute()
                        .map(now -> {
                            Instant to =
                                    now.iterator().next().getOffsetDateTime(0).toInstant();
                            List<Minute> list = new ArrayList<>();
                            rows.forEach(r -> list.add(
                                    new Minute(r.getOffsetDateTime(0).toInstant(), r.getLong(1), r.getLong(2))));
                            return new Progress(to.minusSeconds(60L * (minutes - 1)), to, list);
                        }));
    }
}
