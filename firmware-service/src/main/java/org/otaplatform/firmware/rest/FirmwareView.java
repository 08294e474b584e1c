package org.otaplatform.firmware.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.UUID;
import org.otaplatform.contract.wire.FirmwareType;
import org.otaplatform.firmware.catalog.Firmware;
import org.otaplatform.firmware.catalog.Verification;
import org.otaplatform.firmware.download.DownloadStats;

/** A package as the REST contract shows it; {@code downloads} only on the single-package read. */
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
        String unknownHardware) {

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
                f.unknownHardware);
    }
}
