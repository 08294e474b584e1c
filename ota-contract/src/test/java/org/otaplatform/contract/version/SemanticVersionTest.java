package org.otaplatform.contract.version;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SemanticVersionTest {

    /** Section 11 of SemVer 2.0.0, in ascending precedence. */
    private static final List<String> SPEC_ORDER = List.of(
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "2.0.0",
            "2.1.0",
            "2.1.1");

    @Test
    void ordersTheSpecificationsExamplesAsItDoes() {
        for (int i = 0; i < SPEC_ORDER.size(); i++) {
            for (int j = 0; j < SPEC_ORDER.size(); j++) {
                SemanticVersion a = SemanticVersion.parse(SPEC_ORDER.get(i)).orElseThrow();
                SemanticVersion b = SemanticVersion.parse(SPEC_ORDER.get(j)).orElseThrow();
                assertThat(Integer.signum(a.compareTo(b))).as("%s vs %s", a, b).isEqualTo(Integer.compare(i, j));
                assertThat(Integer.signum(Arrays.compareUnsigned(a.sortKey(), b.sortKey())))
                        .as("sort keys of %s vs %s", a, b)
                        .isEqualTo(Integer.compare(i, j));
            }
        }
    }

    @Test
    void comparesNumbersNumericallyNotAsText() {
        assertThat(compare("1.10.0", "1.9.0")).isPositive();
        assertThat(compare("10.0.0", "9.99.99")).isPositive();
        assertThat(compare("1.0.0-rc.10", "1.0.0-rc.9")).isPositive();
        assertThat(compare("1.0.0-1", "1.0.0-a")).isNegative();
    }

    @Test
    void ignoresBuildMetadata() {
        assertThat(compare("1.0.0+build.1", "1.0.0+build.2")).isZero();
        assertThat(SemanticVersion.sortKeyOf("1.0.0+x")).isEqualTo(SemanticVersion.sortKeyOf("1.0.0"));
        assertThat(compare("1.0.0-beta+x", "1.0.0")).isNegative();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "1",
                "1.0",
                "v1.0.0",
                "01.0.0",
                "1.00.0",
                "1.0.0-",
                "1.0.0-01",
                "1.0.0-a..b",
                "1.0.0+",
                "1.0.0 ",
                "1.0.0-ä",
                "-1.0.0",
                "1.0.0.0",
                ""
            })
    void refusesWhatIsNotSemVer(String text) {
        assertThat(SemanticVersion.parse(text)).isEmpty();
        assertThat(SemanticVersion.compare(VersionScheme.SEMVER, text, "1.0.0")).isEmpty();
    }

    @Test
    void opaqueVersionsCompareOnlyForEquality() {
        assertThat(SemanticVersion.compare(VersionScheme.OPAQUE, "1.0.0", "1.0.0"))
                .contains(0);
        assertThat(SemanticVersion.compare(VersionScheme.OPAQUE, "1.0.0", "2.0.0"))
                .isEmpty();
        assertThat(SemanticVersion.compare(VersionScheme.OPAQUE, "1.0.0+a", "1.0.0+b"))
                .isEmpty();
    }

    /**
     * Properties over many random versions (seeded, so a failure repeats): the order is a total preorder
     * (antisymmetric, transitive), the sort key agrees with it everywhere, and sorting by either gives the
     * same list; a version's text parses back to an equal version.
     */
    @Test
    void sortKeysAndComparisonAgreeOnRandomVersions() {
        Random random = new Random(20261206);
        List<SemanticVersion> versions = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            String text = randomVersion(random);
            versions.add(SemanticVersion.parse(text)
                    .orElseThrow(() -> new AssertionError("generated an invalid version " + text)));
        }
        for (int i = 0; i < 20_000; i++) {
            SemanticVersion a = versions.get(random.nextInt(versions.size()));
            SemanticVersion b = versions.get(random.nextInt(versions.size()));
            SemanticVersion c = versions.get(random.nextInt(versions.size()));
            int ab = Integer.signum(a.compareTo(b));
            assertThat(Integer.signum(b.compareTo(a))).as("%s vs %s", a, b).isEqualTo(-ab);
            assertThat(Integer.signum(Arrays.compareUnsigned(a.sortKey(), b.sortKey())))
                    .as("sort keys of %s vs %s", a, b)
                    .isEqualTo(ab);
            if (ab <= 0 && b.compareTo(c) <= 0) {
                assertThat(a.compareTo(c)).as("%s ≤ %s ≤ %s", a, b, c).isLessThanOrEqualTo(0);
            }
            assertThat(SemanticVersion.parse(a.text())).contains(a);
        }
        List<SemanticVersion> byOrder = new ArrayList<>(versions);
        byOrder.sort(SemanticVersion::compareTo);
        List<SemanticVersion> byKey = new ArrayList<>(versions);
        byKey.sort((x, y) -> Arrays.compareUnsigned(x.sortKey(), y.sortKey()));
        for (int i = 0; i < byOrder.size(); i++) {
            assertThat(byKey.get(i).compareTo(byOrder.get(i))).isZero();
        }
    }

    private static int compare(String a, String b) {
        return SemanticVersion.compare(VersionScheme.SEMVER, a, b).orElseThrow();
    }

    private static String randomVersion(Random r) {
        StringBuilder s = new StringBuilder();
        s.append(number(r)).append('.').append(number(r)).append('.').append(number(r));
        if (r.nextInt(3) == 0) {
            s.append('-');
            int ids = 1 + r.nextInt(3);
            for (int i = 0; i < ids; i++) {
                if (i > 0) {
                    s.append('.');
                }
                s.append(r.nextBoolean() ? number(r) : word(r));
            }
        }
        if (r.nextInt(4) == 0) {
            s.append('+').append(word(r));
        }
        return s.toString();
    }

    private static String number(Random r) {
        // small numbers collide often (equal parts exercise the later ones); some are long
        return switch (r.nextInt(4)) {
            case 0 -> "0";
            case 1, 2 -> Integer.toString(r.nextInt(12));
            default -> Long.toString(1 + (r.nextLong() & Long.MAX_VALUE) % 100_000_000_000L);
        };
    }

    private static String word(Random r) {
        String alphabet = "abAB-z9";
        StringBuilder s = new StringBuilder();
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
            s.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        // an identifier of digits only is numeric: make sure a word has a letter or hyphen
        if (s.chars().allMatch(Character::isDigit)) {
            s.append('x');
        }
        return s.toString();
    }
}
