package org.otaplatform.contract.internal;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What plan-service asks device-gateway-service to tell a gateway, on {@code
 * ota/internal/v1/gateway/commands}. device-gateway-service adds what only it knows: the message id,
 * the clock, and the gateway-bound download link.
 */
public final class GatewayCommand {

    private GatewayCommand() {}

    /**
     * Type {@value #TYPE}: send an {@code upgrade}; kept and re-sent after the gateway's hello until acked or
     * ended. With {@code gatewayFirmware} true (since 2026-12-06) the task upgrades the gateway itself
     * ({@code deviceKey} is its gatewayId) and goes out as {@code down/gateway-upgrade}.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record Upgrade(
            String gatewayId,
            String taskId,
            String planId,
            String productKey,
            String deviceKey,
            String fromVersion,
            String toVersion,
            int ackTimeoutSeconds,
            long deadline,
            String firmwareId,
            String firmwareType,
            long size,
            String sha256,
            String signature,
            String keyId,
            Integer minBatteryPercent,
            Integer minSignalDbm,
            String notes,
            Boolean gatewayFirmware) {
        public static final String TYPE = "gateway.upgrade";

        /** A sub-device's upgrade. */
        public Upgrade(
                String gatewayId,
                String taskId,
                String planId,
                String productKey,
                String deviceKey,
                String fromVersion,
                String toVersion,
                int ackTimeoutSeconds,
                long deadline,
                String firmwareId,
                String firmwareType,
                long size,
                String sha256,
                String signature,
                String keyId,
                Integer minBatteryPercent,
                Integer minSignalDbm,
                String notes) {
            this(
                    gatewayId,
                    taskId,
                    planId,
                    productKey,
                    deviceKey,
                    fromVersion,
                    toVersion,
                    ackTimeoutSeconds,
                    deadline,
                    firmwareId,
                    firmwareType,
                    size,
                    sha256,
                    signature,
                    keyId,
                    minBatteryPercent,
                    minSignalDbm,
                    notes,
                    null);
        }

        /** Whether the task upgrades the gateway's own firmware. */
        public boolean upgradesGateway() {
            return Boolean.TRUE.equals(gatewayFirmware);
        }
    }

    /** Type {@value #TYPE}: send a {@code cancel} for a task that has not started installing. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Cancel(String gatewayId, String taskId, String reason) {
        public static final String TYPE = "gateway.cancel";
    }

    /** Type {@value #TYPE}: answer a gateway's {@code request}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Reply(
            String gatewayId, String inReplyTo, String productKey, String deviceKey, String result, String taskId) {
        public static final String TYPE = "gateway.reply";
    }
}
