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

    /**
     * The faults of {@code r}, given the packages it names as plan-service knows them (by id; empty when
     * unknown).
     */
    static List<FieldError> check(PlanRequest r, Map<String, Optional<FirmwareView>> firmware, int maxListEntries) {
        PlanValidator v = new PlanValidator(maxListEntries);
        v.run(r, firmware);
        return v.errors;
    }

    private void run(PlanRequest r, Map<String, Optional<FirmwareView>> firmware) {
        if (!Identifiers.isPrintable(r.name(), 100)) {
            fault("name", "is required: 1–100 printable characters");
        }
        if (!Identifiers.isProductKey(r.productKey())) {
            fault("productKey", "is required: 1–64 characters of [A-Za-z0-9_-]");
        }
        if (r.mode() == null) {
            fault("mode", "is required: SILENT or MANUAL");
        }
        if (r.nodeType() != null && !PlanRequest.NODE_TYPES.contains(r.nodeType())) {
            fault("nodeType", "must be GATEWAY or SUB_DEVICE");
        }
        firmware(r, firmware);
        versions("sourceVersions", r.sourceVersions());
        deviceKeys("whitelist", r.whitelist());
        deviceKeys("blacklist", r.blacklist());
        time(r);
        range("rolloutPerMinute", r.rolloutPerMinute(), 1, 1_000_000);
        exponential(r);
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
        waves(r);
        target(r);
    }

    /** A filter's syntax (its fields and versions are checked once the product is known). */
    private void filter(String field, String text) {
        try {
            org.otaplatform.contract.filter.FilterParser.parse(text);
        } catch (org.otaplatform.contract.filter.FilterException e) {
            fault(field, e.describe());
        }
    }

    /**
     * The target: a filter of the REST API's language (its syntax here; its fields and versions once the
     * product is known), at most 20 groups by name; a membership only with a target.
     */
    private void target(PlanRequest r) {
        PlanRequest.Target t = r.target();
        if (t == null) {
            if (r.membership() != null) {
                fault("membership", "applies to a plan with a target (a filter or groups)");
            }
            return;
        }
        if (t.filter() != null && !t.filter().isBlank()) {
            filter("target.filter", t.filter());
        }
        List<String> groups = t.groupNames();
        if (groups.size() > 20) {
            fault("target.groups", "must name at most 20 groups");
            return;
        }
        for (int i = 0; i < groups.size(); i++) {
            if (!org.otaplatform.plan.plan.Groups.isName(groups.get(i))) {
                fault(
                        "target.groups[" + i + "]",
                        "must be a group name: 1–64 characters of [A-Za-z0-9._-], not . or ..");
            }
        }
    }

    /**
     * The waves: of a silent plan, at most 20, each taking one kind of share (a percentage, a count, a list of
     * devices and/or gateways) or none (only the last: every device the others did not take), a canary
     * only first, gates in range.
     */
    private void waves(PlanRequest r) {
        List<PlanRequest.Wave> waves = r.waves();
        if (waves == null || waves.isEmpty()) {
            return;
        }
        if (r.mode() == PlanMode.MANUAL) {
            fault("waves", "apply to SILENT plans only: a MANUAL plan offers its upgrade to every device at once");
        }
        if (waves.size() > 20) {
            fault("waves", "must be at most 20");
            return;
        }
        for (int i = 0; i < waves.size(); i++) {
            String field = "waves[" + i + "]";
            PlanRequest.Wave w = waves.get(i);
            if (w == null) {
                fault(field, "must be a wave");
                continue;
            }
            if (w.name() != null && !Identifiers.isPrintable(w.name(), 100)) {
                fault(field + ".name", "must be 1–100 printable characters");
            }
            if (Boolean.TRUE.equals(w.canary()) && i > 0) {
                fault(field + ".canary", "only the first wave may be a canary");
            }
            int kinds = (w.percent() != null ? 1 : 0) + (w.count() != null ? 1 : 0) + (w.listed() ? 1 : 0);
            if (kinds > 1) {
                fault(field, "takes a percent, a count, or devices/gateways/filter: give one");
            } else if (kinds == 0 && i < waves.size() - 1) {
                fault(
                        field,
                        "needs percent, count, devices, gateways or a filter: only the last wave may take every"
                                + " device left");
            } else if (w.open() && i < waves.size() - 1) {
                fault(field + ".percent", "100 takes every device left: only the last wave may");
            }
            range(field + ".percent", w.percent(), 1, 100);
            range(field + ".count", w.count(), 1, 10_000_000);
            deviceKeys(field + ".devices", w.devices());
            gatewayIds(field + ".gateways", w.gateways());
            if (w.filter() != null) {
                filter(field + ".filter", w.filter());
            }
            if (w.successGate() != null) {
                range(field + ".successGate.minSuccessPercent", w.successGate().minSuccessPercent(), 0, 100);
                range(field + ".successGate.minResults", w.successGate().minResults(), 1, 10_000_000);
                range(field + ".successGate.soakMinutes", w.successGate().soakMinutes(), 0, 7 * 1440);
            }
            if (w.errorGate() != null) {
                required(field + ".errorGate.maxFailurePercent", w.errorGate().maxFailurePercent(), 0, 99);
                range(field + ".errorGate.minResults", w.errorGate().minResults(), 1, 10_000_000);
            }
        }
    }

    private void gatewayIds(String field, List<String> ids) {
        if (ids == null) {
            return;
        }
        if (ids.size() > maxList) {
            fault(field, "must have at most " + maxList + " entries");
            return;
        }
        for (int i = 0; i < ids.size(); i++) {
            if (!Identifiers.isGatewayId(ids.get(i))) {
                fault(field + "[" + i + "]", "must be a gateway id: 1–64 characters of [A-Za-z0-9._-], not . or ..");
                return;
            }
        }
    }

    /**
     * The packages: each known, of the plan's product, verified where the plan requires it, all to one
     * target version; at most one full package and one delta per source version; and every source version
     * the plan names covered by a delta from it or the full package (a delta pushed to a device on another
     * version fails there).
     */
    private void firmware(PlanRequest r, Map<String, Optional<FirmwareView>> firmware) {
        boolean several = r.firmwareIds() != null && !r.firmwareIds().isEmpty();
        if (!several && (r.firmwareId() == null || r.firmwareId().isBlank())) {
            fault("firmwareId", "is required (or firmwareIds)");
            return;
        }
        if (several && r.firmwareIds().size() > 50) {
            fault("firmwareIds", "must name at most 50 packages");
            return;
        }
        if (several && r.firmwareId() != null && !r.firmwareIds().contains(r.firmwareId())) {
            fault("firmwareId", "must be one of firmwareIds");
        }
        List<String> ids = r.packageIds();
        List<FirmwareView> known = new ArrayList<>();
        FirmwareView full = null;
        Map<String, FirmwareView> deltas = new java.util.HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            String field = several ? "firmwareIds[" + i + "]" : "firmwareId";
            Optional<FirmwareView> found = firmware.getOrDefault(ids.get(i), Optional.empty());
            if (found.isEmpty() || found.get().deleted()) {
                fault(field, "names no firmware package");
                continue;
            }
            FirmwareView f = found.get();
            if (r.productKey() != null && !f.productKey().equals(r.productKey())) {
                fault(field, "is a package of product " + f.productKey() + ", not " + r.productKey());
            }
            if (Boolean.TRUE.equals(r.requireVerifiedFirmware()) && !"VERIFIED".equals(f.verification())) {
                fault(field, "is " + f.verification() + " but the plan requires verified firmware");
            }
            if (!known.isEmpty() && !known.get(0).version().equals(f.version())) {
                fault(
                        field,
                        "installs " + f.version() + ", not " + known.get(0).version()
                                + " as the plan's other packages");
            }
            if (!known.isEmpty() && !known.get(0).sameHardware(f)) {
                // one hardware rule per plan: each device gets a package that fits it, or none
                fault(
                        field,
                        "supports hardware " + f.hardwareRevisions() + " (unknown: " + f.unknownHardware() + "), not "
                                + known.get(0).hardwareRevisions() + " (unknown: "
                                + known.get(0).unknownHardware()
                                + ") as the plan's other packages");
            }
            if ("DELTA".equals(f.type())) {
                if (deltas.putIfAbsent(f.sourceVersion(), f) != null) {
                    fault(field, "is a second DELTA from " + f.sourceVersion());
                }
            } else if (full != null) {
                fault(field, "is a second FULL package");
            } else {
                full = f;
            }
            known.add(f);
        }
        if (known.isEmpty()) {
            return;
        }
        String target = known.get(0).version();
        List<String> sources = r.sourceVersions() == null ? List.of() : r.sourceVersions();
        if (sources.contains(target)) {
            fault("sourceVersions", "must not contain the target version " + target);
        }
        if (full == null && sources.isEmpty()) {
            fault(
                    "sourceVersions",
                    "must name the versions to upgrade: without a FULL package only the DELTAs' source versions "
                            + new java.util.TreeSet<>(deltas.keySet()) + " can be upgraded");
        }
        if (full == null) {
            for (String source : sources) {
                if (!source.equals(target) && !deltas.containsKey(source)) {
                    fault(
                            "sourceVersions",
                            "contains " + source + ", which no package of the plan upgrades (no FULL package, no"
                                    + " DELTA from " + source + ")");
                }
            }
        }
    }

    private void exponential(PlanRequest r) {
        PlanRequest.ExponentialRollout e = r.exponentialRollout();
        if (e == null) {
            return;
        }
        if (r.rolloutPerMinute() != null) {
            fault("exponentialRollout", "and rolloutPerMinute exclude each other: give one");
        }
        required("exponentialRollout.baseRatePerMinute", e.baseRatePerMinute(), 1, 1_000_000);
        required("exponentialRollout.maxPerMinute", e.maxPerMinute(), 1, 1_000_000);
        if (e.incrementFactor() == null || !(e.incrementFactor() >= 1.1 && e.incrementFactor() <= 5)) {
            fault("exponentialRollout.incrementFactor", "is required: from 1.1 to 5");
        }
        if ((e.increaseAfterNotified() == null) == (e.increaseAfterSucceeded() == null)) {
            fault("exponentialRollout", "needs one of increaseAfterNotified and increaseAfterSucceeded");
        }
        range("exponentialRollout.increaseAfterNotified", e.increaseAfterNotified(), 1, 1_000_000);
        range("exponentialRollout.increaseAfterSucceeded", e.increaseAfterSucceeded(), 1, 1_000_000);
        if (e.baseRatePerMinute() != null && e.maxPerMinute() != null && e.maxPerMinute() < e.baseRatePerMinute()) {
            fault("exponentialRollout.maxPerMinute", "must be at least baseRatePerMinute");
        }
    }

    private void required(String field, Integer value, int min, int max) {
        if (value == null) {
            fault(field, "is required: from " + min + " to " + max);
        } else {
            range(field, value, min, max);
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
                fault(field + "[" + i + "]", "must be 1–128 characters of [A-Za-z0-9._:-], not . or ..");
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
