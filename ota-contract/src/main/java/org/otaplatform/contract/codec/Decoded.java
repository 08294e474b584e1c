package org.otaplatform.contract.codec;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The outcome of decoding a payload: a valid message, or the violations that refuse it. */
public sealed interface Decoded<T> {

    record Valid<T>(T message) implements Decoded<T> {}

    /**
     * A refused payload. {@code msgId} is the payload's message id when it could still be read, so
     * that the error reply can name it in {@code inReplyTo}.
     */
    record Invalid<T>(Optional<String> msgId, List<Violation> violations) implements Decoded<T> {

        public Invalid {
            if (violations.isEmpty()) {
                throw new IllegalArgumentException("an invalid payload needs at least one violation");
            }
            violations = List.copyOf(violations);
        }

        /** A message a person can act on, naming every field at fault. */
        public String summary() {
            return violations.stream().map(Violation::toString).collect(Collectors.joining("; "));
        }

        /** The first field at fault. */
        public String field() {
            return violations.get(0).field();
        }
    }

    default boolean isValid() {
        return this instanceof Valid;
    }
}
