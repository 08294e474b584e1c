package org.otaplatform.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The hand-written identifier checks agree with the protocol's patterns, on edge cases and random strings. */
class IdentifiersTest {

    private static final String ALPHABET = "aZ09._:-/ é\u0000\n+@";

    @Test
    void eachCheckSaysWhatItsPatternSays() {
        check(Identifiers.GATEWAY_ID, Identifiers::isGatewayId);
        check(Identifiers.PRODUCT_KEY, Identifiers::isProductKey);
        check(Identifiers.DEVICE_KEY, Identifiers::isDeviceKey);
        check(Identifiers.ENTITY_ID, Identifiers::isEntityId);
    }

    @Test
    void edgeCases() {
        assertThat(Identifiers.isGatewayId(null)).isFalse();
        assertThat(Identifiers.isGatewayId("")).isFalse();
        assertThat(Identifiers.isGatewayId("g".repeat(64))).isTrue();
        assertThat(Identifiers.isGatewayId("g".repeat(65))).isFalse();
        assertThat(Identifiers.isGatewayId("gw:1")).isFalse();
        assertThat(Identifiers.isDeviceKey("mac:00:11")).isTrue();
        assertThat(Identifiers.isDeviceKey("d".repeat(128))).isTrue();
        assertThat(Identifiers.isProductKey("zb.bulb")).isFalse();
    }

    /** A key or id of {@code .} or {@code ..} would name another path segment or topic level (issue #35). */
    @Test
    void dotAndDotDotAreNeitherKeysNorIds() {
        for (String dots : List.of(".", "..")) {
            assertThat(Identifiers.isGatewayId(dots)).isFalse();
            assertThat(Identifiers.isDeviceKey(dots)).isFalse();
            assertThat(Identifiers.isEntityId(dots)).isFalse();
            assertThat(Identifiers.GATEWAY_ID.matcher(dots).matches()).isFalse();
        }
        assertThat(Identifiers.isGatewayId("...")).isTrue();
        assertThat(Identifiers.isDeviceKey("a.b")).isTrue();
        assertThat(Identifiers.isGatewayId(".gw")).isTrue();
    }

    private static void check(Pattern pattern, Predicate<String> check) {
        Random random = new Random(20261202);
        List<String> samples = new ArrayList<>(
                List.of("", "a", ".", "..", "...", ".a", "a".repeat(64), "a".repeat(65), "a".repeat(128)));
        for (int i = 0; i < 20_000; i++) {
            StringBuilder s = new StringBuilder();
            int length = random.nextInt(4) == 0 ? 60 + random.nextInt(75) : random.nextInt(8);
            for (int k = 0; k < length; k++) {
                s.append(random.nextInt(10) < 8 ? 'x' : ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            samples.add(s.toString());
        }
        for (String sample : samples) {
            assertThat(check.test(sample))
                    .as("'%s' against %s", sample, pattern)
                    .isEqualTo(pattern.matcher(sample).matches());
        }
    }
}
