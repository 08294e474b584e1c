package org.otaplatform.plan.schedule;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.otaplatform.plan.config.PlanConfig;
import org.otaplatform.plan.device.Compatibility;
import org.otaplatform.plan.device.Downgrades;
import org.otaplatform.plan.device.Holds;
import org.otaplatform.plan.plan.Plan;
import org.otaplatform.plan.plan.PlanDefinition;
import org.otaplatform.plan.plan.PlanPackages;
import org.otaplatform.plan.plan.Targets;
import org.otaplatform.plan.task.TaskState;
import org.otaplatform.plan.task.TaskSupervisor;
import org.otaplatform.plan.wave.WaveFilter;

/**
 * Whom a push may reach now and how many: the eligible devices gateway by gateway within each gateway's
 * concurrency, the rollout rate left in this minute, and the plan's ramp (its slow start). Reads only;
 * {@link PushScheduler} creates the tasks.
 */
@ApplicationScoped
class PushSelection {

    /**
     * A device a push may reach, with its gateway, version and failed attempts under the plan; {@code
     * gateway}: the device is that gateway itself (a plan of a gateway product).
     */
    record Candidate(
            String productKey, String deviceKey, String gatewayId, String version, int attempts, boolean gateway) {}

    /** 100 years: a manual plan's rejection stands until the application confirms again. */
    private static final int FOREVER_MINUTES = 100 * 365 * 24 * 60;

    private final Pool pool;
    private final PlanConfig config;
    private final org.otaplatform.plan.config.PlanClock clock;
    /** Plans that have sent the in-flight cap: their ramp is over (see {@link #ramp}). */
    private final Set<UUID> rampedUp = ConcurrentHashMap.newKeySet();

    PushSelection(Pool pool, PlanConfig config, org.otaplatform.plan.config.PlanClock clock) {
        this.clock = clock;
        this.pool = pool;
        this.config = config;
    }

