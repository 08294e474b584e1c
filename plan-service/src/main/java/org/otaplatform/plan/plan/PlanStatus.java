package org.otaplatform.plan.plan;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life cycle of a plan: DRAFT → ACTIVE ⇄ SUSPENDED; ACTIVE | SUSPENDED → TERMINATED (an operator)
 * or FINISHED (at endAt, or nothing left to upgrade). The transitions are this one table.
 */
public enum PlanStatus {
    DRAFT,
    ACTIVE,
    SUSPENDED,
    TERMINATED,
    FINISHED;

    /** The statuses this one may move to. */
    public Set<PlanStatus> next() {
        return switch (this) {
            case DRAFT -> EnumSet.of(ACTIVE);
            case ACTIVE -> EnumSet.of(SUSPENDED, TERMINATED, FINISHED);
            case SUSPENDED -> EnumSet.of(ACTIVE, TERMINATED, FINISHED);
            case TERMINATED, FINISHED -> EnumSet.noneOf(PlanStatus.class);
        };
    }

    public boolean canMoveTo(PlanStatus target) {
        return next().contains(target);
    }

    /** Whether tasks of the plan may still be pushed or run. */
    public boolean isFinal() {
        return this == TERMINATED || this == FINISHED;
    }
}
