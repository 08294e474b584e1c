package org.otaplatform.plan.task;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.otaplatform.common.error.ApiException;
import org.otaplatform.common.error.ErrorCode;
import org.otaplatform.plan.firmware.FirmwareViews;
import org.otaplatform.plan.plan.PlanDefinition;
import org.otaplatform.plan.plan.PlanRepository;
import org.otaplatform.plan.plan.PlanStatus;

/**
 * An operator's retry for one device: a new PENDING attempt, sent when its gateway has room (an offline
 * gateway gets it after its next hello), while the plan is ACTIVE, the device's last task failed or
 * timed out, and the device still runs a source version.
 */
@ApplicationScoped
public class Retries {

    private final PlanRepository plans;
    private final FirmwareViews firmware;
    private final TaskStore tasks;

    private final org.otaplatform.common.audit.AuditLog audit;

    Retries(
            PlanRepository plans,
            FirmwareViews firmware,
            TaskStore tasks,
            org.otaplatform.common.audit.AuditLog audit) {
        this.audit = audit;
        this.plans = plans;
        this.firmware = firmware;
        this.tasks = tasks;
    }

    public Uni<UUID> retry(UUID planId, String productKey, String deviceKey) {
        return Panache.withTransaction(() -> plans.findById(planId).flatMap(plan -> {
            if (plan == null) {
                return Uni.createFrom().failure(ApiException.notFound("plan", planId));
            }
            if (plan.status != PlanStatus.ACTIVE) {
                return conflict("plan " + planId + " is " + plan.status + ", not ACTIVE");
            }
            return last(planId, productKey, deviceKey).flatMap(last -> {
                if (last == null || !("FAILED".equals(last[1]) || "TIMED_OUT".equals(last[1]))) {
                    return conflict("the last task of " + productKey + "/" + deviceKey
                            + " under this plan did not fail or time out");
                }
                return org.otaplatform.plan.plan.PlanPackages.of(plan, firmware)
                        .flatMap(fw -> version(productKey, deviceKey).flatMap(device -> {
                            PlanDefinition d = plan.definition();
                            String target = fw.map(p -> p.target()).orElse("");
                            if (device == null || device[1] == null || device[0] == null) {
                                return conflict("device " + productKey + "/" + deviceKey
                                        + " is not bound to a gateway (or its version is not known yet)");
                            }
                            String version = (String) device[0];
                            boolean source = d.sourceVersions().isEmpty()
                                    ? !version.equals(target)
                                    : d.sourceVersions().contains(version);
                            if (!source) {
                                return conflict("device " + productKey + "/" + deviceKey + " runs " + version
                                        + ", not a source version");
                            }
                            if (fw.isEmpty() || fw.get().forVersion(version) == null) {
                                return conflict("no package of the plan upgrades " + version + " (device " + productKey
                                        + "/" + deviceKey + ")");
                            }
                            UUID id = UUID.randomUUID();
                            int attempt = ((Number) last[0]).intValue() + 1;
                            return tasks.insert(
                                            id,
                                            planId,
                                            productKey,
                                            deviceKey,
                                            (String) device[1],
                                            attempt,
                                            TaskState.PENDING,
                                            version,
                                            target,
                                            null,
                                            null,
                                            d.ackTimeoutSeconds(),
                                            // the retry stays in the wave of the attempt it repeats
                                            ((Number) last[2]).intValue())
                                    .flatMap(inserted -> inserted
                                            ? audit.record(
                                                            "plan.retry",
                                                            "plan/" + planId + "/device/" + productKey + "/"
                                                                    + deviceKey,
                                                            null,
                                                            java.util.Map.of("taskId", id, "attempt", attempt))
                                                    .replaceWith(id)
                                            : conflict("device " + productKey + "/" + deviceKey
                                                    + " has an open task already"));
                        }));
            });
        }));
    }

    private Uni<Object[]> last(UUID planId, String productKey, String deviceKey) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "SELECT attempt, state, coalesce(wave, 0) FROM upgrade_task WHERE plan_id = ?1 AND product_key = ?2"
                                        + " AND device_key = ?3 ORDER BY attempt DESC, created_at DESC LIMIT 1")
                        .setParameter(1, planId)
                        .setParameter(2, productKey)
                        .setParameter(3, deviceKey)
                        .getResultList())
                .map(rows -> rows.isEmpty() ? null : (Object[]) rows.get(0));
    }

    private Uni<Object[]> version(String productKey, String deviceKey) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "SELECT version, gateway_id FROM device_view WHERE product_key = ?1 AND device_key = ?2")
                        .setParameter(1, productKey)
                        .setParameter(2, deviceKey)
                        .getResultList())
                .map(rows -> rows.isEmpty() ? null : (Object[]) rows.get(0));
    }

    private static <T> Uni<T> conflict(String detail) {
        return Uni.createFrom().failure(new ApiException(ErrorCode.CONFLICT, detail));
    }
}
