package org.otaplatform.plan.firmware;

/**
 * What plan-service knows of a firmware package, from firmware-service's events; {@code minGatewayVersion}: the
 * lowest gateway firmware (SemVer) a sub-device package works behind, null for any.
 */
public record FirmwareView(
        String firmwareId,
        String productKey,
        String version,
        String type,
        String sourceVersion,
        long size,
        String sha256,
        String signature,
        String keyId,
        String verification,
        boolean deleted,
        String minGatewayVersion) {}
