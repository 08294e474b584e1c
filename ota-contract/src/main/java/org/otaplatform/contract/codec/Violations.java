package org.otaplatform.contract.codec;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** Collects the violations found while reading one payload. */
final class Violations {

    private final List<Violation> list = new ArrayList<>();

    void add(String field, String message) {
        list.add(new Violation(field, message));
    }

    boolean isEmpty() {
        return list.isEmpty();
    }

    /** The message built by {@code build} when no rule was broken, else the violations. */
    <T> Decoded<T> result(Optional<String> msgId, Supplier<? extends T> build) {
        if (list.isEmpty()) {
            return new Decoded.Valid<>(build.get());
        }
        return new Decoded.Invalid<>(msgId, list);
    }
}
