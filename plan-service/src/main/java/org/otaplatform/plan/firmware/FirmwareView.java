package org.otaplatform.plan.firmware;

/** What plan-service knows of a firmware package, from firmware-service's events. */
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
        boolean deleted) {}
