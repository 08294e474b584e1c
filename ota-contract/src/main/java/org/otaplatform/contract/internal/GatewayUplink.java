package org.otaplatform.contract.internal;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What gateways said that plan-service acts on, on {@code ota/internal/v1/gateway/uplink}, with the
 * gateway's identity attached by device-gateway-service (never taken from a payload).
 */
public final class GatewayUplink {

    private GatewayUplink() {}

    /** Type {@value #TYPE}: a sub-device asks for an upgrade; plan-service answers with a {@code gateway.reply} command. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Request(String gatewayId, String msgId, String productKey, String deviceKey, String version) {
        public static final String TYPE = "gateway.request";
    }

    /** Type {@value #TYPE}: the gateway accepted or rejected an upgrade. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Ack(String gatewayId, String msgId, String taskId, boolean accept, String reason) {
        public static final String TYPE = "gateway.ack";
    }

    /** Type {@value #TYPE}: progress of an accepted upgrade; the error fields only with FAILED. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Progress(
            String gatewayId,
            String msgId,
            String taskId,
            String state,
            Integer percent,
            String version,
            String errorCode,
            String errorMessage) {
        public static final String TYPE = "gateway.progress";
    }

    /**
     * Type {@value #TYPE}: the acks and progress reports of one run of a gateway's uplink as device-gateway-service
     * applied it, in the order they came (one internal message per run, not one per report). An entry is an
     * ack when {@code state} is null ({@code accept} and {@code reason} set), else a progress report.
     * plan-service applies the entries in order, the message once (by its envelope's id). Since 2026-12;
     * plan-service still reads single {@code gateway.ack} and {@code gateway.progress} messages.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Reports(java.util.List<Entry> reports) {
        public static final String TYPE = "gateway.reports";

        public Reports {
            reports = reports == null ? java.util.List.of() : java.util.List.copyOf(reports);
        }
    }

    /**
     * One report of a {@link Reports}: an ack ({@code state} null), a progress report, or (since 2026-12-06,
     * {@code boot} true) the version a gateway runs after it reconnected, for its own newest task named by
     * {@code taskId}: after a gateway upgrade the version that boots decides it.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record Entry(
            String gatewayId,
            String msgId,
            String taskId,
            Boolean accept,
            String reason,
            String state,
            Integer percent,
            String version,
            String errorCode,
            String errorMessage,
            Boolean boot) {

        public Entry(
                String gatewayId,
                String msgId,
                String taskId,
                Boolean accept,
                String reason,
                String state,
                Integer percent,
                String version,
                String errorCode,
                String errorMessage) {
            this(gatewayId, msgId, taskId, accept, reason, state, percent, version, errorCode, errorMessage, null);
        }

        /** The gateway reconnected running {@code version}; {@code msgId} is its hello's. */
        public static Entry boot(String gatewayId, String msgId, String taskId, String version) {
            return new Entry(gatewayId, msgId, taskId, null, null, null, null, version, null, null, true);
        }

        public static Entry ack(Ack ack) {
            return new Entry(
                    ack.gatewayId(),
                    ack.msgId(),
                    ack.taskId(),
                    ack.accept(),
                    ack.reason(),
                    null,
                    null,
                    null,
                    null,
                    null);
        }

        public static Entry progress(Progress p) {
            return new Entry(
                    p.gatewayId(),
                    p.msgId(),
                    p.taskId(),
                    null,
                    null,
                    p.state(),
                    p.percent(),
                    p.version(),
                    p.errorCode(),
                    p.errorMessage());
        }

        public boolean isAck() {
            return state == null && !isBoot();
        }

        public boolean isBoot() {
            return Boolean.TRUE.equals(boot);
        }
    }
}
