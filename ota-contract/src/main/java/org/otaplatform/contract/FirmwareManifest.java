package org.otaplatform.contract;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.otaplatform.contract.wire.FirmwareType;

/**
 * The canonical text a firmware signature covers (protocol v1): the lines {@code ota-firmware-v1},
 * productKey, version, type, sourceVersion (empty for FULL), size, sha256 (lower-case hex), joined
 * by {@code \n} with no trailing newline.
 */
public record FirmwareManifest(
        String productKey, String version, FirmwareType type, String sourceVersion, long size, String sha256) {

    public static final String HEADER = "ota-firmware-v1";

    public String canonicalText() {
        return String.join(
                "\n",
                HEADER,
                productKey,
                version,
                type.name(),
                sourceVersion == null ? "" : sourceVersion,
                Long.toString(size),
                sha256.toLowerCase(Locale.ROOT));
    }

    /** The UTF-8 bytes that are signed with Ed25519. */
    public byte[] signedBytes() {
        return canonicalText().getBytes(StandardCharsets.UTF_8);
    }
}
