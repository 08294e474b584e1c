package org.otaplatform.firmware.download;

import java.util.Optional;

/**
 * What a {@code Range} header asks of a representation of {@code size} bytes (RFC 9110 §14): the
 * whole of it, one satisfiable range, or nothing satisfiable (416). Only {@code bytes} ranges are
 * understood; a header in another unit, with several ranges, or with invalid syntax is ignored and the
 * whole representation is served, as the RFC allows.
 */
public sealed interface ByteRange {

    /** Serve everything with 200. */
    record Full() implements ByteRange {}

    /** Serve {@code first}..{@code last} (inclusive) with 206. */
    record Partial(long first, long last) implements ByteRange {
        public long length() {
            return last - first + 1;
        }
    }

    /** 416 with {@code Content-Range: bytes *}/size. */
    record Unsatisfiable() implements ByteRange {}

    static ByteRange of(String header, long size) {
        if (header == null) {
            return new Full();
        }
        String value = header.trim();
        if (!value.regionMatches(true, 0, "bytes=", 0, 6)) {
            return new Full();
        }
        String spec = value.substring(6).trim();
        if (spec.isEmpty() || spec.contains(",")) {
            return new Full();
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return new Full();
        }
        String firstText = spec.substring(0, dash).trim();
        String lastText = spec.substring(dash + 1).trim();
        if (firstText.isEmpty()) {
            return suffix(lastText, size);
        }
        Optional<Long> first = number(firstText);
        Optional<Long> last = lastText.isEmpty() ? Optional.of(Long.MAX_VALUE) : number(lastText);
        if (first.isEmpty() || last.isEmpty() || last.get() < first.get()) {
            return new Full();
        }
        if (first.get() >= size) {
            return new Unsatisfiable();
        }
        return new Partial(first.get(), Math.min(last.get(), size - 1));
    }

    private static ByteRange suffix(String lengthText, long size) {
        Optional<Long> length = number(lengthText);
        if (length.isEmpty()) {
            return new Full();
        }
        if (length.get() == 0 || size == 0) {
            return new Unsatisfiable();
        }
        return new Partial(Math.max(0, size - length.get()), size - 1);
    }

    private static Optional<Long> number(String text) {
        if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(Character::isDigit)) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(text));
    }
}
