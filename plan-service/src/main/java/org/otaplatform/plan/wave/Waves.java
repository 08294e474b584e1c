package org.otaplatform.plan.wave;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.otaplatform.common.audit.AuditLog;
import org.otaplatform.common.error.ApiException;
import org.otaplatform.common.error.ErrorCode;
import org.otaplatform.plan.config.PlanClock;
import org.otaplatform.plan.plan.Plan;
import org.otaplatform.plan.plan.PlanDefinition;
import org.otaplatform.plan.plan.PlanRepository;
import org.otaplatform.plan.plan.PlanRequest;
import org.otaplatform.plan.plan.PlanService;
import org.otaplatform.plan.plan.PlanStatus;
import org.otaplatform.plan.task.FailureThreshold;
import org.otaplatform.plan.task.PlanStats;
import org.otaplatform.plan.task.TaskState;

/**
 * A plan's waves: which one is current, what it may still take, its gates, and an operator's approval.
 * The push pass asks {@link #current} before it pushes and {@link #decide}s the gates after; only one pass
 * runs at a time (its advisory lock) and every move of a wave is a conditional update, so a concurrent
 * approval and a pass never both promote.
 *
 * <p>A wave's figures count each of its devices' latest attempt, as the plan's statistics do, from its
 * start (or the operator's resume after a halt): succeeded, failed by the firmware (the cause the failure
 * threshold counts), failed otherwise (transport: shown, not counted against a gate).
 */
@ApplicationScoped
public class Waves {

    /** A wave's state; PENDING: not begun. The last wave stays RUNNING while the plan runs: late devices join it. */
    public enum State {
        PENDING,
        RUNNING,
        AWAITING_APPROVAL,
        PASSED,
        HALTED
    }

    /** The wave the plan is in. */
    public record Current(
            int number,
            PlanRequest.Wave wave,
            State state,
            OffsetDateTime countedFrom,
            OffsetDateTime gateMetAt,
            boolean last) {}

    /** A wave's figures; {@code finished} are the results a gate counts (succeeded and failed by the firmware). */
    public record Figures(long members, long open, long succeeded, long firmwareFailed, long transportFailed) {
        public long finished() {
            return succeeded + firmwareFailed;
        }

        static final Figures NONE = new Figures(0, 0, 0, 0, 0);
    }

    /** A wave as REST shows it: its definition, state, figures and the moments its gates were decided. */
    public record WaveView(
            int number,
            String name,
            boolean canary,
            State state,
            Integer percent,
            Integer count,
            List<String> devices,
            List<String> gateways,

            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            String filter,

            Integer quota,
            long members,
            long open,
            long succeeded,
            long firmwareFailed,
            long transportFailed,
            Double successPercent,
            PlanRequest.SuccessGate successGate,
            PlanRequest.ErrorGate errorGate,
            boolean requireApproval,
            Instant startedAt,
            Instant gateMetAt,
            Instant endedAt,
            String reason,
            String approvedBy) {}

    // members: the devices whose latest attempt is in the wave (a retry taken by a later wave counts there only),
    // so the waves' members never add up to more than the devices the plan touched
    private static final String FIGURES = "SELECT t.wave, count(DISTINCT t.device_key) FILTER (WHERE NOT t.superseded),"
            + " count(*) FILTER (WHERE t.state IN " + TaskState.OPEN_SQL + "),"
            + " count(*) FILTER (WHERE NOT t.superseded AND t.updated_at >= w.counted_from AND t.state = "
            + TaskState.SUCCEEDED.sql() + "),"
            + " count(*) FILTER (WHERE NOT t.superseded AND t.updated_at >= w.counted_from AND t.state IN "
            + TaskState.FAILURES_SQL + " AND t.error_code IN " + FailureThreshold.FIRMWARE_FAILURES + "),"
            + " count(*) FILTER (WHERE NOT t.superseded AND t.updated_at >= w.counted_from AND t.state IN "
            + TaskState.FAILURES_SQL + " AND coalesce(t.error_code, '') NOT IN " + FailureThreshold.FIRMWARE_FAILURES
            + ")"
            + " FROM upgrade_task t JOIN plan_wave w ON w.plan_id = t.plan_id AND w.wave = t.wave"
            + " WHERE t.plan_id = $1";

