package org.otaplatform.contract.internal;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Type {@value #TYPE} on {@code ota/internal/v1/plan/events}: a plan changed status. {@code status} is
 * the plan's new status ({@code ACTIVE}, {@code SUSPENDED}, {@code TERMINATED}, {@code FINISHED}, or
 * {@code DELETED}); {@code version} grows with every change of one plan, so a consumer can ignore an
 * event older than one it has applied. {@code firmwareId} is the plan's main package; {@code firmwareIds}
 * every package it uses (a full one and deltas by source version), null from a publisher before them.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PlanLifecycleEvent(
        String planId,
        String firmwareId,
        String productKey,
        String status,
        long version,
        java.util.List<String> firmwareIds) {

    public static final String TYPE = "plan.lifecycle";

    public PlanLifecycleEvent(String planId, String firmwareId, String productKey, String status, long version) {
        this(planId, firmwareId, productKey, status, version, null);
    }

    /** Every package the plan uses: {@code firmwareIds}, or the one {@code firmwareId} of an older publisher. */
    public java.util.List<String> packages() {
        return firmwareIds == null || firmwareIds.isEmpty() ? java.util.List.of(firmwareId) : firmwareIds;
    }

    /** Whether a plan in this status still needs its firmware package. */
    public boolean usesFirmware() {
        return switch (status) {
            case "ACTIVE", "SUSPENDED", "DRAFT" -> true;
            default -> false;
        };
    }
}
