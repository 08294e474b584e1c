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

    /**
     * Failed and timed-out devices by error code (TIMED_OUT counts as its own cause), the top gateways, by
     * the version they ran, and by cause: {@code firmware} (what the package can cause: INSTALL_FAILED,
     * VERSION_MISMATCH, SIGNATURE_INVALID, ROLLED_BACK; what the failure threshold counts) or {@code transport} (the
     * device, the gateway, the link, the clock: everything else).
     */
    public record Failures(
            long failed, List<Count> byCode, List<Count> byGateway, List<Count> bySourceVersion, List<Count> byCause) {}

    public record Minute(Instant at, long succeeded, long failed) {}

    /** Results per minute over the last {@code minutes} minutes, oldest first; minutes without results are absent. */
    public record Progress(Instant from, Instant to, List<Minute> minutes) {}

    /** The plan's failed and timed-out tasks that are their device's latest attempt (not superseded, V12). */
    private static final String LATEST_FAILED = "SELECT coalesce(error_code, state) AS code, gateway_id, from_version,"
            + " CASE WHEN error_code IN " + FailureThreshold.FIRMWARE_FAILURES + " THEN 'firmware' ELSE 'transport'"
            + " END AS cause"
            + " FROM upgrade_task WHERE plan_id = $1 AND state IN " + TaskState.FAILURES_SQL + " AND NOT superseded";

    public Uni<Failures> failures(UUID planId) {
        return pool.preparedQuery("WITH failed AS MATERIALIZED (" + LATEST_FAILED + ")"
                        + " SELECT 'code', code, count(*) FROM failed GROUP BY 2"
                        + " UNION ALL (SELECT 'gateway', gateway_id, count(*) FROM failed GROUP BY 2"
                        + " ORDER BY 3 DESC, 2 LIMIT " + TOP_GATEWAYS + ")"
                        + " UNION ALL SELECT 'version', from_version, count(*) FROM failed GROUP BY 2"
                        + " UNION ALL SELECT 'cause', cause, count(*) FROM failed GROUP BY 2")
                .execute(Tuple.of(planId))
                .map(rows -> {
                    List<Count> byCode = new ArrayList<>();
                    List<Count> byGateway = new ArrayList<>();
                    List<Count> byVersion = new ArrayList<>();
                    List<Count> byCause = new ArrayList<>();
                    long failed = 0;
                    for (var r : rows) {
                        Count c = new Count(r.getString(1), r.getLong(2));
                        switch (r.getString(0)) {
                            case "code" -> {
                                byCode.add(c);
                                failed += c.count();
                            }
                            case "gateway" -> byGateway.add(c);
                            case "version" -> byVersion.add(c);
                            default -> byCause.add(c);
                        }
                    }
                    java.util.Comparator<Count> most = (a, b) -> Long.compare(b.count(), a.count());
                    byCode.sort(most);
                    byVersion.sort(most);
                    byCause.sort(most);
                    return new Failures(failed, byCode, byGateway, byVersion, byCause);
                });
    }

    /**
     * Results per minute. The minutes are whole epoch minutes computed here (integer division), not
     * {@code date_trunc} on time stamps with a zone: over a plan of a million results in the last hour that
     * is half of the query's time. The index of the plan's tasks by update time carries their state.
     */
    public Uni<Progress> perMinute(UUID planId, int minutes) {
        Instant to = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        Instant from = to.minusSeconds(60L * (minutes - 1));
        return pool.preparedQuery("SELECT (extract(epoch FROM updated_at)::bigint / 60) AS minute,"
                        + " count(*) FILTER (WHERE state = " + TaskState.SUCCEEDED.sql()
                        + "), count(*) FILTER (WHERE state <> " + TaskState.SUCCEEDED.sql() + ")"
                        + " FROM upgrade_task"
                        + " WHERE plan_id = $1 AND updated_at >= $2 AND state IN (" + TaskState.SUCCEEDED.sql() + ", "
                        + TaskState.FAILED.sql() + ", " + TaskState.TIMED_OUT.sql() + ")"
                        + " GROUP BY 1 ORDER BY 1")
                .execute(Tuple.of(planId, from.atOffset(java.time.ZoneOffset.UTC)))
                .map(rows -> {
                    List<Minute> list = new ArrayList<>();
                    rows.forEach(r ->
                            list.add(new Minute(Instant.ofEpochSecond(r.getLong(0) * 60), r.getLong(1), r.getLong(2))));
                    return new Progress(from, to, list);
                });
    }
}
