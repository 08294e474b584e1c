package org.otaplatform.plan.plan;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;

/**
 * A plan as a client writes it (create and update); checked by {@link PlanValidator}. {@code firmwareIds}
 * (an addition to the contract) names several packages to one target version; {@code firmwareId} alone,
 * as before, one.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PlanRequest(
        String name,
        String productKey,
        String firmwareId,
        List<String> sourceVersions,
        PlanMode mode,
        List<String> whitelist,
        List<String> blacklist,
        String timeZone,
        LocalDateTime startAt,
        LocalDateTime endAt,
        List<PushWindow> pushWindows,
        Integer rolloutPerMinute,
        Integer maxConcurrentPerGateway,
        Integer failureThresholdPercent,
        Integer failureThresholdMinSamples,
        Retry retry,
        Integer ackTimeoutSeconds,
        Integer taskTimeoutSeconds,
        Boolean requireVerifiedFirmware,
        Boolean pushActively,
        Integer repushAfterRejectMinutes,
        Integer minBatteryPercent,
        Integer minSignalDbm,
        Map<String, String> upgradeNotes,
        List<String> firmwareIds,
        ExponentialRollout exponentialRollout) {

    /**
     * The ids of the packages the plan names: {@code firmwareIds} when given (a full package and/or one delta
     * per source version), else the one {@code firmwareId}.
     */
    public List<String> packageIds() {
        if (firmwareIds != null && !firmwareIds.isEmpty()) {
            return firmwareIds;
        }
        return firmwareId == null ? List.of() : List.of(firmwareId);
    }

    /** A daily window in the plan's time zone, {@code "HH:mm"}; it may cross midnight. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PushWindow(String from, String to) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Retry(Integer maxAttempts, Integer backoffSeconds) {}

    /**
     * A rollout rate that grows, as AWS IoT Jobs' exponential rate: {@code baseRatePerMinute} at first, times
     * {@code incrementFactor} each time another {@code increaseAfterNotified} devices were sent the upgrade
     * (or {@code increaseAfterSucceeded} succeeded), never above {@code maxPerMinute}. Instead of {@code
     * rolloutPerMinute}; the gateways' concurrency and the ramp still apply.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ExponentialRollout(
            Integer baseRatePerMinute,
            Double incrementFactor,
            Integer increaseAfterNotified,
            Integer increaseAfterSucceeded,
            Integer maxPerMinute) {

        /** The rate after {@code steps} increases. */
        public int rate(long steps) {
            double rate = baseRatePerMinute * Math.pow(incrementFactor, Math.min(steps, 200));
            return (int) Math.min(maxPerMinute, Math.floor(rate));
        }
    }
}
