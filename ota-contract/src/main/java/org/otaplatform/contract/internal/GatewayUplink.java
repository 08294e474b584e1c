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
}
