package org.otaplatform.contract.internal;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Type {@value #TYPE} on {@code ota/internal/v1/plan/events}: a plan changed status. {@code status} is
 * the plan's new status ({@code ACTIVE}, {@code SUSPENDED}, {@code TERMINATED}, {@code FINISHED}, or
 * {@code DELETED}); {@code version} grows with every change of one plan, so a consumer can ignore an
 * event older than one it has applied.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PlanLifecycleEvent(String planId, String firmwareId, String productKey, String status, long version) {

    public static final String TYPE = "plan.lifecycle";

    /** Whether a plan in this status still needs its firmware package. */
    public boolean usesFirmware() {
        return switch (status) {
            case "ACTIVE", "SUSPENDED", "DRAFT" -> true;
            default -> false;
        };
    }
}
