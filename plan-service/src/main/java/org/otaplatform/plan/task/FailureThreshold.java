package org.otaplatform.plan.task;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.otaplatform.plan.plan.PlanDefinition;
import org.otaplatform.plan.plan.PlanRepository;
import org.otaplatform.plan.plan.PlanService;
import org.otaplatform.plan.plan.PlanStatus;

/**
 * Suspends a plan whose firmware fails too often: failed / (failed + succeeded) above the plan's
 * threshold once it has enough results. Only failures the package can cause count (INSTALL_FAILED,
 * VERSION_MISMATCH, SIGNATURE_INVALID, ROLLED_BACK: the device booted its old firmware again); transport and device-condition failures (DOWNLOAD_FAILED,
 * DEVICE_UNREACHABLE, TIMED_OUT, LOW_BATTERY, BUSY, CHECKSUM_MISMATCH, OTHER) are retried instead.
 */
@ApplicationScoped
public class FailureThreshold {

    public static final String FIRMWARE_FAILURES =
            "('INSTALL_FAILED', 'VERSION_MISMATCH', 'SIGNATURE_INVALID', 'ROLLED_BACK')";

    private final PlanRepository plans;
    private final PlanService service;

    private final org.otaplatform.plan.webhook.Webhooks webhooks;

    FailureThreshold(PlanRepository plans, PlanService service, org.otaplatform.plan.webhook.Webhooks webhooks) {
        this.webhooks = webhooks;
        this.plans = plans;
        this.service = service;
    }

    /** Checks the plan after a result, in the caller's transaction. */
    public Uni<Void> check(UUID planId) {
        return plans.findById(planId).flatMap(plan -> {
            if (plan == null || plan.status != PlanStatus.ACTIVE) {
                return Uni.createFrom().voidItem();
            }
            PlanDefinition d = plan.definition();
            if (d.failureThresholdPercent() == null) {
                return Uni.createFrom().voidItem();
            }
            return Panache.getSession()
                    .flatMap(s -> s.createNativeQuery(
                                    "SELECT count(*) FILTER (WHERE state = " + TaskState.SUCCEEDED.sql() + "),"
                                            + " count(*) FILTER (WHERE state = " + TaskState.FAILED.sql()
                                            + " AND error_code IN " + FIRMWARE_FAILURES
                                            + ")"
                                            + " FROM upgrade_task WHERE plan_id = ?1")
                            .setParameter(1, planId)
                            .getSingleResult())
                    .flatMap(row -> {
                        Object[] r = (Object[]) row;
                        long succeeded = ((Number) r[0]).longValue();
                        long failed = ((Number) r[1]).longValue();
                        long samples = succeeded + failed;
                        if (samples < d.failureThresholdMinSamples()
                                || failed * 100 <= (long) d.failureThresholdPercent() * samples) {
                            return Uni.createFrom().voidItem();
                        }
                        String reason = String.format(
                                java.util.Locale.ROOT,
                                "failure threshold passed: %d of %d results failed (%.1f %% > %d %%)",
                                failed,
                                samples,
                                failed * 100.0 / samples,
                                d.failureThresholdPercent());
                        java.util.Map<String, Object> data = new java.util.LinkedHashMap<>();
                        data.put("planId", plan.id);
                        data.put("planName", plan.name);
                        data.put("failed", failed);
                        data.put("results", samples);
                        data.put("failurePercent", failed * 100.0 / samples);
                        data.put("thresholdPercent", d.failureThresholdPercent());
                        data.put("reason", reason);
                        return webhooks.emit("plan.failure_threshold_tripped", data)
                                .flatMap(v -> service.move(plan, PlanStatus.SUSPENDED, reason))
                                .replaceWithVoid();
                    });
        });
    }
}
