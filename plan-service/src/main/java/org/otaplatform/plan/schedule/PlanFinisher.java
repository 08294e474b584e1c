package org.otaplatform.plan.schedule;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.List;
import org.jboss.logging.Logger;
import org.otaplatform.common.reactive.InOrder;
import org.otaplatform.common.reactive.RepeatedWarning;
import org.otaplatform.common.reactive.Watchdog;
import org.otaplatform.plan.firmware.FirmwareView;
import org.otaplatform.plan.firmware.FirmwareViews;
import org.otaplatform.plan.plan.Plan;
import org.otaplatform.plan.plan.PlanDefinition;
import org.otaplatform.plan.plan.PlanRepository;
import org.otaplatform.plan.plan.PlanService;
import org.otaplatform.plan.plan.PlanStatus;
import org.otaplatform.plan.task.PlanStats;

/**
 * Finishes plans: at {@code endAt} in the plan's time zone, or when every targeted device runs the
 * target version and no task is open. Finishing cancels the tasks no gateway accepted.
 */
@ApplicationScoped
public class PlanFinisher {

    private static final Logger LOG = Logger.getLogger(PlanFinisher.class);
    private final RepeatedWarning passFailed = new RepeatedWarning(LOG, "the finishing pass");

    private final PlanRepository plans;
    private final PlanService service;
    private final PlanStats stats;
    private final FirmwareViews firmware;
    private final Clock clock = Clock.systemUTC();

    PlanFinisher(PlanRepository plans, PlanService service, PlanStats stats, FirmwareViews firmware) {
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
        if (PushTime.ended(d.timeZone(), d.endAt(), clock.instant())) {
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

    private Uni<Void> finishIfDone(Plan plan, PlanDefinition d, FirmwareView fw) {
        return stats.of(
                        plan.id,
                        plan.productKey,
                        fw.version(),
                        d.sourceVersions().toArray(new String[0]),
                        d.whitelist().toArray(new String[0]),
                        d.blacklist().toArray(new String[0]))
                .flatMap(s -> s.targeted() > 0
                                && s.upToDate() == s.targeted()
                                && s.inProgress() + s.pending() + s.awaitingConfirmation() == 0
                        ? finish(plan, "every targeted device runs the target version")
                        : Uni.createFrom().voidItem());
    }

    private Uni<Void> finish(Plan stale, String reason) {
        return Panache.withTransaction(() -> plans.findById(stale.id)
                .flatMap(plan -> plan == null || !plan.status.canMoveTo(PlanStatus.FINISHED)
                        ? Uni.createFrom().voidItem()
                        : service.move(plan, PlanStatus.FINISHED, reason).replaceWithVoid()));
    }
}
