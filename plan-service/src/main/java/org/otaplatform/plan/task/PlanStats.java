package org.otaplatform.plan.task;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.otaplatform.plan.device.Compatibility;
import org.otaplatform.plan.device.Downgrades;
import org.otaplatform.plan.device.Holds;

/**
 * A plan's statistics, counted from its tasks (the latest attempt per device: those not superseded), afresh on every read so
 * that they always equal a recount, and from the device view (targeted, up to date).
 */
@ApplicationScoped
public class PlanStats {

    /**
     * The contract's {@code stats}; {@code successRate} is null before any result; {@code
     * waitingForGatewayVersion}: targeted devices not on the target behind a gateway below the package's {@code
     * minGatewayVersion} (never pushed to, not failures; counted on the plan's page only); {@code
     * downgradesRefused}: targeted devices that run a higher version than the target under a {@code SEMVER}
     * product, in a plan that does not allow downgrades (never pushed to, not failures, not left to upgrade).
     */
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
            Double successRate,
            long waitingForGatewayVersion,
            long downgradesRefused,
            long incompatible,
            long onHold) {

        /** The same figures with the devices that wait for their gateways counted. */
        public Stats waitingForGatewayVersion(long waiting) {
            return new Stats(
                    targeted,
                    upToDate,
                    awaitingConfirmation,
                    pending,
                    inProgress,
                    succeeded,
                    failed,
                    rejected,
                    cancelled,
                    successRate,
                    waiting,
                    downgradesRefused,
                    incompatible,
                    onHold);
        }

        /** The same figures with the devices refused as downgrades counted. */
        public Stats downgradesRefused(long refused) {
            return new Stats(
                    targeted,
                    upToDate,
                    awaitingConfirmation,
                    pending,
                    inProgress,
                    succeeded,
                    failed,
                    rejected,
                    cancelled,
                    successRate,
                    waitingForGatewayVersion,
                    refused,
                    incompatible,
                    onHold);
        }

        /** The same figures with the devices the packages do not fit counted. */
        public Stats incompatible(long unfit) {
            return new Stats(
                    targeted,
                    upToDate,
                    awaitingConfirmation,
                    pending,
                    inProgress,
                    succeeded,
                    failed,
                    rejected,
                    cancelled,
                    successRate,
                    waitingForGatewayVersion,
                    downgradesRefused,
                    unfit,
                    onHold);
        }

        /** The same figures with the devices on hold counted. */
        public Stats onHold(long held) {
            return new Stats(
                    targeted,
                    upToDate,
                    awaitingConfirmation,
                    pending,
                    inProgress,
                    succeeded,
                    failed,
                    rejected,
                    cancelled,
                    successRate,
                    waitingForGatewayVersion,
                    downgradesRefused,
                    incompatible,
                    held);
        }
    }

    private final Pool pool;
    private final Duration deviceCountsMaxAge;
    private final ConcurrentHashMap<String, DeviceCounts> recentDeviceCounts = new ConcurrentHashMap<>();

    private record DeviceCounts(long targeted, long upToDate, long countedAt) {}

    PlanStats(Pool pool, org.otaplatform.plan.config.PlanConfig config) {
        this.pool = pool;
        this.deviceCountsMaxAge = config.stats().deviceCountsMaxAge();
    }

    /**
     * Whether any task of the plan is open (awaiting confirmation, pending or in progress): one probe of
     * the plan's index, where counting the stats reads every task of the plan.
     */
    public Uni<Boolean> anyOpen(UUID planId) {
        return pool.preparedQuery("SELECT EXISTS (SELECT 1 FROM upgrade_task WHERE plan_id = $1 AND state IN" + " "
                        + TaskState.OPEN_SQL + ")")
                .execute(Tuple.of(planId))
                .map(rows -> rows.iterator().next().getBoolean(0));
    }

    /** Counted afresh, every part (the finisher decides with these). */
    public Uni<Stats> of(
            UUID planId,
            String productKey,
            String targetVersion,
            String[] sources,
            String[] whitelist,
            String[] blacklist) {
        return stats(planId, productKey, targetVersion, sources, whitelist, blacklist, false);
    }

    /**
     * For a reader (the plan's detail): the task counts afresh, the targeted and up-to-date counts of the
     * device view from the last {@code ota.plan.stats.device-counts-max-age} (5 s): counting a fleet of a
     * million devices takes longer than a plan's page may.
     */
    public Uni<Stats> forDisplay(
            UUID planId,
            String productKey,
            String targetVersion,
            String[] sources,
            String[] whitelist,
            String[] blacklist) {
        return stats(planId, productKey, targetVersion, sources, whitelist, blacklist, true);
    }

    private Uni<Stats> stats(
            UUID planId,
            String productKey,
            String targetVersion,
            String[] sources,
            String[] whitelist,
            String[] blacklist,
            boolean recentDeviceCounts) {
        String tasks =
                "SELECT count(*) FILTER (WHERE state = " + TaskState.AWAITING_CONFIRMATION.sql() + ") AS awaiting,"
                        + " count(*) FILTER (WHERE state = " + TaskState.PENDING.sql() + ") AS pending,"
                        + " count(*) FILTER (WHERE state IN " + TaskState.IN_FLIGHT_SQL + ")"
                        + "   AS in_progress,"
                        + " count(*) FILTER (WHERE state = " + TaskState.SUCCEEDED.sql() + ") AS succeeded,"
                        + " count(*) FILTER (WHERE state IN " + TaskState.FAILURES_SQL + ") AS failed,"
                        + " count(*) FILTER (WHERE state = " + TaskState.REJECTED.sql() + ") AS rejected,"
                        + " count(*) FILTER (WHERE state = " + TaskState.CANCELLED.sql() + ") AS cancelled"
                        // a task is superseded once a newer one of its device and plan exists (V12): the rest are
                        // each device's latest attempt
                        + " FROM upgrade_task WHERE plan_id = $1 AND NOT superseded";
        Uni<Row> taskCounts = pool.preparedQuery(tasks)
                .execute(Tuple.of(planId))
                .map(rows -> rows.iterator().next());
        Uni<DeviceCounts> deviceCounts =
                deviceCounts(planId, productKey, targetVersion, sources, whitelist, blacklist, recentDeviceCounts);
        return Uni.combine().all().unis(taskCounts, deviceCounts).asTuple().map(both -> {
            Row r = both.getItem1();
            DeviceCounts devices = both.getItem2();
            long succeeded = r.getLong("succeeded");
            long failed = r.getLong("failed");
            Double rate = succeeded + failed == 0 ? null : (double) succeeded / (succeeded + failed);
            // a reader's figures agree with each other: its device counts may be a few seconds old, its task
            // counts are not, and a device this plan just upgraded runs the target (the finisher counts both
            // afresh and needs no such floor)
            long upToDate = recentDeviceCounts ? Math.max(devices.upToDate(), succeeded) : devices.upToDate();
            return new Stats(
                    recentDeviceCounts ? Math.max(devices.targeted(), upToDate) : devices.targeted(),
                    upToDate,
                    r.getLong("awaiting"),
                    r.getLong("pending"),
                    r.getLong("in_progress"),
                    succeeded,
                    failed,
                    r.getLong("rejected"),
                    r.getLong("cancelled"),
                    rate,
                    0,
                    0,
                    0,
                    0);
        });
    }

    /**
     * How many of the devices the plan targets are not on the target and sit behind a gateway whose firmware is
     * below {@code minGatewayVersion} (unknown, or of a product that does not order versions by SemVer, counts
     * as below): they wait for their gateways (gateway protocol, "Ordered versions"). 0 without a minimum.
     */
    public Uni<Long> waitingForGatewayVersion(
            UUID planId,
            String productKey,
            String targetVersion,
            String minGatewayVersion,
            String[] sources,
            String[] whitelist,
            String[] blacklist) {
        var min = minGatewayVersion == null
                ? java.util.Optional.<org.otaplatform.contract.version.SemanticVersion>empty()
                : org.otaplatform.contract.version.SemanticVersion.parse(minGatewayVersion);
        if (min.isEmpty()) {
            return Uni.createFrom().item(0L);
        }
        StringBuilder sql = new StringBuilder("SELECT count(*) FROM device_view d"
                + " LEFT JOIN gateway_view g ON g.gateway_id = d.gateway_id"
                + " WHERE d.product_key = $1 AND d.gateway_id IS NOT NULL AND d.version IS NOT NULL AND d.version <> $2"
                + " AND NOT coalesce(g.version_key >= $3 AND EXISTS (SELECT 1 FROM product_view pv"
                + "   WHERE pv.product_key = g.product_key AND pv.version_scheme = 'SEMVER'), false)");
        Tuple params = Tuple.tuple()
                .addString(productKey)
                .addString(targetVersion)
                .addValue(io.vertx.core.buffer.Buffer.buffer(min.get().sortKey()));
        targeted(sql, params, planId, "d.", 2, sources, whitelist, blacklist);
        return pool.preparedQuery(sql.toString())
                .execute(params)
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /**
     * How many of the devices the plan targets are refused as downgrades ({@link Downgrades}): they run a version
     * above the target under a {@code SEMVER} product, and the plan does not allow downgrades. 0 when it does.
     */
    public Uni<Long> downgradesRefused(
            UUID planId,
            String productKey,
            String targetVersion,
            boolean allowDowngrade,
            String[] sources,
            String[] whitelist,
            String[] blacklist) {
        byte[] above = Downgrades.refusedAbove(allowDowngrade, targetVersion);
        if (above == null) {
            return Uni.createFrom().item(0L);
        }
        StringBuilder sql = new StringBuilder("SELECT count(*) FROM device_view d"
                + " WHERE d.product_key = $1 AND d.gateway_id IS NOT NULL AND d.version IS NOT NULL AND d.version <> $2"
                + " AND " + Downgrades.refusedSql("d", 3));
        Tuple params = Tuple.tuple()
                .addString(productKey)
                .addString(targetVersion)
                .addValue(io.vertx.core.buffer.Buffer.buffer(above));
        targeted(sql, params, planId, "d.", 2, sources, whitelist, blacklist);
        return pool.preparedQuery(sql.toString())
                .execute(params)
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /**
     * How many of the devices the plan targets are not on the target and do not fit its packages' hardware
     * ({@link Compatibility}), those refused as downgrades apart (counted there: the two counts never overlap).
     * 0 when the packages fit any hardware.
     */
    public Uni<Long> incompatible(
            UUID planId,
            String productKey,
            String targetVersion,
            String[] revisions,
            boolean allowUnknown,
            boolean allowDowngrade,
            String[] sources,
            String[] whitelist,
            String[] blacklist) {
        if (revisions == null) {
            return Uni.createFrom().item(0L);
        }
        StringBuilder sql = new StringBuilder("SELECT count(*) FROM device_view d"
                + " WHERE d.product_key = $1 AND d.gateway_id IS NOT NULL AND d.version IS NOT NULL AND d.version <> $2"
                + " AND " + Compatibility.incompatibleSql("d", 3, 4)
                + " AND NOT " + Downgrades.refusedSql("d", 5));
        byte[] above = Downgrades.refusedAbove(allowDowngrade, targetVersion);
        Tuple params = Tuple.tuple()
                .addString(productKey)
                .addString(targetVersion)
                .addArrayOfString(revisions)
                .addBoolean(allowUnknown)
                .addValue(above == null ? null : io.vertx.core.buffer.Buffer.buffer(above));
        targeted(sql, params, planId, "d.", 2, sources, whitelist, blacklist);
        return pool.preparedQuery(sql.toString())
                .execute(params)
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /**
     * How many of the devices the plan targets are not on the target and on hold ({@link Holds}), those refused as
     * downgrades or incompatible apart (counted there: the counts never overlap).
     */
    public Uni<Long> onHold(
            UUID planId,
            String productKey,
            String targetVersion,
            String[] revisions,
            boolean allowUnknown,
            boolean allowDowngrade,
            String[] sources,
            String[] whitelist,
            String[] blacklist) {
        StringBuilder sql = new StringBuilder("SELECT count(*) FROM device_view d"
                + " WHERE d.product_key = $1 AND d.gateway_id IS NOT NULL AND d.version IS NOT NULL AND d.version <> $2"
                + " AND " + Holds.heldSql("d")
                + " AND NOT " + Compatibility.incompatibleSql("d", 3, 4)
                + " AND NOT " + Downgrades.refusedSql("d", 5));
        byte[] above = Downgrades.refusedAbove(allowDowngrade, targetVersion);
        Tuple params = Tuple.tuple()
                .addString(productKey)
                .addString(targetVersion)
                .addArrayOfString(revisions)
                .addBoolean(allowUnknown)
                .addValue(above == null ? null : io.vertx.core.buffer.Buffer.buffer(above));
        targeted(sql, params, planId, "d.", 2, sources, whitelist, blacklist);
        return pool.preparedQuery(sql.toString())
                .execute(params)
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /**
     * How many of the devices the plan targets (as in {@link #of}) are not on the target and have no attempt
     * left under this plan ({@code maxAttempts} failed or timed-out tasks): they are not left to upgrade,
     * so the plan can finish without them. Read by the finisher only, once no task of the plan is open.
     */
    public Uni<Long> withoutAttemptsLeft(
            UUID planId,
            String productKey,
            String targetVersion,
            String[] sources,
            String[] whitelist,
            String[] blacklist,
            int maxAttempts) {
        StringBuilder sql = new StringBuilder("SELECT count(*) FROM (SELECT product_key, device_key FROM upgrade_task"
                + " WHERE plan_id = $1 AND state IN " + TaskState.FAILURES_SQL
                + " GROUP BY product_key, device_key HAVING count(*) >= $2) used_up"
                + " JOIN device_view d ON d.product_key = used_up.product_key AND d.device_key = used_up.device_key"
                + " WHERE d.product_key = $3 AND d.gateway_id IS NOT NULL AND d.version IS NOT NULL"
                + " AND d.version <> $4");
        Tuple params = Tuple.tuple()
                .addUUID(planId)
                .addInteger(maxAttempts)
                .addString(productKey)
                .addString(targetVersion);
        targeted(sql, params, planId, "d.", 4, sources, whitelist, blacklist);
        return pool.preparedQuery(sql.toString())
                .execute(params)
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /**
     * The devices the plan targets (its product, bound to a gateway, on a source version or the target, on
     * the whitelist if any, not on the blacklist) and how many of them run the target. Without lists and
     * source versions this is an index-only count of the index of bound devices by product and version.
     */
    private Uni<DeviceCounts> deviceCounts(
            UUID planId,
            String productKey,
            String targetVersion,
            String[] sources,
            String[] whitelist,
            String[] blacklist,
            boolean recent) {
        String key = planId + "|" + targetVersion + "|" + Arrays.hashCode(sources) + "|" + Arrays.hashCode(whitelist)
                + "|" + Arrays.hashCode(blacklist);
        long now = System.currentTimeMillis();
        DeviceCounts known = recentDeviceCounts.get(key);
        if (recent && known != null && now - known.countedAt() < deviceCountsMaxAge.toMillis()) {
            return Uni.createFrom().item(known);
        }
        StringBuilder sql = new StringBuilder(
                "SELECT count(*), count(*) FILTER (WHERE version = $2) FROM device_view WHERE product_key = $1"
                        // only sub-devices bound to a gateway, whose version is known, are targeted
                        + " AND gateway_id IS NOT NULL AND version IS NOT NULL");
        Tuple params = Tuple.tuple().addString(productKey).addString(targetVersion);
        targeted(sql, params, planId, "", 2, sources, whitelist, blacklist);
        return pool.preparedQuery(sql.toString()).execute(params).map(rows -> {
            Row r = rows.iterator().next();
            DeviceCounts counted = new DeviceCounts(r.getLong(0), r.getLong(1), now);
            if (recentDeviceCounts.size() > 10_000) {
                recentDeviceCounts.clear();
            }
            recentDeviceCounts.put(key, counted);
            return counted;
        });
    }

    /**
     * Appends the plan's device conditions to a query over {@code device_view} (columns prefixed with
     * {@code column}): on a source version or the target (parameter {@code $target}), on the whitelist if
     * any, not on the blacklist, a member of the plan if it has a target ({@link
     * org.otaplatform.plan.plan.Targets#memberSql}); the lists and the plan go into {@code params}.
     */
    private static void targeted(
            StringBuilder sql,
            Tuple params,
            UUID planId,
            String column,
            int target,
            String[] sources,
            String[] whitelist,
            String[] blacklist) {
        if (sources.length > 0) {
            params.addArrayOfString(sources);
            sql.append(" AND (").append(column).append("version = ANY($").append(params.size());
            sql.append(") OR ")
                    .append(column)
                    .append("version = $")
                    .append(target)
                    .append(")");
        }
        if (whitelist.length > 0) {
            params.addArrayOfString(whitelist);
            sql.append(" AND ")
                    .append(column)
                    .append("device_key = ANY($")
                    .append(params.size())
                    .append(")");
        }
        if (blacklist.length > 0) {
            params.addArrayOfString(blacklist);
            sql.append(" AND NOT (")
                    .append(column)
                    .append("device_key = ANY($")
                    .append(params.size())
                    .append("))");
        }
        params.addUUID(planId);
        sql.append(" AND ")
                // qualified: inside the member subquery a bare device_key would be the member's own
                .append(org.otaplatform.plan.plan.Targets.memberSql(
                        "$" + params.size(), (column.isEmpty() ? "device_view." : column) + "device_key"));
    }
}
