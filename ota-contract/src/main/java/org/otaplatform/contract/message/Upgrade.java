package org.otaplatform.contract.message;

import org.otaplatform.contract.wire.FirmwareType;

/** Upgrade one sub-device. A gateway de-duplicates it by {@code taskId}. */
public record Upgrade(
        String msgId,
        long ts,
        String taskId,
        String planId,
        String productKey,
        String deviceKey,
        String fromVersion,
        String toVersion,
        int ackTimeoutSeconds,
        long deadline,
        FirmwareRef firmware,
        Conditions conditions,
        String notes)
        implements DownlinkMessage {

    /** The package to flash and how to fetch and check it. */
    public record FirmwareRef(
            String id,
            FirmwareType type,
            long size,
            String sha256,
            String url,
            long urlExpiresAt,
            String signature,
            String keyId) {}

    /** Conditions the gateway checks before installing; each is optional. */
    public record Conditions(Integer minBatteryPercent, Integer minSignalDbm) {}
}
