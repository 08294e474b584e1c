package org.otaplatform.plan.plan;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.otaplatform.plan.config.PlanConfig;

/** A checked plan definition with every default filled in; stored as JSON with the plan. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PlanDefinition(
        List<String> sourceVersions,
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
        List<String> packages,
        PlanRequest.ExponentialRollout exponentialRollout,
        List<PlanRequest.Wave> waves,
        String nodeType,
        boolean allowDowngrade,
        PlanRequest.Target target,
        PlanRequest.Membership membership) {

    /**
     * The same definition for a product of this node type ({@code GATEWAY}: the plan upgrades gateways), as
     * plan-service knew the product when the plan was written; null when it did not know it.
     */
    PlanDefinition ofNodeType(String type) {
        return new PlanDefinition(
                sourceVersions,
                whitelist,
                blacklist,
                timeZone,
                startAt,
                endAt,
                pushWindows,
                rolloutPerMinute,
                maxConcurrentPerGateway,
                failureThresholdPercent,
                failureThresholdMinSamples,
                retry,
                ackTimeoutSeconds,
                taskTimeoutSeconds,
                requireVerifiedFirmware,
                pushActively,
                repushAfterRejectMinutes,
                minBatteryPercent,
                minSignalDbm,
                upgradeNotes,
                packages,
                exponentialRollout,
                waves,
                type,
                allowDowngrade,
                target,
                membership);
    }

    /** The plan's waves with every default filled in, an open one last; empty for a plan without waves. */
    @Override
    public List<PlanRequest.Wave> waves() {
        return waves == null ? List.of() : waves;
    }

    /** @param packages the ids of the plan's packages, its main one first */
    static PlanDefinition of(PlanRequest r, PlanConfig.Defaults defaults, List<String> packages) {
        PlanRequest.Retry retry = new PlanRequest.Retry(
                r.retry() == null || r.retry().maxAttempts() == null
                        ? defaults.retryMaxAttempts()
                        : r.retry().maxAttempts(),
                r.retry() == null || r.retry().backoffSeconds() == null
                        ? defaults.retryBackoffSeconds()
                        : r.retry().backoffSeconds());
        return new PlanDefinition(
                orEmpty(r.sourceVersions()),
                orEmpty(r.whitelist()),
                orEmpty(r.blacklist()),
                r.timeZone(),
                r.startAt(),
                r.endAt(),
                orEmpty(r.pushWindows()),
                r.rolloutPerMinute(),
                r.maxConcurrentPerGateway() == null ? defaults.maxConcurrentPerGateway() : r.maxConcurrentPerGateway(),
                r.failureThresholdPercent(),
                r.failureThresholdMinSamples() == null
                        ? defaults.failureThresholdMinSamples()
                        : r.failureThresholdMinSamples(),
                retry,
                r.ackTimeoutSeconds() == null ? defaults.ackTimeoutSeconds() : r.ackTimeoutSeconds(),
                r.taskTimeoutSeconds() == null ? defaults.taskTimeoutSeconds() : r.taskTimeoutSeconds(),
                Boolean.TRUE.equals(r.requireVerifiedFirmware()),
                !Boolean.FALSE.equals(r.pushActively()),
                r.repushAfterRejectMinutes() == null
                        ? defaults.repushAfterRejectMinutes()
                        : r.repushAfterRejectMinutes(),
                r.minBatteryPercent(),
                r.minSignalDbm(),
                r.upgradeNotes() == null ? Map.of() : Map.copyOf(r.upgradeNotes()),
                List.copyOf(packages),
                r.exponentialRollout(),
                waves(r.waves()),
                r.nodeType(),
                Boolean.TRUE.equals(r.allowDowngrade()),
                target(r.target()),
                r.target() == null ? null : r.membership() == null ? PlanRequest.Membership.FROZEN : r.membership());
    }

    /**
     * The waves as given, each default filled in (a name; the success gate at 95 % once every task of the wave has
     * its result, without soak; a canary waits for approval), and an open wave after the last one when that one is
     * limited: every targeted device is in some wave.
     */
    static List<PlanRequest.Wave> waves(List<PlanRequest.Wave> given) {
        if (given == null || given.isEmpty()) {
            return List.of();
        }
        List<PlanRequest.Wave> filled = new java.util.ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            filled.add(filled(given.get(i), i + 1));
        }
        if (!given.get(given.size() - 1).open()) {
            filled.add(filled(
                    new PlanRequest.Wave("rest", false, null, null, null, null, null, null, null), given.size() + 1));
        }
        return List.copyOf(filled);
    }

    private static PlanRequest.Wave filled(PlanRequest.Wave w, int number) {
        boolean canary = Boolean.TRUE.equals(w.canary());
        PlanRequest.SuccessGate s = w.successGate();
        PlanRequest.ErrorGate e = w.errorGate();
        return new PlanRequest.Wave(
                w.name() != null ? w.name() : canary ? "canary" : "wave " + number,
                canary,
                w.percent(),
                w.count(),
                orEmpty(w.devices()),
                orEmpty(w.gateways()),
                new PlanRequest.SuccessGate(
                        s == null || s.minSuccessPercent() == null ? 95 : s.minSuccessPercent(),
                        // none: every task of the wave has its result
                        s == null ? null : s.minResults(),
                        s == null || s.soakMinutes() == null ? 0 : s.soakMinutes()),
                e == null
                        ? null
                        : new PlanRequest.ErrorGate(e.maxFailurePercent(), e.minResults() == null ? 1 : e.minResults()),
                w.requireApproval() != null ? w.requireApproval() : canary,
                w.filtered() ? w.filter().strip() : null);
    }

    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static PlanDefinition fromJson(String json) {
        try {
            return JSON.readValue(json, PlanDefinition.class);
        } catch (IOException e) {
            throw new UncheckedIOException("a stored plan definition cannot be read", e);
        }
    }

    /** Whether the plan chooses its devices by a target as well: its members are recorded at activation. */
    public boolean targeted() {
        return target != null;
    }

    /** Whether a wave takes the devices a filter matches (recorded at activation: plan_wave_member). */
    public boolean waveFilters() {
        return waves.stream().anyMatch(PlanRequest.Wave::filtered);
    }

    /** The target as given, without an empty filter or group list; null when it chooses nothing. */
    private static PlanRequest.Target target(PlanRequest.Target t) {
        if (t == null) {
            return null;
        }
        String filter =
                t.filter() == null || t.filter().isBlank() ? null : t.filter().strip();
        List<String> groups = List.copyOf(new java.util.LinkedHashSet<>(t.groupNames()));
        return filter == null && groups.isEmpty() ? null : new PlanRequest.Target(filter, groups);
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }
}
