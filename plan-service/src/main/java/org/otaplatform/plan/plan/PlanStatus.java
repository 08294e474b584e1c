package org.otaplatform.plan.plan;

/** The life cycle of a plan: DRAFT → ACTIVE ⇄ SUSPENDED → TERMINATED | FINISHED. */
public enum PlanStatus {
    DRAFT,
    ACTIVE,
    SUSPENDED,
    TERMINATED,
    FINISHED
}
