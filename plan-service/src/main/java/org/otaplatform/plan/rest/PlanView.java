package org.otaplatform.plan.rest;

import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.otaplatform.plan.plan.Plan;
import org.otaplatform.plan.plan.PlanDefinition;
import org.otaplatform.plan.plan.PlanMode;
import org.otaplatform.plan.plan.PlanRequest;
import org.otaplatform.plan.plan.PlanStatus;

/**
 * A plan as the REST contract shows it: every field of its definition, its status and why; {@code
 * firmwareIds} (an addition) every package it uses, its main one ({@code firmwareId}) first; {@code target} and
 * {@code membership} as written (null without a target).
 */
public record PlanView(
        UUID id,
        String name,
        String productKey,
        UUID firmwareId,
        List<String> sourceVersions,
        PlanMode mode,
        List<String> whitelist,
        List<String> blacklist,
        String timeZone,
        LocalDateTime startAt,
        LocalDateTime endAt,
        List<PlanRequest.PushWindow> pushWindows,
        Integer rolloutPerMinute,
        int maxConcurrentPerGateway,
        Integer failureThresholdPercent,
        int failureThresholdMinSamples,
        PlanRequest.Retry retry,
        int ackTimeoutSeconds,
        int taskTimeoutSeconds,
        boolean requireVerifiedFirmware,
        boolean pushActively,
        int repushAfterRejectMinutes,
        Integer minBatteryPercent,
        Integer minSignalDbm,
        Map<String, String> upgradeNotes,
        PlanStatus status,
        String suspendedReason,
        Instant createdAt,
        Instant updatedAt,
        List<UUID> firmwareIds,
        PlanRequest.ExponentialRollout exponentialRollout,
        List<PlanRequest.Wave> waves,
        String nodeType,
        boolean allowDowngrade,
        PlanRequest.Target target,
        PlanRequest.Membership membership) {

    static PlanView of(Plan p) {
        PlanDefinition d = p.definition();
        return new PlanView(
                p.id,
                p.name,
                p.productKey,
                p.firmwareId,
                d.sourceVersions(),
                p.mode,
                d.whitelist(),
                d.blacklist(),
                d.timeZone(),
                d.startAt(),
                d.endAt(),
                d.pushWindows(),
                d.rolloutPerMinute(),
                d.maxConcurrentPerGateway(),
                d.failureThresholdPercent(),
                d.failureThresholdMinSamples(),
                d.retry(),
                d.ackTimeoutSeconds(),
                d.taskTimeoutSeconds(),
                d.requireVerifiedFirmware(),
                d.pushActively(),
                d.repushAfterRejectMinutes(),
                d.minBatteryPercent(),
                d.minSignalDbm(),
                d.upgradeNotes(),
                p.status,
                p.suspendedReason,
                p.createdAt,
                p.updatedAt,
                org.otaplatform.plan.plan.PlanPackages.ids(p),
                d.exponentialRollout(),
                d.waves().isEmpty() ? null : d.waves(),
                d.nodeType(),
                d.allowDowngrade(),
                d.target(),
                d.membership());
    }
}
