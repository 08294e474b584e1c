package org.otaplatform.common.paging;

import java.util.Set;
import java.util.TreeSet;
import org.otaplatform.common.error.ApiException;

/**
 * A list's order from its {@code sort} query parameter: a field name, descending with a leading {@code -}
 * ({@code sort=-createdAt}). Only the fields a list names may be used: anything else is a 422 naming the
 * parameter and the fields it takes.
 */
public record SortOrder(String field, boolean descending) {

    /** The order {@code value} asks for, or {@code fallback} when it is absent. */
    public static SortOrder parse(String parameter, String value, Set<String> fields, SortOrder fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        String v = value.trim();
        boolean descending = v.startsWith("-");
        String field = descending ? v.substring(1) : v;
        if (!fields.contains(field)) {
            throw ApiException.invalid(
                    parameter, "must be one of " + new TreeSet<>(fields) + ", with - for descending");
        }
        return new SortOrder(field, descending);
    }

    /** As a query parameter value. */
    @Override
    public String toString() {
        return (descending ? "-" : "") + field;
    }
}
