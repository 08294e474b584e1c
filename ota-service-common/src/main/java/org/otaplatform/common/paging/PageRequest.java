package org.otaplatform.common.paging;

import java.util.ArrayList;
import java.util.List;
import org.otaplatform.common.error.ApiException;
import org.otaplatform.common.error.FieldError;

/** {@code page} (0-based) and {@code size} (default 50, at most 500), checked. */
public record PageRequest(int page, int size) {

    public static final int DEFAULT_SIZE = 50;
    public static final int MAX_SIZE = 500;

    /** Reads the query parameters; absent ones take their defaults, bad ones answer 422. */
    public static PageRequest of(String page, String size) {
        List<FieldError> errors = new ArrayList<>();
        int p = parse(page, 0, "page", errors);
        int s = parse(size, DEFAULT_SIZE, "size", errors);
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        if (p < 0) {
            errors.add(new FieldError("page", "must be 0 or more"));
        }
        if (s < 1 || s > MAX_SIZE) {
            errors.add(new FieldError("size", "must be between 1 and " + MAX_SIZE));
        } else if ((long) p * s > Integer.MAX_VALUE) {
            // the offset would overflow into a negative number (a 500 from the database): no such page
            errors.add(new FieldError("page", "must be at most " + Integer.MAX_VALUE / s + " with size " + s));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        return new PageRequest(p, s);
    }

    private static int parse(String value, int fallback, String name, List<FieldError> errors) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            errors.add(new FieldError(name, "must be a whole number"));
            return fallback;
        }
    }

    public int offset() {
        return page * size;
    }

    public <T> Page<T> page(List<T> items, long total) {
        return new Page<>(items, page, size, total);
    }
}
