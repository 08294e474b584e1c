package org.otaplatform.plan.task;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * A plan's statistics, counted from its tasks (the latest attempt per device) and the device view;
 * counted afresh on every read, so they always equal a recount.
 */
@ApplicationScoped
public class PlanStats {

    /** The contract's {@code stats}; {@code successRate} is null before any result. */
    public record Stats(
            long targeted,
            long upToDate,
            long awaitingConfirmation,
            long pending,
            long inProgress,
            long succeeded,
            long failed,
            long rejected,
            long cancelled,
            Double successRate) {}

    private final Pool pool;

    PlanStats(Pool pool) {
        this.pool = pool;
    }

    public Uni<Stats> of(
            UUID planId,
            String productKey,
            String targetVersion,
            String[] sources,
            String[] whitelist,
            String[] blacklist) {
        String sql =
                "WITH latest AS (SELECT DISTINCT ON (product_key, device_key) state FROM upgrade_task WHERE plan_id = $1"
                        + "   ORDER BY product_key, device_key, attempt DESC, created_at DESC),"
                        + " targeted AS (SELECT version FROM device_view WHERE product_key = $2"
                        + "   AND (cardinality($4::text[]) = 0 OR version = ANY($4) OR version = $3)"
                        + "   AND (cardinality($5::text[]) = 0 OR device_key = ANY($5)) AND NOT (device_key = ANY($6)))"
                        + " SELECT (SELECT count(*) FROM targeted) AS targeted,"
                        + " (SELECT count(*) FROM targeted WHERE version = $3) AS up_to_date,"
                        + " count(*) FILTER (WHERE state = 'AWAITING_CONFIRMATION') AS awaiting,"
                        + " count(*) FILTER (WHERE state = 'PENDING') AS pending,"
                        + " count(*) FILTER (WHERE state IN ('NOTIFIED', 'ACCEPTED', 'DOWNLOADING', 'DOWNLOADED', 'UPGRADING')) AS in_progress,"
                        + " count(*) FILTER (WHERE state = 'SUCCEEDED') AS succeeded,"
                        + " count(*) FILTER (WHERE state IN ('FAILED', 'TIMED_OUT')) AS failed,"
                        + " count(*) FILTER (WHERE state = 'REJECTED') AS rejected,"
                        + " count(*) FILTER (WHERE state = 'CANCELLED') AS cancelled FROM latest";
        Tuple params = Tuple.tuple()
                .addUUID(planId)
                .addString(productKey)
                .addString(targetVersion)
                .addArrayOfString(sources)
                .addArrayOfString(whitelist)
                .addArrayOfString(blacklist);
        return pool.preparedQuery(sql).execute(params).map(rows -> {
            Row r = rows.iterator().next();
            long succeeded = r.getLong("succeeded");
            long failed = r.getLong("failed");
            Double rate = succeeded + failed == 0 ? null : (double) succeeded / (succeeded + failed);
            return new Stats(
                    r.getLong("targeted"),
                    r.getLong("up_to_date"),
                    r.getLong("awaiting"),
                    r.getLong("pending"),
                    r.getLong("in_progress"),
                    succeeded,
                    failed,
                    r.getLong("rejected"),
                    r.getLong("cancelled"),
                    rate);
        });
    }
}
