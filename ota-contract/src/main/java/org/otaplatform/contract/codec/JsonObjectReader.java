package org.otaplatform.contract.codec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads the fields of one JSON object, recording a {@link Violation} with the full path for every
 * rule broken. Readers return null (or a default) for a bad field; callers build their record only
 * when {@link Violations#isEmpty()}.
 */
final class JsonObjectReader {

    private final JsonNode node;
    private final String path;
    private final Violations violations;

    JsonObjectReader(JsonNode node, String path, Violations violations) {
        this.node = node;
        this.path = path;
        this.violations = violations;
    }

    String string(String name, Rule rule, boolean required) {
        JsonNode value = present(name, required);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            violations.add(field(name), "must be a string");
            return null;
        }
        if (!rule.accepts(value.textValue())) {
            violations.add(field(name), rule.description());
            return null;
        }
        return value.textValue();
    }

    Long integer(String name, long min, long max, boolean required) {
        JsonNode value = present(name, required);
        if (value == null) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            violations.add(field(name), "must be an integer");
            return null;
        }
        long number = value.longValue();
        if (number < min || number > max) {
            violations.add(field(name), "must be between " + min + " and " + max);
            return null;
        }
        return number;
    }

    Integer smallInteger(String name, int min, int max, boolean required) {
        Long value = integer(name, min, max, required);
        return value == null ? null : value.intValue();
    }

    Boolean bool(String name, boolean required) {
        JsonNode value = present(name, required);
        if (value == null) {
            return null;
        }
        if (!value.isBoolean()) {
            violations.add(field(name), "must be true or false");
            return null;
        }
        return value.booleanValue();
    }

    <E extends Enum<E>> E enumValue(String name, Class<E> type, boolean required) {
        JsonNode value = present(name, required);
        if (value == null) {
            return null;
        }
        if (value.isTextual()) {
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equals(value.textValue())) {
                    return constant;
                }
            }
        }
        String allowed = Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
        violations.add(field(name), "must be one of " + allowed);
        return null;
    }

    Optional<JsonObjectReader> object(String name, boolean required) {
        JsonNode value = present(name, required);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isObject()) {
            violations.add(field(name), "must be an object");
            return Optional.empty();
        }
        return Optional.of(new JsonObjectReader(value, field(name), violations));
    }

    /** A list of objects; elements that are not objects are reported and left out. */
    <T> List<T> list(String name, boolean required, Function<JsonObjectReader, T> element) {
        JsonNode value = present(name, required);
        List<T> result = new ArrayList<>();
        if (value == null) {
            return result;
        }
        if (!value.isArray()) {
            violations.add(field(name), "must be an array");
            return result;
        }
        for (int i = 0; i < value.size(); i++) {
            String elementPath = field(name) + "[" + i + "]";
            JsonNode item = value.get(i);
            if (!item.isObject()) {
                violations.add(elementPath, "must be an object");
                continue;
            }
            result.add(element.apply(new JsonObjectReader(item, elementPath, violations)));
        }
        return result;
    }

    /** Reports a broken rule that spans several fields, on a field of this object. */
    void reject(String name, String message) {
        violations.add(field(name), message);
    }

    Violations violations() {
        return violations;
    }

    String field(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private JsonNode present(String name, boolean required) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            if (required) {
                violations.add(field(name), "is required");
            }
            return null;
        }
        return value;
    }
}
