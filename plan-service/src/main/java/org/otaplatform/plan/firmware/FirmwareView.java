package org.otaplatform.plan.firmware;

/**
 * What plan-service knows of a firmware package, from firmware-service's events; {@code minGatewayVersion}: the
 * lowest gateway firmware (SemVer) a sub-device package works behind, null for any; {@code hardwareRevisions}
 * the revisions it supports (empty: any) and {@code unknownHardware} ALLOW or REFUSE for devices of unknown
 * revision.
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
        String minGatewayVersion,
        java.util.List<String> hardwareRevisions,
        String unknownHardware) {

    /** A package for any hardware. */
    public FirmwareView(
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
                deleted,
                minGatewayVersion,
                java.util.List.of(),
                "REFUSE");
    }

    /** Whether it names the hardware it fits (else it fits any). */
    public boolean namesHardware() {
        return !hardwareRevisions.isEmpty();
    }

    /** The same hardware rule as {@code other}'s. */
    public boolean sameHardware(FirmwareView other) {
        return new java.util.TreeSet<>(hardwareRevisions).equals(new java.util.TreeSet<>(other.hardwareRevisions))
                && (!namesHardware() || unknownHardware.equals(other.unknownHardware));
    }
}
