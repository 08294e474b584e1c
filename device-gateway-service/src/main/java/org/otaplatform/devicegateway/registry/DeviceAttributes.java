package org.otaplatform.devicegateway.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.otaplatform.common.error.FieldError;
import org.otaplatform.contract.Identifiers;
import org.otaplatform.contract.filter.FilterField;

/**
 * The rules of device attributes (REST API, "Fleet targeting"): a hardware revision of 1–32 {@code
 * [A-Za-z0-9._-]}; at most {@value #MAX_TAGS} tags, keys {@code [a-z0-9_.-]{1,32}}, values 1–128 printable
 * characters. A patch names what changes: a field left out stays, a tag set to null is removed, a revision or
 * name set to null is cleared.
 */
public final class DeviceAttributes {

    public static final int MAX_TAGS = 32;
    public static final int MAX_TAG_VALUE = 128;
    public static final Pattern REVISION = Pattern.compile("[A-Za-z0-9._-]{1,32}");

    private static final ObjectMapper JSON = new ObjectMapper();

    private DeviceAttributes() {}

    /**
     * A {@code PATCH} body, read: {@code name}/{@code hardwareRevision} present (possibly null: cleared) or not;
     * {@code tags} the changes (null values remove); {@code testDevice} null when absent.
     */
    public record Patch(
            boolean hasName,
            String name,
            boolean hasRevision,
            String revision,
            Map<String, String> tags,
            Boolean testDevice) {}

    /** Reads and checks a patch; every field at fault in {@code errors}. */
    public static Patch read(JsonNode body, List<FieldError> errors) {
        if (body == null || !body.isObject()) {
            errors.add(new FieldError("body", "must be a JSON object of name, hardwareRevision, tags and testDevice"));
            return null;
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!List.of("name", "hardwareRevision", "tags", "testDevice").contains(field)) {
                errors.add(
                        new FieldError(field, "is not a device attribute (name, hardwareRevision, tags, testDevice)"));
            }
        }
        String name = text(body, "name", errors);
        if (name != null) {
            RegistryRules.checkName(name, false, errors);
        }
        String revision = text(body, "hardwareRevision", errors);
        if (revision != null && !REVISION.matcher(revision).matches()) {
            errors.add(new FieldError("hardwareRevision", "must be 1–32 characters of A-Z a-z 0-9 . _ -"));
        }
        Map<String, String> tags = new TreeMap<>();
        JsonNode t = body.get("tags");
        if (t != null && !t.isNull()) {
            if (!t.isObject()) {
                errors.add(new FieldError("tags", "must be an object of tag keys to values (null removes one)"));
            } else {
                t.fields().forEachRemaining(e -> {
                    JsonNode v = e.getValue();
                    if (v.isNull()) {
                        tags.put(e.getKey(), null);
                    } else if (!v.isTextual()) {
                        errors.add(new FieldError("tags." + e.getKey(), "must be a string or null"));
                    } else {
                        tags.put(e.getKey(), v.asText());
                    }
                });
                checkTags(tags, "tags.", errors);
            }
        }
        Boolean testDevice = null;
        JsonNode test = body.get("testDevice");
        if (test != null) {
            if (test.isBoolean()) {
                testDevice = test.booleanValue();
            } else {
                errors.add(new FieldError("testDevice", "must be true or false"));
            }
        }
        return new Patch(body.has("name"), name, body.has("hardwareRevision"), revision, tags, testDevice);
    }

    private static String text(JsonNode body, String field, List<FieldError> errors) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            errors.add(new FieldError(field, "must be a string or null"));
            return null;
        }
        return v.asText();
    }

    /** Keys and values as the rules allow (null values: removals); errors named {@code prefix + key}. */
    public static void checkTags(Map<String, String> tags, String prefix, List<FieldError> errors) {
        for (Map.Entry<String, String> e : tags.entrySet()) {
            if (!FilterField.TAG_KEY.matcher(e.getKey()).matches()) {
                errors.add(new FieldError(prefix + e.getKey(), "a tag key is 1–32 characters of a-z 0-9 . _ -"));
            } else if (e.getValue() != null && !Identifiers.isPrintable(e.getValue(), MAX_TAG_VALUE)) {
                errors.add(new FieldError(prefix + e.getKey(), "a tag value is 1–128 printable characters"));
            }
        }
    }

    /** The tags after the changes ({@code null} values removed); more than {@link #MAX_TAGS} is an error. */
    public static Map<String, String> merged(
            Map<String, String> before, Map<String, String> changes, List<FieldError> errors) {
        Map<String, String> after = new TreeMap<>(before);
        changes.forEach((k, v) -> {
            if (v == null) {
                after.remove(k);
            } else {
                after.put(k, v);
            }
        });
        if (after.size() > MAX_TAGS) {
            errors.add(new FieldError(
                    "tags", "a device has at most " + MAX_TAGS + " tags, this would make " + after.size()));
        }
        return after;
    }

    /** Tags from their jsonb text. */
    public static Map<String, String> tags(String json) {
        if (json == null || json.isEmpty()) {
            return Map.of();
        }
        try {
            return new TreeMap<>(JSON.readValue(json, new TypeReference<Map<String, String>>() {}));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("tags are not a JSON object of strings: " + json, e);
        }
    }

    /** Tags as jsonb text. */
    public static String json(Map<String, String> tags) {
        try {
            return JSON.writeValueAsString(tags);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The keys as a list, for messages. */
    static List<String> keys(Map<String, String> tags) {
        return new ArrayList<>(tags.keySet());
    }
}
