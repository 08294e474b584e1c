package org.otaplatform.plan.plan;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;

/**
 * A plan as a client writes it (create and update); checked by {@link PlanValidator}. {@code firmwareIds}
 * (an addition to the contract) names several packages to one target version; {@code firmwareId} alone,
 * as before, one. {@code nodeType} (optional, an addition): what the plan is meant to upgrade, {@code
 * GATEWAY} (the gateways' own firmware) or {@code SUB_DEVICE}; checked against the product's node type, so that
 * a plan of gateways over a sub-device product (or the reverse) is refused instead of silently targeting
 * the wrong devices. Whatever it says, a plan of a {@code GATEWAY} product targets gateways. {@code
 * allowDowngrade} (default false): under a {@code SEMVER} product the plan also sends its package to devices
 * that run a higher version; only {@code ota-admin} writes plans, and the audit entry carries the definition.
 * {@code target} (REST API, "Fleet targeting"): a filter and/or groups a device must match as well; {@code
 * membership} (default {@code FROZEN}) whether the devices that matched at activation are the plan's for good or
 * the target is followed while the plan runs.
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
        ExponentialRollout exponentialRollout,
        List<Wave> waves,
        String nodeType,
        Boolean allowDowngrade,
        Target target,
        Membership membership) {

    /** The node types a plan may say it targets ({@code nodeType}, optional): gateways or sub-devices. */
    public static final java.util.Set<String> NODE_TYPES = java.util.Set.of("GATEWAY", "SUB_DEVICE");

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

    /**
     * The devices a plan chooses beyond its product, source versions and lists: those that match {@code filter}
     * (the REST API's filter language) and belong to one of {@code groups} (by name, of the plan's product), each
     * optional.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Target(String filter, List<String> groups) {
        /** The groups named, none when not given. */
        public List<String> groupNames() {
            return groups == null ? List.of() : groups;
        }
    }

    /**
     * Whom a plan with a target may touch: {@code FROZEN} the devices that matched at activation and no others;
     * {@code DYNAMIC} the devices that match while it runs (one that comes to match later joins).
     */
    public enum Membership {
        FROZEN,
        DYNAMIC
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

    /**
     * One wave of a silent plan's rollout, in order: its devices are a share of the targeted devices ({@code
     * percent} or {@code count}), an explicit {@code devices} list, the devices of {@code gateways}, or those its
     * {@code filter} matches (with lists: any of them); none of them: every device the earlier waves did not take. The first may be a {@code canary} (it waits for an
     * operator's approval unless {@code requireApproval} is false). The {@code successGate} promotes the next
     * wave, the {@code errorGate} suspends the plan with the reason.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Wave(
            String name,
            Boolean canary,
            Integer percent,
            Integer count,
            List<String> devices,
            List<String> gateways,
            SuccessGate successGate,
            ErrorGate errorGate,
            Boolean requireApproval,
            String filter) {

        /** A wave without a filter. */
        public Wave(
                String name,
                Boolean canary,
                Integer percent,
                Integer count,
                List<String> devices,
                List<String> gateways,
                SuccessGate successGate,
                ErrorGate errorGate,
                Boolean requireApproval) {
            this(name, canary, percent, count, devices, gateways, successGate, errorGate, requireApproval, null);
        }

        /** Whether the wave names its devices: a list of devices or gateways, or a filter. */
        public boolean listed() {
            return (devices != null && !devices.isEmpty()) || (gateways != null && !gateways.isEmpty()) || filtered();
        }

        /** Whether the wave takes the devices a filter matches. */
        public boolean filtered() {
            return filter != null && !filter.isBlank();
        }

        /** The wave's share of {@code targeted} devices; null for a list or the open wave. */
        public Integer quota(long targeted) {
            if (listed() || open()) {
                return null;
            }
            if (count != null) {
                return count;
            }
            return (int) Math.min(Integer.MAX_VALUE, (targeted * percent + 99) / 100);
        }

        /** Whether the wave takes every device the earlier waves did not. */
        public boolean open() {
            return !listed() && count == null && (percent == null || percent == 100);
        }
    }

    /**
     * A wave passes when at least {@code minSuccessPercent} of its finished tasks succeeded (only failures the
     * firmware causes count against it), with at least {@code minResults} results, and these figures held for
     * {@code soakMinutes}.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SuccessGate(Integer minSuccessPercent, Integer minResults, Integer soakMinutes) {}

    /** A wave halts (the plan is suspended) once more than {@code maxFailurePercent} of at least {@code minResults} results failed. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ErrorGate(Integer maxFailurePercent, Integer minResults) {}
}
