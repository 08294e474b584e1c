package org.otaplatform.plan.schedule;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;
import org.otaplatform.common.messaging.Outbox;
import org.otaplatform.common.reactive.InOrder;
import org.otaplatform.common.reactive.RepeatedWarning;
import org.otaplatform.common.reactive.Watchdog;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.plan.config.PlanClock;
import org.otaplatform.plan.config.PlanConfig;
import org.otaplatform.plan.firmware.FirmwareViews;
import org.otaplatform.plan.plan.Plan;
import org.otaplatform.plan.plan.PlanDefinition;
import org.otaplatform.plan.plan.PlanMode;
import org.otaplatform.plan.plan.PlanPackages;
import org.otaplatform.plan.plan.PlanRepository;
import org.otaplatform.plan.plan.PlanStatus;
import org.otaplatform.plan.schedule.PushSelection.Candidate;
import org.otaplatform.plan.task.TaskState;
import org.otaplatform.plan.task.TaskStore;
import org.otaplatform.plan.wave.WaveFilter;
import org.otaplatform.plan.wave.Waves;

/**
 * Pushes silent plans: each pass selects, per active plan inside its period and push window, the
 * eligible online devices (product, source version, lists, no open task anywhere, retry and re-push
 * delays), keeps the rollout rate and every gateway's concurrency, and creates one NOTIFIED task with its
 * upgrade command per device in one transaction. A device's open task is unique in the database, so two
 * replicas never push one device twice; and a pass runs under a PostgreSQL advisory lock, so with several
 * replicas one pass at a time counts gateway concurrency, rollout rate and the global in-flight cap.
 */
@ApplicationScoped
public class PushScheduler {

    private static final Logger LOG = Logger.getLogger(PushScheduler.class);
    private final RepeatedWarning passFailed = new RepeatedWarning(LOG, "the push pass");
    private static final int BATCH = 5_000;
    /** At most this many rounds of {@link #BATCH} per plan and pass. */
    private static final int ROUNDS = 10;
    /** The advisory lock key of the push pass ("ota push"). */
    private static final long PUSH_LOCK = 0x6f74612070757368L;

    private final PlanRepository plans;
    private final FirmwareViews firmware;
    private final TaskStore tasks;
    private final Outbox outbox;
    private final Pool pool;
    private final PlanConfig config;
    private final io.vertx.core.Vertx vertx;
    private final PushSelection selection;
    private final PlanClock clock;
    private final Waves waves;

    private final org.otaplatform.plan.plan.Targets targets;

    PushScheduler(
            PlanRepository plans,
            FirmwareViews firmware,
            TaskStore tasks,
            Outbox outbox,
            Pool pool,
            PlanConfig config,
            io.vertx.core.Vertx vertx,
            PushSelection selection,
            PlanClock clock,
            Waves waves,
            org.otaplatform.plan.plan.Targets targets) {
        this.targets = targets;
        this.waves = waves;
        this.clock = clock;
        this.selection = selection;
        this.vertx = vertx;
        this.plans = plans;
        this.firmware = firmware;
        this.tasks = tasks;
        this.outbox = outbox;
        this.pool = pool;
        this.config = config;
    }

    /**
     * A pass now, besides the regular ones (a plan was just activated or resumed: its first tasks need not
     * wait for the next tick); the advisory lock still lets one pass run at a time.
     */
    public void passSoon() {
        org.otaplatform.common.reactive.SafeContext.run(vertx, this::tick, ok -> {}, failure -> {});
    }

    @Scheduled(every = "${ota.plan.scheduler.interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        // The lock lives on one connection, held for the pass; if the replica dies the lock goes with it
        return pool.withConnection(lockHolder -> lockHolder
                        .query("SELECT pg_try_advisory_lock(" + PUSH_LOCK + ")")
                        .execute()
                        .flatMap(rows -> !rows.iterator().next().getBoolean(0)
                                ? Uni.createFrom().voidItem()
                                : Watchdog.limit(pass(), "the push pass")
                                        .eventually(() -> lockHolder
                                                .query("SELECT pg_advisory_unlock(" + PUSH_LOCK + ")")
                                                .execute())))
                .onFailure()
                .invoke(passFailed::failed)
                .onFailure()
                .recoverWithNull();
    }

