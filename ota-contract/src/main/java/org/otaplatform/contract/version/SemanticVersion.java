package org.otaplatform.contract.version;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A version under Semantic Versioning 2.0.0: {@code MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]}, ordered by
 * its precedence (section 11 of the specification): numbers numerically, then a pre-release below the
 * release it precedes, its identifiers one by one (numeric ones numerically and below alphanumeric ones,
 * which compare in ASCII order; more identifiers rank higher when all before are equal). Build metadata
 * takes no part in precedence, so two versions that differ only there are equal here.
 *
 * <p>{@link #sortKey()} encodes that order as bytes whose unsigned lexicographic order is the precedence,
 * so a database compares versions with an ordinary index on a {@code bytea} column.
 */
public final class SemanticVersion implements Comparable<SemanticVersion> {

    private static final String NUMBER = "0|[1-9][0-9]*";
    private static final String IDENTIFIER = "(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)";
    private static final Pattern SEMVER = Pattern.compile("(" + NUMBER + ")\\.(" + NUMBER + ")\\.(" + NUMBER + ")"
            + "(?:-(" + IDENTIFIER + "(?:\\." + IDENTIFIER + ")*))?"
            + "(?:\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?");

    private final String text;
    private final String[] numbers;
    private final List<String> preRelease;

    private SemanticVersion(String text, String[] numbers, List<String> preRelease) {
        this.text = text;
        this.numbers = numbers;
        this.preRelease = preRelease;
    }

    /** The version, or empty when {@code text} is not a valid SemVer 2.0.0 version. */
    public static Optional<SemanticVersion> parse(String text) {
        if (text == null || text.length() > 256) {
            return Optional.empty();
        }
        var m = SEMVER.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        List<String> pre = m.group(4) == null ? List.of() : List.of(m.group(4).split("\\."));
        return Optional.of(new SemanticVersion(text, new String[] {m.group(1), m.group(2), m.group(3)}, pre));
    }

    public static boolean isValid(String text) {
        return parse(text).isPresent();
    }

    /**
     * The precedence of two version strings under {@code scheme}: negative, zero or positive as {@code a}
     * ranks below, with or above {@code b}; empty when they cannot be ordered (an {@code OPAQUE} scheme with
     * different strings, or a string that is not a SemVer version).
     */
    public static Optional<Integer> compare(VersionScheme scheme, String a, String b) {
        if (a == null || b == null) {
            return Optional.empty();
        }
        if (scheme == VersionScheme.OPAQUE) {
            return a.equals(b) ? Optional.of(0) : Optional.empty();
        }
        Optional<SemanticVersion> x = parse(a);
        Optional<SemanticVersion> y = parse(b);
        return x.isPresent() && y.isPresent() ? Optional.of(x.get().compareTo(y.get())) : Optional.empty();
    }

    /** The sort key of a version string, or null when it is not a SemVer version. */
    public static byte[] sortKeyOf(String text) {
        return parse(text).map(SemanticVersion::sortKey).orElse(null);
    }

    public String text() {
        return text;
    }

    @Override
    public int compareTo(SemanticVersion o) {
        for (int i = 0; i < 3; i++) {
            int c = compareNumbers(numbers[i], o.numbers[i]);
            if (c != 0) {
                return c;
            }
        }
        if (preRelease.isEmpty() || o.preRelease.isEmpty()) {
            // a release ranks above its pre-releases
            return Boolean.compare(preRelease.isEmpty(), o.preRelease.isEmpty());
        }
        for (int i = 0; i < Math.min(preRelease.size(), o.preRelease.size()); i++) {
            int c = compareIdentifiers(preRelease.get(i), o.preRelease.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(preRelease.size(), o.preRelease.size());
    }

    /**
     * Bytes in precedence order: each number as its digit count then its digits (numbers have no leading
     * zeros, so a longer one is larger); then {@code 0x02} for a release, or {@code 0x01} for a
     * pre-release (below its release) followed by each identifier, {@code 0x01} with a numeric one's count
     * and digits or {@code 0x02} with an alphanumeric one's characters and a {@code 0x00} end, and a final
     * {@code 0x00}, below any further identifier.
     */
    public byte[] sortKey() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() + 8);
        for (String n : numbers) {
            number(out, n);
        }
        if (preRelease.isEmpty()) {
            out.write(0x02);
            return out.toByteArray();
        }
        out.write(0x01);
        for (String id : preRelease) {
            if (isNumeric(id)) {
                out.write(0x01);
                number(out, id);
            } else {
                out.write(0x02);
                out.writeBytes(id.getBytes(StandardCharsets.US_ASCII));
                out.write(0x00);
            }
        }
        out.write(0x00);
        return out.toByteArray();
    }

    /** The sort key as lower-case hex, for logs and tests. */
    public String sortKeyHex() {
        return HexFormat.of().formatHex(sortKey());
    }

    private static void number(ByteArrayOutputStream out, String digits) {
        out.write(digits.length());
        out.writeBytes(digits.getBytes(StandardCharsets.US_ASCII));
    }

    private static int compareNumbers(String a, String b) {
        return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : Integer.signum(a.compareTo(b));
    }

    private static int compareIdentifiers(String a, String b) {
        boolean an = isNumeric(a);
        boolean bn = isNumeric(b);
        if (an && bn) {
            return compareNumbers(a, b);
        }
        if (an != bn) {
            return an ? -1 : 1;
        }
        return Integer.signum(a.compareTo(b));
    }

    private static boolean isNumeric(String id) {
        return id.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SemanticVersion v && compareTo(v) == 0;
    }

    @Override
    public int hashCode() {
        return List.of(numbers).hashCode() * 31 + preRelease.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }

    /** The identifiers of the pre-release, empty for a release. */
    List<String> preRelease() {
        return new ArrayList<>(preRelease);
    }
}