    /**
     * How many may be pushed now: the rollout rate left in the last minute, the rate being the plan's fixed
     * {@code rolloutPerMinute} or its exponential rate after the increases its sent (or succeeded) devices
     * have earned.
     */
    Uni<Integer> budget(Plan plan, PlanDefinition d) {
        var exponential = d.exponentialRollout();
        if (d.rolloutPerMinute() == null && exponential == null) {
            return Uni.createFrom().item(Integer.MAX_VALUE);
        }
        String lastMinute = "SELECT count(*) FROM upgrade_task WHERE plan_id = $1"
                + " AND notified_at > CAST($2 AS timestamptz) - interval '1 minute'";
        if (exponential == null) {
            return pool.preparedQuery(lastMinute)
                    .execute(Tuple.of(plan.id, clock.nowUtc()))
                    .map(rows -> (int) Math.max(
                            0, d.rolloutPerMinute() - rows.iterator().next().getLong(0)));
        }
        // the increases earned so far: a count over the plan's tasks, for exponential plans only
        String earned = exponential.increaseAfterNotified() != null
                ? "SELECT count(*) FROM upgrade_task WHERE plan_id = $1 AND notified_at IS NOT NULL"
                : "SELECT count(*) FROM upgrade_task WHERE plan_id = $1 AND state = " + TaskState.SUCCEEDED.sql();
        int per = exponential.increaseAfterNotified() != null
                ? exponential.increaseAfterNotified()
                : exponential.increaseAfterSucceeded();
        return pool.preparedQuery("SELECT (" + lastMinute + "), (" + earned + ")")
                .execute(Tuple.of(plan.id, clock.nowUtc()))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    return (int) Math.max(0, exponential.rate(r.getLong(1) / per) - r.getLong(0));
                });
    }

    /**
     * How many new tasks the plan's ramp allows in this pass (see {@link PlanConfig#rampStart()}): a window
     * of unanswered tasks that starts at the ramp's start and grows by one for every task a gateway
     * answered (accepted, rejected, or that ended), as TCP's slow start grows by its acknowledgements: the
     * pace doubles with every round trip the platform keeps up with and never outruns what it can process.
     * No bound once the plan has sent the in-flight cap; the counts stop there, so they cost the same
     * however large the plan, and a plan past its ramp is remembered and not counted again.
     */
    Uni<Integer> ramp(Plan plan) {
        int start = config.rampStart();
        int end = config.maxInFlight();
        if (start <= 0 || start >= end || rampedUp.contains(plan.id)) {
            return Uni.createFrom().item(Integer.MAX_VALUE);
        }
        return pool.preparedQuery("SELECT count(*), count(*) FILTER (WHERE state NOT IN " + TaskState.NOT_STARTED_SQL
                        + ") FROM (SELECT state FROM upgrade_task WHERE plan_id = $1 AND notified_at IS NOT NULL"
                        + " LIMIT $2) sent")
                .execute(Tuple.of(plan.id, end))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    long sent = row.getLong(0);
                    long answered = row.getLong(1);
                    if (sent >= end) {
                        rampedUp.add(plan.id);
                        return Integer.MAX_VALUE;
                    }
                    long window = start + answered;
                    return (int) Math.max(0, window - (sent - answered));
                });
    }

    /**
     * The next eligible devices, at most as many per gateway as the gateway has room for under
     * {@code perGateway} (what runs there under any plan counts): the plan's concurrency for pushes, no
     * bound for manual offers, which do not run on the gateway (and wait for the end user, so an offline
     * device gets its offer too; a rejected one is not offered again by the plan). Gateways are walked in order, a chunk at a
     * time ({@link #chunk}), each one's devices looked up by its own index, until {@code limit} devices
     * are found: a pass never stalls on the first gateways of a large fleet while the others idle, and one
     * statement never looks at more than a chunk of gateways, whatever plan the database chooses. (The one
     * statement over all gateways this replaces took 26 s for a plan's first push over 100,000 devices
     * registered just before, on a stock PostgreSQL, in two runs out of four.)
     */
    Uni<List<Candidate>> candidates(
            Plan plan, PlanDefinition d, PlanPackages packages, int limit, int perGateway, WaveFilter wave) {
        String[] sources = sources(d, packages);
        if (sources == null) {
            return Uni.createFrom().item(List.of());
        }
        return candidatesAfter(plan, d, packages, sources, limit, perGateway, wave, "", new ArrayList<>());
    }

    /**
     * The versions a push may take devices from: the plan's source versions (none: any other than the
     * target) where a full package covers every version, else only those a delta of the plan starts from;
     * null when none is left.
     */
    static String[] sources(PlanDefinition d, PlanPackages packages) {
        if (packages.full() != null) {
            return d.sourceVersions().toArray(new String[0]);
        }
        List<String> covered = (d.sourceVersions().isEmpty()
                        ? new ArrayList<>(packages.deltas().keySet())
                        : d.sourceVersions())
                .stream().filter(packages.deltas()::containsKey).sorted().toList();
        return covered.isEmpty() ? null : covered.toArray(new String[0]);
    }

    /**
     * How many gateways one candidates statement looks at: enough for {@code wanted} devices at {@code
     * perGateway} each (at most 100 counted a gateway), and some to spare for gateways with none left.
     */
    static int chunk(int wanted, int perGateway) {
        int each = Math.max(1, Math.min(perGateway, 100));
        return Math.max(10, Math.min(500, wanted / each + 10));
    }

    private Uni<List<Candidate>> candidatesAfter(
            Plan plan,
            PlanDefinition d,
            PlanPackages packages,
            String[] sources,
            int limit,
            int perGateway,
            WaveFilter wave,
            String after,
            List<Candidate> found) {
        int size = chunk(limit - found.size(), perGateway);
        return pool.preparedQuery(
                        "SELECT gateway_id FROM gateway_view WHERE gateway_id > $1 ORDER BY gateway_id LIMIT $2")
                .execute(Tuple.of(after, size))
                .flatMap(rows -> {
                    List<String> chunk = new ArrayList<>();
                    rows.forEach(r -> chunk.add(r.getString(0)));
                    if (chunk.isEmpty()) {
                        return Uni.createFrom().item(found);
                    }
                    return inChunk(plan, d, packages, sources, limit - found.size(), perGateway, wave, chunk)
                            .flatMap(more -> {
                                found.addAll(more);
                                return found.size() >= limit || chunk.size() < size
                                        ? Uni.createFrom().item(found)
                                        : candidatesAfter(
                                                plan,
                                                d,
                                                packages,
                                                sources,
                                                limit,
                                                perGateway,
                                                wave,
                                                chunk.get(chunk.size() - 1),
                                                found);
                            });
                });
    }

    /** The eligible devices of these gateways, in gateway and device order, at most {@code limit}. */
    private Uni<List<Candidate>> inChunk(
            Plan plan,
            PlanDefinition d,
            PlanPackages packages,
            String[] sources,
            int limit,
            int perGateway,
            WaveFilter wave,
            List<String> gateways) {
        boolean manual = plan.mode == org.otaplatform.plan.plan.PlanMode.MANUAL;
        // Each device's history is one aggregate over its own tasks (an index lookup per device, whatever
        // the planner believes about a task table growing fast): open anywhere, done or cooling down
        // under this plan, failed attempts under this plan.
        // busy: what runs on each gateway, under any plan; own: whether that includes the gateway's own upgrade
        // (one thing at a time on a gateway, GatewayOccupancy: beside its own upgrade nothing else goes to it,
        // and its own goes only to a gateway with nothing else in flight)
        String sql = "WITH busy AS (SELECT gateway_id, count(*) AS n, bool_or(gateway_firmware) AS own"
                + "   FROM upgrade_task WHERE state IN"
                + "   " + TaskState.IN_FLIGHT_SQL + " AND gateway_id = ANY($13) GROUP BY gateway_id)"
                + " SELECT c.product_key, c.device_key, c.gateway_id, c.version, c.attempts, c.is_gateway"
                + " FROM gateway_view g LEFT JOIN busy b ON b.gateway_id = g.gateway_id"
                + " CROSS JOIN LATERAL (SELECT d.product_key, d.device_key, d.gateway_id, d.version, h.attempts,"
                + "   d.is_gateway"
                + "   FROM device_view d CROSS JOIN LATERAL (SELECT"
                + "     count(*) FILTER (WHERE t.plan_id = $1 AND t.state IN " + TaskState.FAILURES_SQL
                + ") AS attempts,"
                + "     count(*) FILTER (WHERE t.state IN " + TaskState.OPEN_SQL + ") AS open,"
                + "     count(*) FILTER (WHERE t.plan_id = $1 AND (t.state = " + TaskState.SUCCEEDED.sql()
                + " OR (t.state = " + TaskState.CANCELLED.sql()
                + "       AND t.error_code IS DISTINCT FROM '" + TaskSupervisor.BINDING_CHANGED + "')"
                + "       OR (t.state = " + TaskState.REJECTED.sql()
                + " AND t.updated_at > CAST($15 AS timestamptz) - make_interval(mins => $7))"
                + "       OR (t.state IN " + TaskState.FAILURES_SQL
                + " AND t.updated_at > CAST($15 AS timestamptz) - make_interval(secs => $8))))"
                + "       AS blocked"
                + "     FROM upgrade_task t WHERE t.product_key = d.product_key AND t.device_key = d.device_key) h"
                + "   WHERE d.gateway_id = g.gateway_id AND d.product_key = $2 AND d.attached"
                + "   AND ($14 OR d.online OR NOT g.online)"
                + "   AND d.version <> $3"
                + "   AND (cardinality($4::text[]) = 0 OR d.version = ANY($4))"
                + "   AND (cardinality($5::text[]) = 0 OR d.device_key = ANY($5))"
                + "   AND NOT (d.device_key = ANY($6))"
                + "   AND " + WaveFilter.sql("d.device_key", "d.gateway_id", 16, 25)
                + "   AND h.open = 0 AND h.blocked = 0 AND h.attempts < $11"
                // never a package below the device's version under SemVer, unless the plan allows it
                + "   AND NOT " + Downgrades.refusedSql("d", 22)
                // never a package the device's hardware does not fit
                + "   AND NOT " + Compatibility.incompatibleSql("d", 23, 24)
                // nor a device on hold, or behind a gateway on hold
                + "   AND NOT " + Holds.heldSql("d")
                // a plan with a target touches its members only
                + "   AND " + Targets.memberSql("$1", "d.device_key")
                + "   AND ($14 OR NOT d.is_gateway OR coalesce(b.n, 0) = 0)"
                + "   ORDER BY d.device_key LIMIT $12 - coalesce(b.n, 0)) c"
                + " WHERE g.gateway_id = ANY($13)"
                + "   AND ($14 OR NOT coalesce(b.own, false))"
                // a package that needs a newer gateway waits behind an older one (unknown or not SemVer: older)
                + "   AND ($21::bytea IS NULL OR (g.version_key >= $21::bytea AND EXISTS (SELECT 1 FROM product_view pv"
                + "     WHERE pv.product_key = g.product_key AND pv.version_scheme = 'SEMVER')))"
                + "   AND ($14 OR g.online OR g.updated_at > CAST($15 AS timestamptz) - make_interval(secs => $10))"
                + "   AND coalesce(b.n, 0) < $12"
                + " ORDER BY g.gateway_id, c.device_key LIMIT $9";
        Tuple params = Tuple.tuple()
                .addUUID(plan.id)
                .addString(plan.productKey)
                .addString(packages.target())
                .addArrayOfString(sources)
                .addArrayOfString(d.whitelist().toArray(new String[0]))
                .addArrayOfString(d.blacklist().toArray(new String[0]))
                // a silent plan offers again after the delay; an end user's no stands
                .addInteger(manual ? FOREVER_MINUTES : d.repushAfterRejectMinutes())
                .addInteger(d.retry().backoffSeconds())
                .addInteger(limit)
                .addDouble((double) config.offlinePushGrace().toSeconds())
                .addLong((long) d.retry().maxAttempts())
                .addLong((long) perGateway)
                .addArrayOfString(gateways.toArray(new String[0]))
                // an offer waits for the end user, not for the gateway: offline devices get theirs too
                .addBoolean(manual)
                .addOffsetDateTime(clock.nowUtc());
        wave.lists(params)
                .addValue(packages.minGatewayKey() == null ? null : Buffer.buffer(packages.minGatewayKey()))
                .addValue(refusedAbove(d, packages))
                .addArrayOfString(packages.hardwareRevisions())
                .addBoolean(packages.allowsUnknownHardware());
        wave.params(params);
        return pool.preparedQuery(sql).execute(params).map(rows -> {
            List<Candidate> list = new ArrayList<>();
            for (Row r : rows) {
                list.add(new Candidate(
                        r.getString(0),
                        r.getString(1),
                        r.getString(2),
                        r.getString(3),
                        r.getLong(4).intValue(),
                        r.getBoolean(5)));
            }
            return list;
        });
    }

    /**
     * Whether one of the plan's devices in the wave's filter, not on the target and without a task under the
     * plan, is held back only by its gateway: busy with the other kind of upgrade (one thing at a time) or
     * below the packages' {@code minGatewayVersion}. Both pass: the device will be pushed to.
     */
    Uni<Boolean> heldBack(Plan plan, PlanDefinition d, PlanPackages packages, WaveFilter wave) {
        byte[] min = packages.minGatewayKey();
        String sql =
                "SELECT EXISTS (SELECT 1 FROM device_view d LEFT JOIN gateway_view g ON g.gateway_id = d.gateway_id"
                        + " WHERE d.product_key = $1 AND d.attached AND d.version IS NOT NULL AND d.version <> $2"
                        + "   AND (cardinality($4::text[]) = 0 OR d.version = ANY($4))"
                        + "   AND (cardinality($5::text[]) = 0 OR d.device_key = ANY($5))"
                        + "   AND NOT (d.device_key = ANY($6))"
                        + "   AND " + WaveFilter.sql("d.device_key", "d.gateway_id", 8, 16)
                        // a device refused as a downgrade is not held back: it is never pushed to
                        + "   AND NOT " + Downgrades.refusedSql("d", 13)
                        + "   AND NOT " + Compatibility.incompatibleSql("d", 14, 15)
                        + "   AND NOT " + Holds.heldSql("d")
                        + "   AND " + Targets.memberSql("$3", "d.device_key")
                        + "   AND NOT EXISTS (SELECT 1 FROM upgrade_task u WHERE u.plan_id = $3"
                        + "     AND u.product_key = d.product_key AND u.device_key = d.device_key)"
                        + "   AND (($7::bytea IS NOT NULL AND NOT coalesce(g.version_key >= $7::bytea AND EXISTS (SELECT 1"
                        + "       FROM product_view pv WHERE pv.product_key = g.product_key AND pv.version_scheme = 'SEMVER'),"
                        + "       false))"
                        + "     OR EXISTS (SELECT 1 FROM upgrade_task t WHERE t.gateway_id = d.gateway_id AND t.state IN "
                        + TaskState.IN_FLIGHT_SQL + " AND t.gateway_firmware <> d.is_gateway)))";
        Tuple params = Tuple.tuple()
                .addString(plan.productKey)
                .addString(packages.target())
                .addUUID(plan.id)
                .addArrayOfString(d.sourceVersions().toArray(new String[0]))
                .addArrayOfString(d.whitelist().toArray(new String[0]))
                .addArrayOfString(d.blacklist().toArray(new String[0]))
                .addValue(min == null ? null : Buffer.buffer(min));
        wave.lists(params)
                .addValue(refusedAbove(d, packages))
                .addArrayOfString(packages.hardwareRevisions())
                .addBoolean(packages.allowsUnknownHardware());
        wave.params(params);
        return pool.preparedQuery(sql)
                .execute(params)
                .map(rows -> rows.iterator().next().getBoolean(0));
    }

    /** The key a device's version must not rank above ({@link Downgrades#refusedAbove}), as a parameter. */
    private static Buffer refusedAbove(PlanDefinition d, PlanPackages packages) {
        byte[] key = Downgrades.refusedAbove(d.allowDowngrade(), packages.target());
        return key == null ? null : Buffer.buffer(key);
    }

    /** What runs on each candidate's gateway between NOTIFIED and UPGRADING, over all plans. */
    Uni<Map<String, GatewayOccupancy>> inFlight(List<Candidate> candidates) {
        String[] gateways =
                candidates.stream().map(Candidate::gatewayId).distinct().toArray(String[]::new);
        return pool.preparedQuery("SELECT gateway_id, count(*), bool_or(gateway_firmware) FROM upgrade_task"
                        + " WHERE gateway_id = ANY($1) AND state IN " + TaskState.IN_FLIGHT_SQL
                        + " GROUP BY gateway_id")
                .execute(Tuple.of(gateways))
                .map(rows -> {
                    Map<String, GatewayOccupancy> busy = new HashMap<>();
                    rows.forEach(r -> busy.put(
                            r.getString(0), new GatewayOccupancy(r.getLong(1).intValue(), r.getBoolean(2))));
                    return busy;
                });
    }

    /**
     * The candidates, in order, that their gateways have room for ({@link GatewayOccupancy#admits}), at most
     * {@code budget}.
     */
    static List<Candidate> pick(
            List<Candidate> candidates, Map<String, GatewayOccupancy> busy, int maxPerGateway, int budget) {
        Map<String, GatewayOccupancy> load = new HashMap<>(busy);
        List<Candidate> chosen = new ArrayList<>();
        for (Candidate c : candidates) {
            if (chosen.size() >= budget) {
                break;
            }
            GatewayOccupancy used = load.getOrDefault(c.gatewayId(), GatewayOccupancy.IDLE);
            if (used.admits(c.gateway(), maxPerGateway)) {
                load.put(c.gatewayId(), used.with(c.gateway()));
                chosen.add(c);
            }
        }
        return chosen;
    }
}