    /**
     * One pass that waits its turn for the lock instead of skipping: for tests that move the clock, so that
     * every step of theirs gets a pass at its time.
     */
    Uni<Void> passInTurn() {
        return org.otaplatform.common.reactive.SafeContext.uni(
                vertx,
                () -> pool.withConnection(lockHolder -> lockHolder
                        .query("SELECT pg_advisory_lock(" + PUSH_LOCK + ")")
                        .execute()
                        .flatMap(locked -> Watchdog.limit(pass(), "the push pass")
                                .eventually(() -> lockHolder
                                        .query("SELECT pg_advisory_unlock(" + PUSH_LOCK + ")")
                                        .execute()))));
    }

    /** One pass over the active plans, sharing the room left under the global in-flight cap. */
    private Uni<Void> pass() {
        return pool.query("SELECT count(*) FROM upgrade_task WHERE state IN" + " " + TaskState.IN_FLIGHT_SQL)
                .execute()
                .flatMap(rows -> {
                    AtomicInteger room = new AtomicInteger(config.maxInFlight()
                            - rows.iterator().next().getLong(0).intValue());
                    return Panache.withSession(() -> plans.list("status", PlanStatus.ACTIVE))
                            .flatMap(active -> InOrder.each(active, plan -> timed(plan, room)));
                })
                .replaceWithVoid();
    }

    /** A push pass over one plan that takes longer than this is logged: it delays every plan's pushes. */
    private static final long SLOW_PUSH_MILLIS = 5_000;

    /** {@link #push}, logged when slow. */
    private Uni<Integer> timed(Plan plan, AtomicInteger room) {
        long started = System.nanoTime();
        return push(plan, room).invoke(sent -> {
            long millis = (System.nanoTime() - started) / 1_000_000;
            if (millis > SLOW_PUSH_MILLIS) {
                LOG.warnf("pushing plan %s took %d ms (%d tasks sent)", plan.id, millis, sent);
            }
        });
    }

    /**
     * What a push pass may do in a plan's current wave: take the devices of its {@code filter}, at most
     * {@code room} of them (its share left); {@code exhausted} is set when the pass found fewer devices
     * than it asked for (none is left for the wave now).
     */
    private record WaveRound(
            int number, WaveFilter filter, int room, java.util.concurrent.atomic.AtomicBoolean exhausted) {

        static final WaveRound NONE =
                new WaveRound(0, WaveFilter.ALL, Integer.MAX_VALUE, new java.util.concurrent.atomic.AtomicBoolean());
    }

