package org.otaplatform.console.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The plan form and the plan API's JSON, both ways: what a person typed becomes the request body (lists
 * split on commas or spaces, push windows as {@code 02:00-05:00}, notes as {@code en: text} lines), and a
 * plan becomes the form's values to edit. The service validates; the form only says what it cannot even
 * send (a number that is not one), and shows every field error beside its field.
 */
@io.quarkus.qute.TemplateData
public final class PlanForm {

    /** The form's fields, named as the API names them (and as its 422 errors name them). */
    public static final List<String> FIELDS = List.of(
            "name",
            "productKey",
            "firmwareId",
            "sourceVersions",
            "mode",
            "whitelist",
            "blacklist",
            "timeZone",
            "startAt",
            "endAt",
            "pushWindows",
            "rolloutPerMinute",
            "maxConcurrentPerGateway",
            "failureThresholdPercent",
            "failureThresholdMinSamples",
            "retry.maxAttempts",
            "retry.backoffSeconds",
            "ackTimeoutSeconds",
            "taskTimeoutSeconds",
            "requireVerifiedFirmware",
            "pushActively",
            "repushAfterRejectMinutes",
            "minBatteryPercent",
            "minSignalDbm",
            "upgradeNotes",
            "target.filter",
            "target.groups",
            "membership");

    private static final List<String> NUMBERS = List.of(
            "rolloutPerMinute",
            "maxConcurrentPerGateway",
            "failureThresholdPercent",
            "failureThresholdMinSamples",
            "ackTimeoutSeconds",
            "taskTimeoutSeconds",
            "repushAfterRejectMinutes",
            "minBatteryPercent",
            "minSignalDbm");
    private static final List<String> LISTS = List.of("sourceVersions", "whitelist", "blacklist");
    private static final Pattern SPLIT = Pattern.compile("[\\s,]+");

    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, String> errors = new LinkedHashMap<>();

    private PlanForm() {
        FIELDS.forEach(f -> values.put(f, ""));
    }

    /** A new plan's form: the defaults the API would apply, shown so that people see them. */
    public static PlanForm blank(String productKey, String firmwareId) {
        PlanForm form = new PlanForm();
        form.values.put("productKey", productKey == null ? "" : productKey);
        form.values.put("firmwareId", firmwareId == null ? "" : firmwareId);
        form.values.put("mode", "SILENT");
        form.values.put("timeZone", "UTC");
        form.values.put("maxConcurrentPerGateway", "4");
        form.values.put("pushActively", "true");
        form.values.put("requireVerifiedFirmware", "false");
        form.values.put("membership", "FROZEN");
        return form;
    }

    /** What was posted, as typed. */
    public static PlanForm posted(MultivaluedMap<String, String> params) {
        PlanForm form = new PlanForm();
        for (String field : FIELDS) {
            String v = params.getFirst(field);
            form.values.put(field, v == null ? "" : v.strip());
        }
        for (String box : List.of("requireVerifiedFirmware", "pushActively")) {
            form.values.put(box, String.valueOf("true".equals(params.getFirst(box))));
        }
        return form;
    }

    /** A plan as the API shows it, to edit. */
    public static PlanForm of(JsonNode plan) {
        PlanForm form = new PlanForm();
        for (String field : FIELDS) {
            JsonNode v = field.startsWith("retry.")
                    ? plan.path("retry").path(field.substring(6))
                    : field.startsWith("target.") ? plan.path("target").path(field.substring(7)) : plan.path(field);
            form.values.put(field, text(field, v));
        }
        if (form.values.get("membership").isEmpty()) {
            form.values.put("membership", "FROZEN");
        }
        return form;
    }

    private static String text(String field, JsonNode v) {
        if (v.isMissingNode() || v.isNull()) {
            return "";
        }
        if (LISTS.contains(field) || field.equals("target.groups")) {
            List<String> items = new ArrayList<>();
            v.forEach(i -> items.add(i.asText()));
            return String.join(", ", items);
        }
        if (field.equals("pushWindows")) {
            List<String> windows = new ArrayList<>();
            v.forEach(w ->
                    windows.add(w.path("from").asText() + "-" + w.path("to").asText()));
            return String.join(", ", windows);
        }
        if (field.equals("upgradeNotes")) {
            StringBuilder notes = new StringBuilder();
            v.fields()
                    .forEachRemaining(e -> notes.append(e.getKey())
                            .append(": ")
                            .append(e.getValue().asText())
                            .append('\n'));
            return notes.toString().strip();
        }
        return v.asText();
    }

