package org.otaplatform.plan.plan;

import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.otaplatform.common.error.FieldError;
import org.otaplatform.contract.Identifiers;
import org.otaplatform.plan.firmware.FirmwareView;

/** Every rule a plan must keep, each broken one named: the body of one 422. */
final class PlanValidator {

    private static final Pattern HH_MM = Pattern.compile("([01][0-9]|2[0-3]):[0-5][0-9]");
    private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}(-[A-Za-z0-9]{2,8})*");
    private final List<FieldError> errors = new ArrayList<>();
    private final int maxList;

    private PlanValidator(int maxList) {
        this.maxList = maxList;
    }

    /** The faults of {@code r}, given the firmware it names as plan-service knows it (empty when unknown). */
    static List<FieldError> check(PlanRequest r, Optional<FirmwareView> firmware, int maxListEntries) {
        PlanValidator v = new PlanValidator(maxListEntries);
        v.run(r, firmware);
        return v.errors;
    }

    private void run(PlanRequest r, Optional<FirmwareView> firmware) {
        if (!Identifiers.isPrintable(r.name(), 100)) {
            fault("name", "is required: 1–100 printable characters");
        }
        if (!Identifiers.isProductKey(r.productKey())) {
            fault("productKey", "is required: 1–64 characters of [A-Za-z0-9_-]");
        }
        if (r.mode() == null) {
            fault("mode", "is required: SILENT or MANUAL");
        }
        firmware(r, firmware);
        versions("sourceVersions", r.sourceVersions());
        deviceKeys("whitelist", r.whitelist());
        deviceKeys("blacklist", r.blacklist());
        time(r);
        range("rolloutPerMinute", r.rolloutPerMinute(), 1, 1_000_000);
        range("maxConcurrentPerGateway", r.maxConcurrentPerGateway(), 1, 100);
        range("failureThresholdPercent", r.failureThresholdPercent(), 1, 100);
        range("failureThresholdMinSamples", r.failureThresholdMinSamples(), 1, 1_000_000);
        if (r.retry() != null) {
            range("retry.maxAttempts", r.retry().maxAttempts(), 1, 20);
            range("retry.backoffSeconds", r.retry().backoffSeconds(), 0, 86_400);
        }
        range("ackTimeoutSeconds", r.ackTimeoutSeconds(), 10, 86_400);
        range("taskTimeoutSeconds", r.taskTimeoutSeconds(), 60, 7 * 86_400);
        range("repushAfterRejectMinutes", r.repushAfterRejectMinutes(), 10, 1440);
        range("minBatteryPercent", r.minBatteryPercent(), 0, 100);
        range("minSignalDbm", r.minSignalDbm(), -200, 0);
        notes(r);
    }

    private void firmware(PlanRequest r, Optional<FirmwareView> firmware) {
        if (r.firmwareId() == null || r.firmwareId().isBlank()) {
            fault("firmwareId", "is required");
            return;
        }
        if (firmware.isEmpty() || firmware.get().deleted()) {
            fault("firmwareId", "names no firmware package");
            return;
        }
        FirmwareView f = firmware.get();
        if (r.productKey() != null && !f.productKey().equals(r.productKey())) {
            fault("firmwareId", "is a package of product " + f.productKey() + ", not " + r.productKey());
        }
        if (Boolean.TRUE.equals(r.requireVerifiedFirmware()) && !"VERIFIED".equals(f.verification())) {
            fault("firmwareId", "is " + f.verification() + " but the plan requires verified firmware");
        }
        List<String> sources = r.sourceVersions() == null ? List.of() : r.sourceVersions();
        if ("DELTA".equals(f.type()) && !sources.contains(f.sourceVersion())) {
            fault("sourceVersions", "must contain " + f.sourceVersion() + ", the source version of the DELTA package");
        }
        if (sources.contains(f.version())) {
            fault("sourceVersions", "must not contain the target version " + f.version());
        }
    }

    private void time(PlanRequest r) {
        if (r.timeZone() == null || !ZoneId.getAvailableZoneIds().contains(r.timeZone())) {
            fault("timeZone", "is required: an IANA time zone such as Europe/Berlin");
        }
        if (r.startAt() != null && r.endAt() != null && !r.endAt().isAfter(r.startAt())) {
            fault("endAt", "must be after startAt");
        }
        List<PlanRequest.PushWindow> windows = r.pushWindows() == null ? List.of() : r.pushWindows();
        for (int i = 0; i < windows.size(); i++) {
            PlanRequest.PushWindow w = windows.get(i);
            boolean from = w != null && time(w.from());
            boolean to = w != null && time(w.to());
            if (!from) {
                fault("pushWindows[" + i + "].from", "must be a time HH:mm");
            }
            if (!to) {
                fault("pushWindows[" + i + "].to", "must be a time HH:mm");
            }
            if (from && to && w.from().equals(w.to())) {
                fault("pushWindows[" + i + "]", "must not be empty: from and to are equal");
            }
        }
    }

    private static boolean time(String value) {
        if (value == null || !HH_MM.matcher(value).matches()) {
            return false;
        }
        try {
            LocalTime.parse(value);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private void notes(PlanRequest r) {
        Map<String, String> notes = r.upgradeNotes() == null ? Map.of() : r.upgradeNotes();
        if (r.mode() == PlanMode.MANUAL && notes.isEmpty()) {
            fault("upgradeNotes", "are required for MANUAL plans: at least one language → text");
        }
        notes.forEach((language, text) -> {
            if (language == null || !LANGUAGE.matcher(language).matches()) {
                fault("upgradeNotes." + language, "must be keyed by a language tag such as en or zh-CN");
            } else if (text == null || text.isBlank() || text.length() > Identifiers.MAX_NOTES_LENGTH) {
                fault("upgradeNotes." + language, "must be 1–" + Identifiers.MAX_NOTES_LENGTH + " characters");
            }
        });
    }

    private void versions(String field, List<String> versions) {
        if (versions == null) {
            return;
        }
        for (int i = 0; i < versions.size(); i++) {
            if (!Identifiers.isVersion(versions.get(i))) {
                fault(field + "[" + i + "]", "must be 1–64 printable characters");
            }
        }
    }

    private void deviceKeys(String field, List<String> keys) {
        if (keys == null) {
            return;
        }
        if (keys.size() > maxList) {
            fault(field, "must have at most " + maxList + " entries");
            return;
        }
        for (int i = 0; i < keys.size(); i++) {
            if (!Identifiers.isDeviceKey(keys.get(i))) {
                fault(field + "[" + i + "]", "must be 1–128 characters of [A-Za-z0-9._:-]");
                return; // one is enough to act on; a list of 100,000 bad keys must not make a huge answer
            }
        }
    }

    private void range(String field, Integer value, int min, int max) {
        if (value != null && (value < min || value > max)) {
            fault(field, "must be between " + min + " and " + max);
        }
    }

    private void fault(String field, String message) {
        errors.add(new FieldError(field, message));
    }
}
