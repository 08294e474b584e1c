package org.otaplatform.common.rest;

import org.otaplatform.common.error.ApiException;

/** Reads optional query parameters, answering 422 with the parameter's name when one is malformed. */
public final class QueryParams {

    private QueryParams() {}

    /** {@code true}, {@code false}, or null when absent. */
    public static Boolean bool(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        return switch (value.trim()) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw ApiException.invalid(name, "must be true or false");
        };
    }

    /** One of the enum's constants by exact name, or null when absent. */
    public static <E extends Enum<E>> E enumValue(String name, String value, Class<E> type) {
        if (value == null || value.isBlank()) {
            return null;
        }
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(value.trim())) {
                return constant;
            }
        }
        throw ApiException.invalid(name, "must be one of " + java.util.Arrays.toString(type.getEnumConstants()));
    }
}
