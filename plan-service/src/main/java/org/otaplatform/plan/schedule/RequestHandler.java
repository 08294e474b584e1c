package org.otaplatform.plan.schedule;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.otaplatform.common.messaging.Outbox;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.internal.GatewayCommand;
import org.otaplatform.contract.internal.GatewayUplink;
import org.otaplatform.contract.internal.InternalMessage;
import org.otaplatform.contract.version.VersionScheme;
import org.otaplatform.contract.wire.ReplyResult;
import org.otaplatform.plan.config.PlanClock;
import org.otaplatform.plan.device.Compatibility;
import org.otaplatform.plan.device.Downgrades;
import org.otaplatform.plan.device.Holds;
import org.otaplatform.plan.firmware.FirmwareViews;
import org.otaplatform.plan.plan.Plan;
import org.otaplatform.plan.plan.PlanDefinition;
import org.otaplatform.plan.plan.PlanMode;
import org.otaplatform.plan.plan.PlanPackages;
import org.otaplatform.plan.plan.PlanRepository;
import org.otaplatform.plan.plan.PlanStatus;
import org.otaplatform.plan.task.TaskState;
import org.otaplatform.plan.task.TaskStore;

/**
 * A sub-device asks for an upgrade: the oldest active silent plan it is eligible for gives it a task
 * (PENDING: the push pass sends it within a second, under the gateway's concurrency and the global cap)
 * and the answer is UPGRADE with the taskId; a device with an open task is told about that one, unless it is a
 * manual offer still awaiting the application's confirmation; anything else gets NO_UPGRADE. The reply and the
 * task commit together. In the caller's transaction.
 */
@ApplicationScoped
public class RequestHandler {

    private static final String SOURCE = "plan-service";

    private final PlanRepository plans;
    private final FirmwareViews firmware;
    private final TaskStore tasks;
    private final Outbox outbox;
    private final PlanClock clock;
    private final org.otaplatform.plan.wave.Waves waves;

    RequestHandler(
            PlanRepository plans,
            FirmwareViews firmware,
            TaskStore tasks,
            Outbox outbox,
            PlanClock clock,
            org.otaplatform.plan.wave.Waves waves) {
        this.waves = waves;
        this.clock = clock;
        this.plans = plans;
        this.firmware = firmware;
        this.tasks = tasks;
        this.outbox = outbox;
    }

    public Uni<Void> handle(GatewayUplink.Request request) {
        return tasks.openTask(request.productKey(), request.deviceKey()).flatMap(open -> {
            if (open.isPresent()) {
                // an offer the application has not confirmed is no upgrade yet: the gateway would wait for an
                // upgrade that may never come (it is sent once the end user confirms)
                return open.get().state() == TaskState.AWAITING_CONFIRMATION
                        ? reply(request, ReplyResult.NO_UPGRADE, null)
                        : reply(request, ReplyResult.UPGRADE, open.get().id().toString());
            }
            return plans.list(
                            "status = ?1 and productKey = ?2 and mode = ?3 order by createdAt",
                            PlanStatus.ACTIVE,
                            request.productKey(),
                            PlanMode.SILENT)
                    .flatMap(active -> firstEligible(active, 0, request));
        });
    }

    private Uni<Void> firstEligible(List<Plan> active, int index, GatewayUplink.Request request) {
        if (index >= active.size()) {
            return reply(request, ReplyResult.NO_UPGRADE, null);
        }
        Plan plan = active.get(index);
        PlanDefinition d = plan.definition();
        Instant now = clock.now();
        return PlanPackages.of(plan, firmware).flatMap(found -> {
            if (found.isEmpty() || !eligible(d, found.get(), request, now)) {
                return firstEligible(active, index + 1, request);
            }
            return downgrade(plan, d, found.get(), request)
                    .flatMap(refused -> refused ? Uni.createFrom().item(false) : fits(found.get(), request))
                    .flatMap(fits -> fits ? notHeld(request) : Uni.createFrom().item(false))
                    .flatMap(fits ->
                            fits ? member(plan, d, request) : Uni.createFrom().item(false))
                    .flatMap(fits -> !fits
                            ? firstEligible(active, index + 1, request)
                            : fromHistory(active, index, request, plan, d, found.get()));
        });
    }

