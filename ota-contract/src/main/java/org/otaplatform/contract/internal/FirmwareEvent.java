package org.otaplatform.contract.internal;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import org.otaplatform.contract.wire.FirmwareType;

/**
 * On {@code ota/internal/v1/firmware/events}: a package was created, changed verification state or
 * compatibility, or was deleted. plan-service keeps its own view of packages from these: what it needs to validate plans
 * and to fill {@code upgrade} messages. {@code minGatewayVersion} (since 2026-12-06, absent: none): a
 * sub-device package's lowest gateway firmware, a SemVer version. {@code hardwareRevisions} (since 2026-12-07,
 * absent or empty: any) the revisions it supports; {@code unknownHardware} ALLOW or REFUSE (default): whether a
 * device whose revision is unknown may receive a package that names revisions.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FirmwareEvent(
        String firmwareId,
        String productKey,
        String version,
        FirmwareType type,
        String sourceVersion,
        long size,
        String sha256,
        String signature,
        String keyId,
        String verification,
        String minGatewayVersion,
        java.util.List<String> hardwareRevisions,
        String unknownHardware) {

    public FirmwareEvent {
        hardwareRevisions = hardwareRevisions == null ? java.util.List.of() : java.util.List.copyOf(hardwareRevisions);
        unknownHardware = unknownHardware == null ? "REFUSE" : unknownHardware;
    }

    /** A package for any hardware. */
    public FirmwareEvent(
            String firmwareId,
            String productKey,
            String version,
            FirmwareType type,
            String sourceVersion,
            long size,
            String sha256,
            String signature,
            String keyId,
            String verification,
            String minGatewayVersion) {
        this(
                firmwareId,
                productKey,
                version,
                type,
                sourceVersion,
                size,
                sha256,
                signature,
                keyId,
                verification,
                minGatewayVersion,
                null,
                null);
    }

    /** A package without a minimum gateway version. */
    public FirmwareEvent(
            String firmwareId,
            String productKey,
            String version,
            FirmwareType type,
            String sourceVersion,
            long size,
            String sha256,
            String signature,
            String keyId,
            String verification) {
        this(firmwareId, productKey, version, type, sourceVersion, size, sha256, signature, keyId, verification, null);
    }

    public static final String CREATED = "firmware.created";
    public static final String VERIFICATION_CHANGED = "firmware.verification-changed";
    public static final String DELETED = "firmware.deleted";
    /**
     * Since 2026-12-08: a second person approved the package's release, and it is signed now ({@code signature}
     * and {@code keyId} set). Until then, where installations require approval, {@code firmware.created} carries
     * neither, and no plan may send the package.
     */
    public static final String APPROVED = "firmware.approved";
    /** Since 2026-12-07: the package's minGatewayVersion, hardwareRevisions or unknownHardware changed. */
    public static final String COMPATIBILITY_CHANGED = "firmware.compatibility-changed";
}
