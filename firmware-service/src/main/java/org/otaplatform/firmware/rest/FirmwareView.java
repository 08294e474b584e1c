package org.otaplatform.firmware.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.UUID;
import org.otaplatform.contract.wire.FirmwareType;
import org.otaplatform.firmware.catalog.Firmware;
import org.otaplatform.firmware.catalog.Verification;
import org.otaplatform.firmware.download.DownloadStats;

/**
 * A package as the REST contract shows it; {@code downloads} only on the single-package read. {@code release}
 * (since 2026-12-08): who uploaded it, whether it is released (APPROVED, signed) or awaits a second person's
 * approval (PENDING_APPROVAL: no signature yet), and who released it when.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FirmwareView(
        UUID id,
        String productKey,
        String name,
        String description,
        String version,
        FirmwareType type,
        String sourceVersion,
        long size,
        String sha256,
        String md5,
        String signature,
        String keyId,
        Verification verification,
        String verificationDetail,
        Instant createdAt,
        DownloadStats.Totals downloads,
        String minGatewayVersion,
        java.util.List<String> hardwareRevisions,
        String unknownHardware,
        Release release) {

    /** The package's release: its state, its uploader, who approved it and when. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Release(String state, String uploadedBy, String approvedBy, Instant approvedAt) {}

    static FirmwareView of(Firmware f) {
        return of(f, null);
    }

    static FirmwareView of(Firmware f, DownloadStats.Totals downloads) {
        return new FirmwareView(
                f.id,
                f.productKey,
                f.name,
                f.description,
                f.version,
                f.type,
                f.sourceVersion,
                f.size,
                f.sha256,
                f.md5,
                f.signature,
                f.keyId,
                f.verification,
                f.verificationDetail,
                f.createdAt,
                downloads,
                f.minGatewayVersion,
                f.revisions(),
                f.unknownHardware,
                new Release(f.release, f.uploadedBy, f.approvedBy, f.approvedAt));
    }
}