    /**
     * Whether the plan's package would take the device below its version under a {@code SEMVER} product, in a
     * plan that does not allow downgrades ({@link Downgrades}).
     */
    private static Uni<Boolean> downgrade(Plan plan, PlanDefinition d, PlanPackages fw, GatewayUplink.Request r) {
        if (d.allowDowngrade()) {
            return Uni.createFrom().item(false);
        }
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("SELECT version_scheme FROM product_view WHERE product_key = ?1")
                        .setParameter(1, plan.productKey)
                        .getResultList())
                .map(rows -> !rows.isEmpty()
                        && Downgrades.refused(
                                VersionScheme.orDefault((String) rows.get(0)), false, r.version(), fw.target()));
    }

    /** Whether the plan's packages fit the device's hardware revision, as the registry knows it. */
    private static Uni<Boolean> fits(PlanPackages fw, GatewayUplink.Request r) {
        String[] revisions = fw.hardwareRevisions();
        if (revisions == null) {
            return Uni.createFrom().item(true);
        }
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("SELECT hardware_revision FROM device_attributes_view"
                                + " WHERE product_key = ?1 AND device_key = ?2")
                        .setParameter(1, r.productKey())
                        .setParameter(2, r.deviceKey())
                        .getResultList())
                .map(rows -> Compatibility.fits(
                        revisions, fw.allowsUnknownHardware(), rows.isEmpty() ? null : (String) rows.get(0)));
    }

    /** Whether the plan may touch the device: it has no target, or the device is one of its members. */
    private static Uni<Boolean> member(Plan plan, PlanDefinition d, GatewayUplink.Request r) {
        if (!d.targeted()) {
            return Uni.createFrom().item(true);
        }
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "SELECT count(*) FROM plan_member WHERE plan_id = ?1 AND device_key = ?2")
                        .setParameter(1, plan.id)
                        .setParameter(2, r.deviceKey())
                        .getSingleResult())
                .map(n -> ((Number) n).longValue() > 0);
    }

    /** Whether neither the device nor its gateway is on hold ({@link Holds}). */
    private static Uni<Boolean> notHeld(GatewayUplink.Request r) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("SELECT count(*) FROM device_attributes_view h"
                                + " WHERE h.hold_reason IS NOT NULL AND ((h.product_key = ?1 AND h.device_key = ?2)"
                                + " OR (h.device_key = ?3 AND h.product_key = (SELECT product_key FROM gateway_view"
                                + " WHERE gateway_id = ?3)))")
                        .setParameter(1, r.productKey())
                        .setParameter(2, r.deviceKey())
                        .setParameter(3, r.gatewayId())
                        .getSingleResult())
                .map(n -> ((Number) n).longValue() == 0);
    }

    private Uni<Void> fromHistory(
            List<Plan> active,
            int index,
            GatewayUplink.Request request,
            Plan plan,
            PlanDefinition d,
            PlanPackages found) {
        return tasks.history(plan.id, request.productKey(), request.deviceKey(), d)
                .flatMap(history -> !history.mayStart()
                        ? firstEligible(active, index + 1, request)
                        : wave(plan, d, found, request)
                                .flatMap(wave -> wave == null
                                        ? firstEligible(active, index + 1, request)
                                        : start(
                                                plan,
                                                d,
                                                found,
                                                request,
                                                history.attempts() + 1,
                                                wave == 0 ? null : wave)));
    }

    /**
     * The wave the device joins: 0 in a plan without waves; in a plan with waves its current wave when that
     * runs, takes the device and has room, else null (no upgrade now).
     */
    private Uni<Integer> wave(Plan plan, PlanDefinition d, PlanPackages fw, GatewayUplink.Request r) {
        return d.waves().isEmpty()
                ? Uni.createFrom().item(0)
                : waves.admits(plan, d, fw.target(), r.deviceKey(), r.gatewayId());
    }

    /** Whether the plan takes the device: on a source version one of its packages fits, listed, in time. */
    private static boolean eligible(PlanDefinition d, PlanPackages fw, GatewayUplink.Request r, Instant now) {
        return !fw.target().equals(r.version())
                && fw.forVersion(r.version()) != null
                && (d.sourceVersions().isEmpty() || d.sourceVersions().contains(r.version()))
                && (d.whitelist().isEmpty() || d.whitelist().contains(r.deviceKey()))
                && !d.blacklist().contains(r.deviceKey())
                && PushTime.allows(d.timeZone(), d.startAt(), d.endAt(), d.pushWindows(), now);
    }

    private Uni<Void> start(
            Plan plan, PlanDefinition d, PlanPackages fw, GatewayUplink.Request r, int attempt, Integer wave) {
        // PENDING: the push pass sends it (within a second) under the same lock, gateway concurrency
        // and global cap as every other task; the reply tells the gateway an upgrade follows
        UUID taskId = UUID.randomUUID();
        return tasks.insert(
                        taskId,
                        plan.id,
                        r.productKey(),
                        r.deviceKey(),
                        r.gatewayId(),
                        attempt,
                        TaskState.PENDING,
                        r.version(),
                        fw.target(),
                        null,
                        null,
                        d.ackTimeoutSeconds(),
                        wave)
                .flatMap(inserted -> inserted
                        ? reply(r, ReplyResult.UPGRADE, taskId.toString())
                        : reply(r, ReplyResult.NO_UPGRADE, null));
    }

    private Uni<Void> reply(GatewayUplink.Request r, ReplyResult result, String taskId) {
        return outbox.add(
                InternalTopics.GATEWAY_COMMANDS,
                InternalMessage.of(
                        GatewayCommand.Reply.TYPE,
                        SOURCE,
                        clock.millis(),
                        new GatewayCommand.Reply(
                                r.gatewayId(), r.msgId(), r.productKey(), r.deviceKey(), result.name(), taskId)));
    }
}