    private final Pool pool;
    private final PlanClock clock;
    private final PlanRepository plans;
    private final PlanService service;
    private final PlanStats stats;
    private final AuditLog audit;
    private final org.otaplatform.plan.webhook.Webhooks webhooks;

    Waves(
            Pool pool,
            PlanClock clock,
            PlanRepository plans,
            PlanService service,
            PlanStats stats,
            AuditLog audit,
            org.otaplatform.plan.webhook.Webhooks webhooks) {
        this.webhooks = webhooks;
        this.audit = audit;
        this.stats = stats;
        this.pool = pool;
        this.clock = clock;
        this.plans = plans;
        this.service = service;
    }

    /** The plan's current wave: the first that has not passed; wave 1 begins with the plan's first pass. */
    public Uni<Current> current(Plan plan, PlanDefinition d) {
        return pool.preparedQuery("INSERT INTO plan_wave (plan_id, wave, state, started_at, counted_from)"
                        + " SELECT $1, 1, 'RUNNING', $2, $2 WHERE NOT EXISTS (SELECT 1 FROM plan_wave WHERE plan_id = $1)"
                        + " ON CONFLICT DO NOTHING")
                .execute(Tuple.of(plan.id, clock.nowUtc()))
                .flatMap(inserted -> pool.preparedQuery("SELECT wave, state, counted_from, gate_met_at FROM plan_wave"
                                + " WHERE plan_id = $1 ORDER BY (state = 'PASSED'), wave LIMIT 1")
                        .execute(Tuple.of(plan.id)))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    int number = Math.min(r.getInteger(0), d.waves().size());
                    return new Current(
                            number,
                            d.waves().get(number - 1),
                            State.valueOf(r.getString(1)),
                            r.getOffsetDateTime(2),
                            r.getOffsetDateTime(3),
                            number == d.waves().size());
                });
    }

    /**
     * The devices the plan targets, as its page counts them, when the wave's share is a percentage of them
     * (else 0: no count needed).
     */
    public Uni<Long> targeted(Plan plan, PlanDefinition d, PlanRequest.Wave wave, String targetVersion) {
        if (wave.percent() == null || wave.listed() || wave.open()) {
            return Uni.createFrom().item(0L);
        }
        return stats.forDisplay(
                        plan.id,
                        plan.productKey,
                        targetVersion,
                        d.sourceVersions().toArray(new String[0]),
                        d.whitelist().toArray(new String[0]),
                        d.blacklist().toArray(new String[0]))
                .map(PlanStats.Stats::targeted);
    }

    /**
     * The wave a device that asks for an upgrade joins: the current one, if it runs, takes the device and
     * has room; else none (null).
     */
    public Uni<Integer> admits(Plan plan, PlanDefinition d, String targetVersion, String deviceKey, String gatewayId) {
        return current(plan, d)
                .flatMap(c -> filterWave(plan, d, deviceKey).flatMap(filterWave -> {
                    if (c.state() != State.RUNNING
                            || !WaveFilter.of(plan.id, d.waves(), c.number()).takes(deviceKey, gatewayId, filterWave)) {
                        return Uni.createFrom().<Integer>nullItem();
                    }
                    return targeted(plan, d, c.wave(), targetVersion)
                            .flatMap(targeted -> figures(plan.id, c.number())
                                    .map(f -> room(c.wave(), targeted, f) > 0 ? c.number() : null));
                }));
    }

    /** The first wave whose filter matched the device at activation; null for none (or no wave filters). */
    private Uni<Integer> filterWave(Plan plan, PlanDefinition d, String deviceKey) {
        if (!d.waveFilters()) {
            return Uni.createFrom().nullItem();
        }
        return pool.preparedQuery("SELECT wave FROM plan_wave_member WHERE plan_id = $1 AND device_key = $2")
                .execute(Tuple.of(plan.id, deviceKey))
                .map(rows -> rows.iterator().hasNext() ? rows.iterator().next().getInteger(0) : null);
    }

    /** The wave's figures now. */
    public Uni<Figures> figures(UUID planId, int number) {
        return pool.preparedQuery(FIGURES + " AND t.wave = $2 GROUP BY t.wave")
                .execute(Tuple.of(planId, number))
                .map(rows -> rows.iterator().hasNext() ? figures(rows.iterator().next()) : Figures.NONE);
    }

    /**
     * How many devices the wave may still take: its share of the targeted devices (counted as the plan's
     * page counts them) less those it has; no bound for a list or the open wave.
     */
    public static int room(PlanRequest.Wave wave, long targeted, Figures figures) {
        Integer quota = quota(wave, targeted);
        return quota == null ? Integer.MAX_VALUE : (int) Math.max(0, quota - figures.members());
    }

    /** The wave's share of {@code targeted} devices; null for a list or the open wave. */
    public static Integer quota(PlanRequest.Wave wave, long targeted) {
        return wave.quota(targeted);
    }

    /**
     * Decides the current wave's gates after a push pass: halts it (and suspends the plan) when its error
     * gate trips or its success gate was missed with every result in; promotes it (or holds it for approval)
     * once its success gate has held for the soak time. {@code exhausted}: the pass found no device left for
     * the wave.
     */
    public Uni<Void> decide(Plan plan, Current current, Figures f, long targeted, boolean exhausted) {
        if (current.state() != State.RUNNING) {
            return Uni.createFrom().voidItem();
        }
        PlanRequest.Wave w = current.wave();
        String label = label(current.number(), w);
        PlanRequest.ErrorGate error = w.errorGate();
        long finished = f.finished();
        if (error != null
                && finished >= error.minResults()
                && f.firmwareFailed() * 100 > (long) error.maxFailurePercent() * finished) {
            return halt(
                    plan,
                    current,
                    String.format(
                            Locale.ROOT,
                            "%s halted by its error gate: %d of %d results failed by the firmware (%.1f %% > %d %%)",
                            label,
                            f.firmwareFailed(),
                            finished,
                            f.firmwareFailed() * 100.0 / finished,
                            error.maxFailurePercent()));
        }
        if (current.last()) {
            return Uni.createFrom().voidItem();
        }
        Integer quota = quota(w, targeted);
        boolean filled = (quota != null && f.members() >= quota) || (exhausted && f.open() == 0);
        if (!filled) {
            return gateNotMet(plan, current);
        }
        PlanRequest.SuccessGate gate = w.successGate();
        boolean everyResult = gate.minResults() == null;
        // a wave smaller than its minimum needs each member's result
        long needed = everyResult ? 1 : Math.min(gate.minResults(), Math.max(1, f.members()));
        if (f.members() == 0) {
            return promote(plan, current, label + " had no device to upgrade");
        }
        boolean enough = finished >= needed && (!everyResult || f.open() == 0);
        boolean rateMet = finished > 0 && f.succeeded() * 100 >= (long) gate.minSuccessPercent() * finished;
        String figures = String.format(
                Locale.ROOT,
                "%d of %d results succeeded (%.1f %%",
                f.succeeded(),
                finished,
                finished == 0 ? 0.0 : f.succeeded() * 100.0 / finished);
        if (enough && !rateMet && f.open() == 0) {
            return halt(
                    plan,
                    current,
                    label + " missed its success gate: " + figures + " < " + gate.minSuccessPercent() + " %)");
        }
        if (!enough || !rateMet) {
            return gateNotMet(plan, current);
        }
        OffsetDateTime now = clock.nowUtc();
        if (current.gateMetAt() == null && gate.soakMinutes() > 0) {
            return pool.preparedQuery("UPDATE plan_wave SET gate_met_at = $3 WHERE plan_id = $1 AND wave = $2"
                            + " AND state = 'RUNNING' AND gate_met_at IS NULL")
                    .execute(Tuple.of(plan.id, current.number(), now))
                    .replaceWithVoid();
        }
        if (current.gateMetAt() != null && now.isBefore(current.gateMetAt().plusMinutes(gate.soakMinutes()))) {
            return Uni.createFrom().voidItem();
        }
        String soaked = gate.soakMinutes() > 0 ? ", held " + gate.soakMinutes() + " min" : "";
        return promote(
                plan,
                current,
                label + " passed its success gate: " + figures + " ≥ " + gate.minSuccessPercent() + " %" + soaked
                        + ")");
    }

    /** The figures no longer meet the success gate: its soak starts again when they do. */
    private Uni<Void> gateNotMet(Plan plan, Current current) {
        if (current.gateMetAt() == null) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery("UPDATE plan_wave SET gate_met_at = NULL WHERE plan_id = $1 AND wave = $2")
                .execute(Tuple.of(plan.id, current.number()))
                .replaceWithVoid();
    }

    /** Passes the wave and begins the next, or holds it for an operator's approval; one transaction. */
    private Uni<Void> promote(Plan plan, Current current, String reason) {
        boolean hold = current.wave().requireApproval();
        String why = hold ? reason + "; it waits for an operator's approval" : reason;
        return Panache.withTransaction(() -> move(
                        plan.id,
                        current.number(),
                        State.RUNNING,
                        hold ? State.AWAITING_APPROVAL : State.PASSED,
                        why,
                        null)
                .flatMap(moved -> !moved
                        ? Uni.createFrom().voidItem()
                        : (hold ? Uni.createFrom().voidItem() : begin(plan.id, current.number() + 1))
                                .flatMap(v -> history(plan.id, why))
                                .flatMap(v -> webhooks.emit(
                                        hold ? "wave.awaiting_approval" : "wave.promoted",
                                        waveEvent(plan.id, current.number(), current.wave(), why, null)))
                                .flatMap(v -> audit.record(
                                        AuditLog.Caller.SYSTEM,
                                        hold ? "plan.wave.hold" : "plan.wave.promote",
                                        "plan/" + plan.id + "/wave/" + current.number(),
                                        Map.of("state", State.RUNNING),
                                        Map.of(
                                                "state",
                                                hold ? State.AWAITING_APPROVAL : State.PASSED,
                                                "reason",
                                                why)))));
    }

    /** Halts the wave and suspends the plan with the reason; one transaction. */
    private Uni<Void> halt(Plan plan, Current current, String reason) {
        return Panache.withTransaction(() -> move(plan.id, current.number(), State.RUNNING, State.HALTED, reason, null)
                .flatMap(moved -> !moved
                        ? Uni.createFrom().voidItem()
                        : audit.record(
                                        AuditLog.Caller.SYSTEM,
                                        "plan.wave.halt",
                                        "plan/" + plan.id + "/wave/" + current.number(),
                                        Map.of("state", State.RUNNING),
                                        Map.of("state", State.HALTED, "reason", reason))
                                .flatMap(v -> webhooks.emit(
                                        "wave.halted",
                                        waveEvent(plan.id, current.number(), current.wave(), reason, null)))
                                .flatMap(v -> plans.findById(plan.id))
                                .flatMap(p -> p.status == PlanStatus.ACTIVE
                                        ? service.move(p, PlanStatus.SUSPENDED, reason)
                                                .replaceWithVoid()
                                        : Uni.createFrom().voidItem())));
    }

    /**
     * An operator's approval of wave {@code number}: a wave awaiting approval passes; a running one is
     * promoted before its gate passed; a halted one is passed over its failures and the plan resumes. The
     * next wave begins. A wave that has passed already stays as it is (the approval is repeated).
     */
    public Uni<Void> approve(UUID planId, int number, String actor) {
        return Panache.withTransaction(() -> plans.findById(planId)
                .onItem()
                .ifNull()
                .failWith(() -> ApiException.notFound("plan", planId))
                .flatMap(plan -> {
                    PlanDefinition d = plan.definition();
                    if (number < 1 || number > d.waves().size()) {
                        return Uni.createFrom().failure(ApiException.notFound("wave", number + " of plan " + planId));
                    }
                    if (plan.status.isFinal()) {
                        return Uni.createFrom()
                                .failure(new ApiException(ErrorCode.CONFLICT, "plan " + planId + " is " + plan.status));
                    }
                    return Panache.getSession()
                            .flatMap(s -> s.createNativeQuery(
                                            "SELECT state FROM plan_wave WHERE plan_id = ?1 AND wave = ?2 FOR UPDATE")
                                    .setParameter(1, planId)
                                    .setParameter(2, number)
                                    .getResultList())
                            .flatMap(rows -> {
                                if (rows.isEmpty()) {
                                    return Uni.createFrom()
                                            .failure(new ApiException(
                                                    ErrorCode.CONFLICT, "wave " + number + " has not begun"));
                                }
                                State state = State.valueOf((String) rows.get(0));
                                if (state == State.PASSED) {
                                    return Uni.createFrom().voidItem();
                                }
                                if (number == d.waves().size()) {
                                    return Uni.createFrom()
                                            .failure(new ApiException(
                                                    ErrorCode.CONFLICT,
                                                    "wave " + number + " is the last: there is no wave to promote to"));
                                }
                                String label = label(number, d.waves().get(number - 1));
                                String reason = switch (state) {
                                    case AWAITING_APPROVAL -> label + " approved by " + actor;
                                    case HALTED -> label + " halted, approved over its failures by " + actor;
                                    default -> label + " promoted by " + actor + " before its gate passed";
                                };
                                Uni<Void> resume = state == State.HALTED && plan.status == PlanStatus.SUSPENDED
                                        ? service.move(plan, PlanStatus.ACTIVE, reason)
                                                .replaceWithVoid()
                                        : history(planId, reason);
                                return move(planId, number, state, State.PASSED, reason, actor)
                                        .flatMap(moved -> audit.record(
                                                "plan.wave.approve",
                                                "plan/" + planId + "/wave/" + number,
                                                Map.of("state", state),
                                                Map.of("state", State.PASSED, "reason", reason)))
                                        .flatMap(moved -> webhooks.emit(
                                                "wave.promoted",
                                                waveEvent(
                                                        planId,
                                                        number,
                                                        d.waves().get(number - 1),
                                                        reason,
                                                        actor)))
                                        .flatMap(moved -> begin(planId, number + 1))
                                        .flatMap(v -> resume);
                            });
                }));
    }

    /** The plan's waves, each with its state and figures; {@code targeted} as the plan's page counts it. */
    public Uni<List<WaveView>> list(Plan plan, long targeted) {
        PlanDefinition d = plan.definition();
        Uni<Map<Integer, Row>> states = pool.preparedQuery("SELECT wave, state, started_at, gate_met_at, ended_at,"
                        + " reason, approved_by FROM plan_wave WHERE plan_id = $1")
                .execute(Tuple.of(plan.id))
                .map(rows -> {
                    Map<Integer, Row> byWave = new HashMap<>();
                    rows.forEach(r -> byWave.put(r.getInteger(0), r));
                    return byWave;
                });
        Uni<Map<Integer, Figures>> figures = pool.preparedQuery(FIGURES + " GROUP BY t.wave")
                .execute(Tuple.of(plan.id))
                .map(rows -> {
                    Map<Integer, Figures> byWave = new HashMap<>();
                    rows.forEach(r -> byWave.put(r.getInteger(0), figures(r)));
                    return byWave;
                });
        return Uni.combine().all().unis(states, figures).asTuple().map(both -> {
            List<WaveView> views = new ArrayList<>();
            for (int i = 0; i < d.waves().size(); i++) {
                PlanRequest.Wave w = d.waves().get(i);
                Row r = both.getItem1().get(i + 1);
                Figures f = both.getItem2().getOrDefault(i + 1, Figures.NONE);
                views.add(new WaveView(
                        i + 1,
                        w.name(),
                        w.canary(),
                        r == null ? State.PENDING : State.valueOf(r.getString(1)),
                        w.percent(),
                        w.count(),
                        w.devices(),
                        w.gateways(),
                        w.filter(),
                        quota(w, targeted),
                        f.members(),
                        f.open(),
                        f.succeeded(),
                        f.firmwareFailed(),
                        f.transportFailed(),
                        f.finished() == 0 ? null : f.succeeded() * 100.0 / f.finished(),
                        w.successGate(),
                        w.errorGate(),
                        w.requireApproval(),
                        r == null ? null : instant(r.getOffsetDateTime(2)),
                        r == null ? null : instant(r.getOffsetDateTime(3)),
                        r == null ? null : instant(r.getOffsetDateTime(4)),
                        r == null ? null : r.getString(5),
                        r == null ? null : r.getString(6)));
            }
            return views;
        });
    }

    /** A wave event's data. */
    private static Map<String, Object> waveEvent(
            UUID planId, int number, PlanRequest.Wave wave, String reason, String approvedBy) {
        Map<String, Object> data = new java.util.LinkedHashMap<>();
        data.put("planId", planId);
        data.put("wave", number);
        data.put("name", wave.name());
        data.put("canary", wave.canary());
        data.put("reason", reason);
        data.put("approvedBy", approvedBy);
        return data;
    }

    /** "wave 2 (europe)" */
    static String label(int number, PlanRequest.Wave w) {
        return "wave " + number + (w.name().equals("wave " + number) ? "" : " (" + w.name() + ")");
    }

    /** Moves a wave from one state to another; whether it was in {@code from}. In the caller's transaction. */
    private Uni<Boolean> move(UUID planId, int number, State from, State to, String reason, String actor) {
        boolean ends = to == State.PASSED || to == State.HALTED;
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("UPDATE plan_wave SET state = ?3, reason = ?5, approved_by = ?6,"
                                + " ended_at = CASE WHEN ?7 THEN CAST(?8 AS timestamptz) END"
                                + " WHERE plan_id = ?1 AND wave = ?2 AND state = ?4")
                        .setParameter(1, planId)
                        .setParameter(2, number)
                        .setParameter(3, to.name())
                        .setParameter(4, from.name())
                        .setParameter(5, truncated(reason))
                        .setParameter(6, actor)
                        .setParameter(7, ends)
                        .setParameter(8, clock.nowUtc())
                        .executeUpdate())
                .map(n -> n > 0);
    }

    /** Begins a wave (a second begin changes nothing). In the caller's transaction. */
    private Uni<Void> begin(UUID planId, int number) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "INSERT INTO plan_wave (plan_id, wave, state, started_at, counted_from)"
                                        + " VALUES (?1, ?2, 'RUNNING', CAST(?3 AS timestamptz), CAST(?3 AS timestamptz))"
                                        + " ON CONFLICT DO NOTHING")
                        .setParameter(1, planId)
                        .setParameter(2, number)
                        .setParameter(3, clock.nowUtc())
                        .executeUpdate())
                .replaceWithVoid();
    }

    /** A wave's decision in the plan's history (the plan stays ACTIVE). In the caller's transaction. */
    private Uni<Void> history(UUID planId, String reason) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("INSERT INTO plan_history (plan_id, from_status, to_status, reason)"
                                + " SELECT id, status, status, ?2 FROM plan WHERE id = ?1")
                        .setParameter(1, planId)
                        .setParameter(2, truncated(reason))
                        .executeUpdate())
                .replaceWithVoid();
    }

    private static Figures figures(Row r) {
        return new Figures(r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5));
    }

    private static String truncated(String reason) {
        return reason.length() > 500 ? reason.substring(0, 500) : reason;
    }

    private static Instant instant(OffsetDateTime at) {
        return at == null ? null : at.toInstant();
    }
}
