package org.otaplatform.plan.plan;

import io.smallrye.mutiny.Uni;
import java.util.UUID;

/**
 * What a plan's life cycle does to its tasks, applied in the caller's transaction. Implemented where the
 * tasks are (the task package depends on this one, not the reverse).
 */
public interface PlanTasks {

    /** Cancels the plan's tasks a gateway has not accepted yet; accepted ones run on. */
    Uni<Void> cancelNotAccepted(UUID planId, String reason);
}
