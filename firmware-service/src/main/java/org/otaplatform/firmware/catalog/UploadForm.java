package org.otaplatform.firmware.catalog;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.otaplatform.common.error.FieldError;
import org.otaplatform.contract.Identifiers;
import org.otaplatform.contract.version.SemanticVersion;
import org.otaplatform.contract.wire.FirmwareType;

/** The fields of an upload, as received; {@link #violations()} names every one that is wrong. */
public record UploadForm(
        Path file,
        long fileSize,
        String productKey,
        String version,
        String type,
        String sourceVersion,
        String name,
        String description,
        String sha256,
        String minGatewayVersion,
        String hardwareRevisions,
        String unknownHardware) {

    /** The most hardware revisions a package names. */
    public static final int MAX_REVISIONS = 100;

    /** The upload without hardware compatibility, as before 2026-12-07. */
    public UploadForm(
            Path file,
            long fileSize,
            String productKey,
            String version,
            String type,
            String sourceVersion,
            String name,
            String description,
            String sha256,
            String minGatewayVersion) {
        this(
                file,
                fileSize,
                productKey,
                version,
                type,
                sourceVersion,
                name,
                description,
                sha256,
                minGatewayVersion,
                null,
                null);
    }

    /** The upload without {@code minGatewayVersion}, as before 2026-12-06. */
    public UploadForm(
            Path file,
            long fileSize,
            String productKey,
            String version,
            String type,
            String sourceVersion,
            String name,
            String description,
            String sha256) {
        this(file, fileSize, productKey, version, type, sourceVersion, name, description, sha256, null, null, null);
    }

    public List<FieldError> violations() {
        List<FieldError> errors = new ArrayList<>();
        if (file == null) {
            errors.add(new FieldError("file", "is required"));
        } else if (fileSize == 0) {
            errors.add(new FieldError("file", "must not be empty"));
        }
        if (!Identifiers.isProductKey(productKey)) {
            errors.add(new FieldError("productKey", "is required: 1–64 characters of [A-Za-z0-9_-]"));
        }
        if (!Identifiers.isVersion(version)) {
            errors.add(new FieldError("version", "is required: 1–64 printable characters"));
        }
        FirmwareType parsedType = firmwareType();
        if (parsedType == null) {
            errors.add(new FieldError("type", "is required: FULL or DELTA"));
        } else if (parsedType == FirmwareType.DELTA && !Identifiers.isVersion(sourceVersion)) {
            errors.add(new FieldError("sourceVersion", "is required for DELTA: 1–64 printable characters"));
        } else if (parsedType == FirmwareType.FULL && present(sourceVersion)) {
            errors.add(new FieldError("sourceVersion", "must be absent for FULL"));
        }
        if (parsedType == FirmwareType.DELTA && present(sourceVersion) && sourceVersion.equals(version)) {
            errors.add(new FieldError("sourceVersion", "must differ from version"));
        }
        if (!Identifiers.isPrintable(name, 200)) {
            errors.add(new FieldError("name", "is required: 1–200 printable characters"));
        }
        if (present(description) && description.length() > 2000) {
            errors.add(new FieldError("description", "must be at most 2000 characters"));
        }
        if (present(sha256) && !sha256.matches("[0-9a-fA-F]{64}")) {
            errors.add(new FieldError("sha256", "must be 64 hex digits"));
        }
        // compared under the gateway's product's scheme, which must be SEMVER: only a SemVer version can say it
        if (present(minGatewayVersion)
                && SemanticVersion.parse(minGatewayVersion).isEmpty()) {
            errors.add(new FieldError(
                    "minGatewayVersion",
                    "must be a Semantic Versioning 2.0.0 version, e.g. 4.3.0 (got " + minGatewayVersion + ")"));
        }
        if (present(hardwareRevisions)) {
            List<String> revisions = List.of(hardwareRevisions.split(",", -1));
            if (revisions.size() > MAX_REVISIONS
                    || !revisions.stream().map(String::strip).allMatch(r -> r.matches("[A-Za-z0-9._-]{1,32}"))) {
                errors.add(new FieldError(
                        "hardwareRevisions",
                        "must be up to " + MAX_REVISIONS + " revisions of 1–32 characters of A-Z a-z 0-9 . _ -,"
                                + " separated by commas (got " + hardwareRevisions + ")"));
            }
        }
        if (present(unknownHardware) && !unknownHardware.equals("ALLOW") && !unknownHardware.equals("REFUSE")) {
            errors.add(new FieldError("unknownHardware", "must be ALLOW or REFUSE (got " + unknownHardware + ")"));
        }
        return errors;
    }

    /** The hardware revisions the package supports, as stored (comma-separated, sorted, unique); null: any. */
    public String normalisedHardwareRevisions() {
        if (!present(hardwareRevisions)) {
            return null;
        }
        return String.join(
                ",",
                new java.util.TreeSet<>(List.of(hardwareRevisions.split(",")).stream()
                        .map(String::strip)
                        .toList()));
    }

    /** Whether a device of unknown revision may receive a package that names revisions: ALLOW or REFUSE. */
    public String normalisedUnknownHardware() {
        return present(unknownHardware) ? unknownHardware : "REFUSE";
    }

    /** The lowest gateway firmware the package works behind, if the upload named one. */
    public String normalisedMinGatewayVersion() {
        return present(minGatewayVersion) ? minGatewayVersion : null;
    }

    public FirmwareType firmwareType() {
        if ("FULL".equals(type)) {
            return FirmwareType.FULL;
        }
        if ("DELTA".equals(type)) {
            return FirmwareType.DELTA;
        }
        return null;
    }

    /** The client's checksum in canonical (lower-case) form, if it sent one. */
    public String expectedSha256() {
        return present(sha256) ? sha256.toLowerCase(Locale.ROOT) : null;
    }

    public String normalisedSourceVersion() {
        return present(sourceVersion) ? sourceVersion : null;
    }

    public String normalisedDescription() {
        return present(description) ? description : null;
    }

    private static boolean present(String value) {
        return value != null && !value.isEmpty();
    }
}