    /**
     * One pass over one plan; returns how many tasks it sent, each taken from {@code room}. A plan with waves
     * pushes only in its current wave, while it runs, and its gates are decided after the push (also outside
     * the push windows: results come in then too).
     */
    private Uni<Integer> push(Plan plan, AtomicInteger room) {
        PlanDefinition d = plan.definition();
        boolean waved = !d.waves().isEmpty() && plan.mode == PlanMode.SILENT;
        boolean open = PushTime.allows(d.timeZone(), d.startAt(), d.endAt(), d.pushWindows(), clock.now());
        // outside its period and windows a plan without waves has nothing to do (one with waves has its gates)
        if (!waved && !open) {
            return Uni.createFrom().item(0);
        }
        // only a DYNAMIC target is followed: no transaction at all for the other plans of every pass
        boolean dynamic = d.targeted() && d.membership() == org.otaplatform.plan.plan.PlanRequest.Membership.DYNAMIC;
        Uni<Long> followed = dynamic
                ? Panache.withTransaction(() ->
                        targets.refresh(plan, d, config.dynamicTargetRefresh().toSeconds()))
                : Uni.createFrom().item(-1L);
        return followed.flatMap(members -> Panache.withSession(() -> PlanPackages.of(plan, firmware)))
                .flatMap(found -> {
                    if (found.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    if (!waved) {
                        return push(plan, d, found.get(), room, WaveRound.NONE);
                    }
                    return waves.current(plan, d)
                            .flatMap(current -> waves.targeted(
                                            plan, d, current.wave(), found.get().target())
                                    .flatMap(targeted -> waves.figures(plan.id, current.number())
                                            .flatMap(before -> {
                                                WaveRound round = new WaveRound(
                                                        current.number(),
                                                        WaveFilter.of(plan.id, d.waves(), current.number()),
                                                        current.state() == Waves.State.RUNNING
                                                                ? Waves.room(current.wave(), targeted, before)
                                                                : 0,
                                                        new java.util.concurrent.atomic.AtomicBoolean());
                                                return (open
                                                                ? push(plan, d, found.get(), room, round)
                                                                : Uni.createFrom()
                                                                        .item(0))
                                                        .call(sent -> exhausted(plan, d, found.get(), round)
                                                                .flatMap(exhausted -> waves.figures(
                                                                                plan.id, current.number())
                                                                        .flatMap(after -> waves.decide(
                                                                                plan, current, after, targeted,
                                                                                exhausted))));
                                            })));
                });
    }

    /**
     * Whether the wave has no device left for now: the pass found fewer than it asked for, and none of the
     * wave's devices is merely held back by its gateway (busy with the other kind of upgrade, or below the
     * packages' minimum version): such a wave waits for them instead of closing without them.
     */
    private Uni<Boolean> exhausted(Plan plan, PlanDefinition d, PlanPackages fw, WaveRound round) {
        return round.exhausted().get()
                ? selection.heldBack(plan, d, fw, round.filter()).map(held -> !held)
                : Uni.createFrom().item(false);
    }

    /**
     * The push itself, with the plan's packages looked up once; the caller has found the plan inside its
     * period and push windows.
     */
    private Uni<Integer> push(Plan plan, PlanDefinition d, PlanPackages fw, AtomicInteger room, WaveRound wave) {
        Instant now = clock.now();
        if (plan.mode == PlanMode.MANUAL) {
            return promotePending(plan, d, fw, now, room).flatMap(promoted -> offer(plan, d, fw, now));
        }
        // PENDING tasks (answered requests, confirmations) go out in any plan; new ones in silent plans that push
        boolean pushesNew = d.pushActively() && wave.room() > 0;
        return promotePending(plan, d, fw, now, room)
                .flatMap(promoted -> pushesNew
                        ? selection
                                .budget(plan, d)
                                .flatMap(rate -> selection.ramp(plan).map(ramp -> Math.min(rate, ramp)))
                                .map(budget -> Math.min(budget, wave.room()))
                        : Uni.createFrom().item(0))
                .flatMap(budget -> pushNew(plan, d, fw, now, budget, room, wave, 0));
    }

    /**
     * New tasks for the plan's next eligible devices, in rounds of up to {@link #BATCH} while rounds come
     * back full and the budget and the room last; how many were sent, each taken from {@code room}.
     */
    private Uni<Integer> pushNew(
            Plan plan,
            PlanDefinition d,
            PlanPackages fw,
            Instant now,
            int budget,
            AtomicInteger room,
            WaveRound wave,
            int round) {
        int limit = Math.min(Math.min(budget, room.get()), BATCH);
        if (limit <= 0) {
            return Uni.createFrom().item(0);
        }
        return selection
                .candidates(plan, d, fw, limit, d.maxConcurrentPerGateway(), wave.filter())
                .invoke(chosen -> wave.exhausted().set(chosen.size() < limit))
                .flatMap(chosen ->
                        chosen.isEmpty() ? Uni.createFrom().item(0) : create(plan, d, fw, chosen, now, wave.number()))
                .invoke(sent -> room.addAndGet(-sent))
                .flatMap(sent -> sent == limit && round + 1 < ROUNDS
                        ? pushNew(plan, d, fw, now, budget - sent, room, wave, round + 1)
                                .map(more -> sent + more)
                        : Uni.createFrom().item(sent));
    }

    /** Manual plans: every eligible device gets an offer (AWAITING_CONFIRMATION) its end user can confirm. */
    private Uni<Integer> offer(Plan plan, PlanDefinition d, PlanPackages fw, Instant now) {
        return selection
                .candidates(plan, d, fw, BATCH, Integer.MAX_VALUE, WaveFilter.ALL)
                .flatMap(list -> list.isEmpty()
                        ? Uni.createFrom().item(0)
                        : Panache.withTransaction(() -> Multi.createFrom()
                                .iterable(list)
                                .onItem()
                                .transformToUniAndConcatenate(c -> tasks.insert(
                                                UUID.randomUUID(),
                                                plan.id,
                                                c.productKey(),
                                                c.deviceKey(),
                                                c.gatewayId(),
                                                c.attempts() + 1,
                                                TaskState.AWAITING_CONFIRMATION,
                                                c.version(),
                                                fw.target(),
                                                null,
                                                null,
                                                d.ackTimeoutSeconds(),
                                                // manual plans have no waves
                                                null)
                                        .map(inserted -> inserted ? 1 : 0))
                                .collect()
                                .with(java.util.stream.Collectors.summingInt(Integer::intValue))));
    }

    /** Sends the plan's PENDING tasks (requests, confirmations) whose gateways have room again. */
    private Uni<Integer> promotePending(Plan plan, PlanDefinition d, PlanPackages fw, Instant now, AtomicInteger room) {
        if (room.get() <= 0) {
            return Uni.createFrom().item(0);
        }
        return pool.preparedQuery("SELECT id, gateway_id, product_key, device_key, from_version, gateway_firmware"
                        + " FROM upgrade_task"
                        + " WHERE plan_id = $1 AND state = " + TaskState.PENDING.sql()
                        + " AND (not_before IS NULL OR not_before <= $2)"
                        + " AND (not_after IS NULL OR not_after > $2)"
                        // behind a gateway below the packages' minimum, a task waits (PushSelection's rule)
                        + " AND ($3::bytea IS NULL OR EXISTS (SELECT 1 FROM gateway_view g JOIN product_view pv"
                        + "   ON pv.product_key = g.product_key AND pv.version_scheme = 'SEMVER'"
                        + "   WHERE g.gateway_id = upgrade_task.gateway_id AND g.version_key >= $3::bytea))"
                        // a sub-device its online gateway reports offline waits (a confirmed offer would spend the
                        // gateway's room on a device that cannot take it); a gateway's own upgrade does not
                        + " AND (gateway_firmware OR NOT EXISTS (SELECT 1 FROM device_view d JOIN gateway_view g"
                        + "   ON g.gateway_id = d.gateway_id WHERE d.product_key = upgrade_task.product_key"
                        + "   AND d.device_key = upgrade_task.device_key AND NOT d.online AND g.online))"
                        + " ORDER BY created_at, id LIMIT 1000")
                .execute(Tuple.of(
                        plan.id,
                        now.atOffset(ZoneOffset.UTC),
                        fw.minGatewayKey() == null ? null : Buffer.buffer(fw.minGatewayKey())))
                .flatMap(rows -> {
                    List<Candidate> pending = new ArrayList<>();
                    List<UUID> ids = new ArrayList<>();
                    rows.forEach(r -> {
                        // a task whose package is gone (deleted since) waits for the plan's end
                        if (fw.forVersion(r.getString(4)) != null) {
                            ids.add(r.getUUID(0));
                            pending.add(new Candidate(
                                    r.getString(2),
                                    r.getString(3),
                                    r.getString(1),
                                    r.getString(4),
                                    0,
                                    r.getBoolean(5)));
                        }
                    });
                    if (pending.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    return selection.inFlight(pending).flatMap(busy -> {
                        List<Candidate> chosen =
                                PushSelection.pick(pending, busy, d.maxConcurrentPerGateway(), room.get());
                        Instant deadline = now.plusSeconds(d.taskTimeoutSeconds());
                        return Panache.withTransaction(() -> Multi.createFrom()
                                .iterable(chosen)
                                .onItem()
                                .transformToUniAndConcatenate(c -> {
                                    UUID id = ids.get(pending.indexOf(c));
                                    return tasks.notifyPending(
                                                    id, now, now.plusSeconds(d.ackTimeoutSeconds()), deadline)
                                            .flatMap(moved -> !moved
                                                    ? Uni.createFrom().item(0)
                                                    : outbox.add(
                                                                    InternalTopics.GATEWAY_COMMANDS,
                                                                    PushCommands.message(
                                                                            plan,
                                                                            d,
                                                                            fw.forVersion(c.version()),
                                                                            id,
                                                                            c.gatewayId(),
                                                                            c.productKey(),
                                                                            c.deviceKey(),
                                                                            c.version(),
                                                                            c.gateway(),
                                                                            deadline,
                                                                            clock.millis()))
                                                            .replaceWith(1));
                                })
                                .collect()
                                .with(java.util.stream.Collectors.summingInt(Integer::intValue)));
                    });
                })
                .invoke(sent -> room.addAndGet(-sent));
    }

    /**
     * One transaction for the whole round: the tasks (a device that got an open task meanwhile, from
     * another replica or a request, is skipped by the unique index), their first history entry, and
     * the upgrade command of each task that was created, all in one statement.
     */
    private Uni<Integer> create(
            Plan plan, PlanDefinition d, PlanPackages fw, List<Candidate> chosen, Instant now, int wave) {
        Instant ackDeadline = now.plusSeconds(d.ackTimeoutSeconds());
        Instant deadline = now.plusSeconds(d.taskTimeoutSeconds());
        int n = chosen.size();
        UUID[] ids = new UUID[n];
        String[] devices = new String[n];
        String[] gateways = new String[n];
        String[] fromVersions = new String[n];
        Integer[] attempts = new Integer[n];
        Boolean[] own = new Boolean[n];
        UUID[] messageIds = new UUID[n];
        Buffer[] payloads = new Buffer[n];
        long millis = clock.millis();
        for (int i = 0; i < n; i++) {
            Candidate c = chosen.get(i);
            ids[i] = UUID.randomUUID();
            devices[i] = c.deviceKey();
            gateways[i] = c.gatewayId();
            fromVersions[i] = c.version();
            attempts[i] = c.attempts() + 1;
            own[i] = c.gateway();
            // the delta from the device's version, else the full package (candidates are of versions one fits)
            var message = PushCommands.message(
                    plan,
                    d,
                    fw.forVersion(c.version()),
                    ids[i],
                    c.gatewayId(),
                    c.productKey(),
                    c.deviceKey(),
                    c.version(),
                    c.gateway(),
                    deadline,
                    millis);
            messageIds[i] = UUID.fromString(message.id());
            payloads[i] = Buffer.buffer(message.encode());
        }
        String sql = "WITH input AS (SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[],"
                + "   $6::uuid[], $7::bytea[], $17::bool[])"
                + "   AS i (id, device_key, gateway_id, from_version, attempt, message_id, payload, gateway_firmware)),"
                + " created AS (INSERT INTO upgrade_task (id, plan_id, product_key, device_key, gateway_id, attempt, state,"
                + "   from_version, to_version, ack_deadline, deadline, notified_at, ack_timeout_seconds, wave,"
                + "   gateway_firmware)"
                + "   SELECT id, $8, $9, device_key, gateway_id, attempt, " + TaskState.NOTIFIED.sql()
                + ", from_version, $10, $11, $12, $15, $13, NULLIF($16, 0), gateway_firmware"
                + "   FROM input ORDER BY gateway_id, device_key ON CONFLICT DO NOTHING RETURNING id),"
                + " history AS (INSERT INTO task_event (task_id, state) SELECT id, " + TaskState.NOTIFIED.sql()
                + " FROM created)"
                + " "
                + Outbox.insertReturningIds("SELECT i.message_id, $14, i.payload FROM input i"
                        + " JOIN created c ON c.id = i.id ORDER BY i.gateway_id, i.device_key");
        Tuple params = Tuple.tuple()
                .addArrayOfUUID(ids)
                .addArrayOfString(devices)
                .addArrayOfString(gateways)
                .addArrayOfString(fromVersions)
                .addArrayOfInteger(attempts)
                .addArrayOfUUID(messageIds)
                .addValue(payloads)
                .addUUID(plan.id)
                .addString(plan.productKey)
                .addString(fw.target())
                .addOffsetDateTime(ackDeadline.atOffset(ZoneOffset.UTC))
                .addOffsetDateTime(deadline.atOffset(ZoneOffset.UTC))
                .addInteger(d.ackTimeoutSeconds())
                .addString(InternalTopics.GATEWAY_COMMANDS)
                .addOffsetDateTime(now.atOffset(ZoneOffset.UTC))
                .addInteger(wave)
                .addArrayOfBoolean(own);
        return pool.withTransaction(c -> c.preparedQuery(sql).execute(params)).map(rows -> {
            List<UUID> messages = new ArrayList<>();
            rows.forEach(r -> messages.add(r.getUUID(0)));
            outbox.committedElsewhere(messages);
            return messages.size();
        });
    }
}
