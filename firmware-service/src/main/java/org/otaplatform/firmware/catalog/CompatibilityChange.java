package org.otaplatform.firmware.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.otaplatform.common.error.ApiException;
import org.otaplatform.common.error.FieldError;
import org.otaplatform.contract.version.SemanticVersion;

/**
 * The body of {@code PATCH /api/v1/firmware/{id}} (JSON merge patch): which devices a package fits. A field
 * left out is unchanged; {@code minGatewayVersion: null} drops the minimum; {@code hardwareRevisions: null} or
 * {@code []} means any hardware. Null members mean "unchanged" here.
 */
public record CompatibilityChange(
        boolean changesMinGatewayVersion,
        String minGatewayVersion,
        String hardwareRevisions,
        boolean changesHardwareRevisions,
        String unknownHardware) {

    private static final Set<String> FIELDS = Set.of("minGatewayVersion", "hardwareRevisions", "unknownHardware");

    /** Reads and checks a body; every fault is named, and nothing is changed by a body with one. */
    public static CompatibilityChange of(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.invalid(
                    "body", "must be a JSON object with minGatewayVersion, hardwareRevisions" + " or unknownHardware");
        }
        List<FieldError> errors = new ArrayList<>();
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                errors.add(new FieldError(
                        name, "cannot be changed: only minGatewayVersion, hardwareRevisions and unknownHardware can"));
            }
        }
        if (body.isEmpty()) {
            errors.add(new FieldError("body", "names nothing to change"));
        }
        String minimum = null;
        JsonNode min = body.get("minGatewayVersion");
        if (min != null && !min.isNull()) {
            if (!min.isTextual() || SemanticVersion.parse(min.asText()).isEmpty()) {
                errors.add(new FieldError(
                        "minGatewayVersion",
                        "must be a Semantic Versioning 2.0.0 version, e.g. 4.3.0, or null for none (got " + min + ")"));
            } else {
                minimum = min.asText();
            }
        }
        String revisions = null;
        JsonNode list = body.get("hardwareRevisions");
        if (list != null && !list.isNull()) {
            TreeSet<String> sorted = new TreeSet<>();
            boolean valid = list.isArray() && list.size() <= UploadForm.MAX_REVISIONS;
            for (JsonNode revision : valid ? list : List.<JsonNode>of()) {
                if (!revision.isTextual() || !revision.asText().matches("[A-Za-z0-9._-]{1,32}")) {
                    valid = false;
                } else {
                    sorted.add(revision.asText());
                }
            }
            if (!valid) {
                errors.add(new FieldError(
                        "hardwareRevisions",
                        "must be a list of up to " + UploadForm.MAX_REVISIONS
                                + " revisions of 1–32 characters of A-Z a-z 0-9 . _ - (got " + list + ")"));
            }
            revisions = sorted.isEmpty() ? null : String.join(",", sorted);
        }
        JsonNode unknown = body.get("unknownHardware");
        String unknownHardware = null;
        if (unknown != null) {
            if (!unknown.isTextual()
                    || !(unknown.asText().equals("ALLOW") || unknown.asText().equals("REFUSE"))) {
                errors.add(new FieldError("unknownHardware", "must be ALLOW or REFUSE (got " + unknown + ")"));
            } else {
                unknownHardware = unknown.asText();
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        return new CompatibilityChange(min != null, minimum, revisions, list != null, unknownHardware);
    }

    /** Applies the change; whether anything differs afterwards. */
    boolean applyTo(Firmware firmware) {
        boolean changed = false;
        if (changesMinGatewayVersion && !java.util.Objects.equals(firmware.minGatewayVersion, minGatewayVersion)) {
            firmware.minGatewayVersion = minGatewayVersion;
            changed = true;
        }
        if (changesHardwareRevisions && !java.util.Objects.equals(firmware.hardwareRevisions, hardwareRevisions)) {
            firmware.hardwareRevisions = hardwareRevisions;
            changed = true;
        }
        if (unknownHardware != null && !unknownHardware.equals(firmware.unknownHardware)) {
            firmware.unknownHardware = unknownHardware;
            changed = true;
        }
        return changed;
    }
}