    /** The request body; fields the form could not even read are left out and named in {@link #errors}. */
    public ObjectNode body() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode body = f.objectNode();
        for (String field : List.of("name", "productKey", "firmwareId", "mode", "timeZone", "startAt", "endAt")) {
            String v = values.get(field);
            if (!v.isEmpty()) {
                body.put(field, v);
            }
        }
        for (String field : LISTS) {
            ArrayNode list = body.putArray(field);
            for (String item : SPLIT.split(values.get(field))) {
                if (!item.isEmpty()) {
                    list.add(item);
                }
            }
        }
        ArrayNode windows = body.putArray("pushWindows");
        for (String window : values.get("pushWindows").split(",")) {
            String w = window.strip();
            if (w.isEmpty()) {
                continue;
            }
            int dash = w.indexOf('-');
            ObjectNode item = windows.addObject();
            item.put("from", dash < 0 ? w : w.substring(0, dash).strip());
            item.put("to", dash < 0 ? "" : w.substring(dash + 1).strip());
        }
        for (String field : NUMBERS) {
            number(field).ifPresent(n -> body.put(field, n));
        }
        var attempts = number("retry.maxAttempts");
        var backoff = number("retry.backoffSeconds");
        if (attempts.isPresent() || backoff.isPresent()) {
            ObjectNode retry = body.putObject("retry");
            attempts.ifPresent(n -> retry.put("maxAttempts", n));
            backoff.ifPresent(n -> retry.put("backoffSeconds", n));
        }
        // the target: a filter and/or groups, and whom the plan may touch (FROZEN: those matched at activation)
        String filter = values.get("target.filter");
        List<String> groups = new ArrayList<>();
        for (String g : SPLIT.split(values.get("target.groups"))) {
            if (!g.isEmpty()) {
                groups.add(g);
            }
        }
        if (!filter.isEmpty() || !groups.isEmpty()) {
            ObjectNode target = body.putObject("target");
            if (!filter.isEmpty()) {
                target.put("filter", filter);
            }
            ArrayNode names = target.putArray("groups");
            groups.forEach(names::add);
            String membership = values.get("membership");
            body.put("membership", membership.isEmpty() ? "FROZEN" : membership);
        }
        body.put("requireVerifiedFirmware", Boolean.parseBoolean(values.get("requireVerifiedFirmware")));
        body.put("pushActively", Boolean.parseBoolean(values.get("pushActively")));
        String notes = values.get("upgradeNotes");
        if (!notes.isEmpty()) {
            ObjectNode map = body.putObject("upgradeNotes");
            for (String line : notes.split("\\R")) {
                if (line.isBlank()) {
                    continue;
                }
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    errors.put(
                            "upgradeNotes", "write one note per line as language: text, e.g. en: Better battery life");
                    continue;
                }
                map.put(
                        line.substring(0, colon).strip(),
                        line.substring(colon + 1).strip());
            }
        }
        return body;
    }

    private java.util.Optional<Integer> number(String field) {
        String v = values.get(field);
        if (v.isEmpty()) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(Integer.parseInt(v));
        } catch (NumberFormatException e) {
            errors.put(field, "must be a whole number");
            return java.util.Optional.empty();
        }
    }

    /**
     * The service's refusal beside the fields: {@code pushWindows[1].from} belongs to the push windows field,
     * {@code upgradeNotes.fr} to the notes; what names no field of the form is kept for the summary.
     */
    public void refused(JsonNode problem) {
        for (JsonNode error : problem.path("errors")) {
            String field = error.path("field").asText("");
            String message = error.path("message").asText("is not valid");
            String target = formField(field);
            errors.merge(target, label(field, target) + message, (a, b) -> a + "; " + b);
        }
        if (errors.isEmpty()) {
            errors.put("", problem.path("detail").asText("the plan was refused"));
        }
    }

    private static String label(String field, String target) {
        return field.equals(target) ? "" : field + ": ";
    }

    static String formField(String apiField) {
        String f = apiField;
        int bracket = f.indexOf('[');
        if (bracket >= 0) {
            f = f.substring(0, bracket);
        }
        if (f.startsWith("upgradeNotes")) {
            return "upgradeNotes";
        }
        return FIELDS.contains(f) ? f : (f.equals("retry") ? "retry.maxAttempts" : "");
    }

    public boolean invalid() {
        return !errors.isEmpty();
    }

    public Map<String, String> values() {
        return values;
    }

    public Map<String, String> errors() {
        return errors;
    }

    /** Errors for the summary above the form: field and message. */
    public List<Map.Entry<String, String>> summary() {
        return new ArrayList<>(errors.entrySet());
    }
}
