package org.otaplatform.plan.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of plan-service ({@code ota.plan.*}; environment {@code OTA_PLAN_*}). */
@ConfigMapping(prefix = "ota.plan")
public interface PlanConfig {

    /** What a plan gets for the fields its author leaves out. */
    Defaults defaults();

    /**
     * The most tasks between NOTIFIED and UPGRADING at once over all plans and gateways: a ceiling on the
     * load the fleet puts on firmware downloads and the broker. Pushes wait while it is reached.
     */
    @WithDefault("10000")
    int maxInFlight();

    /**
     * A plan's rollout starts gently, like TCP's slow start: its first pushes send at most this many tasks,
     * and a new one goes out for every task before it that a gateway answered (accepted, rejected or that
     * ended), plus one: the pace doubles with every round trip the platform keeps up with, until the plan
     * has sent {@link #maxInFlight()}; from then on only the rollout rate, the gateways' concurrency and the
     * in-flight cap limit it. The first results come back within seconds instead of behind a fleet's worth
     * of messages, and a bad firmware meets the failure threshold before it reached many devices. 0 turns
     * it off.
     */
    @WithDefault("1000")
    int rampStart();

    /**
     * A gateway that went offline less than this long ago is still pushed to. Its `hello` after a broker
     * restart may have been lost (docs/reliability.md): it is then connected but silent, and only a
     * command brings it back. Tasks for a gateway that is really away wait for its next `hello`.
     */
    @WithDefault("2m")
    java.time.Duration offlinePushGrace();

    /**
     * How often a running plan with a {@code DYNAMIC} target follows it: devices that came to match join, untouched
     * members that no longer match leave. Between two refreshes a device that just came to match waits.
     */
    @WithDefault("30s")
    java.time.Duration dynamicTargetRefresh();

    /** A plan page's statistics. */
    Stats stats();

    interface Stats {
        /**
         * How old a plan page's {@code targeted} and {@code upToDate} may be: counting a million devices
         * takes 0.05–0.5 s. The task counts are always fresh, and the finisher always counts afresh.
         */
        @WithDefault("5s")
        java.time.Duration deviceCountsMaxAge();
    }

    /** Webhook deliveries. */
    Webhooks webhooks();

    interface Webhooks {
        /** How often due deliveries are sent. */
        @WithDefault("1s")
        java.time.Duration interval();

        /** The first retry's delay; each next one doubles it, up to {@link #maxDelay()}. */
        @WithDefault("10s")
        java.time.Duration retryBase();

        @WithDefault("1h")
        java.time.Duration maxDelay();

        /** A delivery not accepted this long after its event is given up (FAILED; it can be redelivered). */
        @WithDefault("24h")
        java.time.Duration giveUpAfter();

        /** How long a receiver has to answer one attempt. */
        @WithDefault("10s")
        java.time.Duration timeout();

        /**
         * Addresses (IPs or CIDRs) a subscription may target although they are internal: loopback,
         * link-local, private, unique-local and multicast ones are refused otherwise (no webhook reaches the
         * platform's own network or a cloud's metadata service).
         */
        java.util.Optional<java.util.List<String>> allowedTargets();
    }

    /** The most device keys a whitelist or blacklist may hold. */
    @WithDefault("100000")
    int maxListEntries();

    interface Defaults {
        /** Tasks between NOTIFIED and UPGRADING at once per gateway (its radio is shared). */
        @WithDefault("4")
        int maxConcurrentPerGateway();

        /** Results needed before the failure threshold is applied. */
        @WithDefault("10")
        int failureThresholdMinSamples();

        @WithDefault("3")
        int retryMaxAttempts();

        @WithDefault("300")
        int retryBackoffSeconds();

        /** How long a gateway has to ack an upgrade while online. */
        @WithDefault("300")
        int ackTimeoutSeconds();

        /** How long a task may take from being sent to its final state. */
        @WithDefault("3600")
        int taskTimeoutSeconds();

        /** Silent plans: when a device that rejected is offered the upgrade again. */
        @WithDefault("120")
        int repushAfterRejectMinutes();
    }
}
