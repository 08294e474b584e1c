package org.otaplatform.plan.schedule;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.jboss.logging.Logger;
import org.otaplatform.common.reactive.InOrder;
import org.otaplatform.common.reactive.RepeatedWarning;
import org.otaplatform.common.reactive.Watchdog;
import org.otaplatform.plan.config.PlanClock;
import org.otaplatform.plan.firmware.FirmwareView;
import org.otaplatform.plan.firmware.FirmwareViews;
import org.otaplatform.plan.plan.Plan;
import org.otaplatform.plan.plan.PlanDefinition;
import org.otaplatform.plan.plan.PlanRepository;
import org.otaplatform.plan.plan.PlanService;
import org.otaplatform.plan.plan.PlanStatus;
import org.otaplatform.plan.task.PlanStats;

/**
 * Finishes plans: at {@code endAt} in the plan's time zone, or when no task is open and no targeted device is
 * left to upgrade (each runs the target version, has used up its attempts under the plan, or runs a higher
 * version the plan may not downgrade). Finishing
 * cancels the tasks no gateway accepted.
 */
@ApplicationScoped
public class PlanFinisher {

    private static final Logger LOG = Logger.getLogger(PlanFinisher.class);
    private final RepeatedWarning passFailed = new RepeatedWarning(LOG, "the finishing pass");

    private final PlanRepository plans;
    private final PlanService service;
    private final PlanStats stats;
    private final FirmwareViews firmware;
    private final PlanClock clock;

    PlanFinisher(PlanRepository plans, PlanService service, PlanStats stats, FirmwareViews firmware, PlanClock clock) {
        this.clock = clock;
        this.plans = plans;
        this.service = service;
        this.stats = stats;
        this.firmware = firmware;
    }

    @Scheduled(every = "${ota.plan.finisher.interval:2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> finishWhatIsDone() {
        return Panache.withSession(() -> plans.list(
                        "status in ?1 and verificationRun is null", List.of(PlanStatus.ACTIVE, PlanStatus.SUSPENDED)))
                .flatMap(open -> InOrder.each(open, this::check))
                .replaceWithVoid()
                .plug(Watchdog.limit("the finishing pass"))
                .onFailure()
                .invoke(passFailed::failed)
                .onFailure()
                .recoverWithNull();
    }

    private Uni<Void> check(Plan plan) {
        PlanDefinition d = plan.definition();
        if (PushTime.ended(d.timeZone(), d.endAt(), clock.now())) {
            return finish(plan, "the plan reached its end " + d.endAt() + " (" + d.timeZone() + ")");
        }
        // an open task keeps the plan going whatever the counts: asked first, as it is the cheap question
        return stats.anyOpen(plan.id)
                .flatMap(open -> open
                        ? Uni.createFrom().voidItem()
                        : Panache.withSession(() -> firmware.find(plan.firmwareId))
                                .flatMap(fw ->
                                        fw.isEmpty() ? Uni.createFrom().voidItem() : finishIfDone(plan, d, fw.get())));
    }

    /**
     * Finishes the plan when no targeted device is left to upgrade (the REST contract's words): each runs the
     * target or has no attempt left under this plan (docs/state-machines.md, "When a plan finishes").
     */
    private Uni<Void> finishIfDone(Plan plan, PlanDefinition d, FirmwareView fw) {
        String[] sources = d.sourceVersions().toArray(new String[0]);
        String[] whitelist = d.whitelist().toArray(new String[0]);
        String[] blacklist = d.blacklist().toArray(new String[0]);
        return stats.of(plan.id, plan.productKey, fw.version(), sources, whitelist, blacklist)
                .flatMap(s -> {
                    if (s.targeted() == 0 || s.inProgress() + s.pending() + s.awaitingConfirmation() > 0) {
                        return Uni.createFrom().voidItem();
                    }
                    if (s.upToDate() == s.targeted()) {
                        return finish(plan, "every targeted device runs the target version");
                    }
                    return stats.withoutAttemptsLeft(
                                    plan.id,
                                    plan.productKey,
                                    fw.version(),
                                    sources,
                                    whitelist,
                                    blacklist,
                                    d.retry().maxAttempts())
                            .flatMap(usedUp -> stats.downgradesRefused(
                                            plan.id,
                                            plan.productKey,
                                            fw.version(),
                                            d.allowDowngrade(),
                                            sources,
                                            whitelist,
                                            blacklist)
                                    .flatMap(refused -> stats.incompatible(
                                                    plan.id,
                                                    plan.productKey,
                                                    fw.version(),
                                                    fw.namesHardware()
                                                            ? fw.hardwareRevisions()
                                                                    .toArray(String[]::new)
                                                            : null,
                                                    "ALLOW".equals(fw.unknownHardware()),
                                                    d.allowDowngrade(),
                                                    sources,
                                                    whitelist,
                                                    blacklist)
                                            .flatMap(unfit -> stats.onHold(
                                                            plan.id,
                                                            plan.productKey,
                                                            fw.version(),
                                                            fw.namesHardware()
                                                                    ? fw.hardwareRevisions()
                                                                            .toArray(String[]::new)
                                                                    : null,
                                                            "ALLOW".equals(fw.unknownHardware()),
                                                            d.allowDowngrade(),
                                                            sources,
                                                            whitelist,
                                                            blacklist)
                                                    .flatMap(held -> s.upToDate() + usedUp + refused + unfit + held
                                                                    >= s.targeted()
                                                            ? finish(
                                                                    plan,
                                                                    "no targeted device is left to upgrade: "
                                                                            + s.upToDate() + " run the target version, "
                                                                            + usedUp + " have no attempt left, "
                                                                            + refused
                                                                            + " run a higher version (downgrades refused), "
                                                                            + unfit
                                                                            + " have hardware the package does not fit, "
                                                                            + held + " are on hold")
                                                            : Uni.createFrom().voidItem()))));
                });
    }

    private Uni<Void> finish(Plan stale, String reason) {
        return Panache.withTransaction(() -> plans.findById(stale.id)
                .flatMap(plan -> plan == null || !plan.status.canMoveTo(PlanStatus.FINISHED)
                        ? Uni.createFrom().voidItem()
                        : service.move(plan, PlanStatus.FINISHED, reason).replaceWithVoid()));
    }
}
