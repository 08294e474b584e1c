package org.otaplatform.plan.rest;

import java.time.Instant;
import java.util.UUID;
import org.otaplatform.plan.plan.Plan;
import org.otaplatform.plan.plan.PlanMode;
import org.otaplatform.plan.plan.PlanStatus;

/** A plan as the REST contract shows it. */
public record PlanView(
        UUID id,
        String name,
        String productKey,
        UUID firmwareId,
        PlanMode mode,
        PlanStatus status,
        String suspendedReason,
        Instant createdAt,
        Instant updatedAt) {

    static PlanView of(Plan p) {
        return new PlanView(
                p.id,
                p.name,
                p.productKey,
                p.firmwareId,
                p.mode,
                p.status,
                p.suspendedReason,
                p.createdAt,
                p.updatedAt);
    }
}
