package org.otaplatform.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class DownloadLinksTest {

    private static final DownloadLinks LINKS =
            new DownloadLinks("a-download-link-secret-for-this-test-0123456789".getBytes(StandardCharsets.UTF_8));
    private static final long NOW = 1_796_000_000L;

    /**
     * A decoder that took {@code exp=+123}, {@code exp=0123}, a padded or otherwise re-encoded signature gave one
     * grant many valid links (issue #35): only the form {@link DownloadLinks#url} writes is valid.
     */
    @Test
    void downloadLinksAreValidInTheirCanonicalFormOnly() {
        DownloadLinks.Grant grant = new DownloadLinks.Grant("fw-1", "gw-7", NOW + 600);
        String sig = LINKS.signature(grant);
        String exp = Long.toString(grant.expiresAtEpochSeconds());
        assertThat(LINKS.isValid("fw-1", "gw-7", exp, sig, NOW)).isTrue();

        assertThat(LINKS.isValid("fw-1", "gw-7", "+" + exp, sig, NOW)).isFalse();
        assertThat(LINKS.isValid("fw-1", "gw-7", "0" + exp, sig, NOW)).isFalse();
        assertThat(LINKS.isValid("fw-1", "gw-7", " " + exp, sig, NOW)).isFalse();
        assertThat(LINKS.isValid("fw-1", "gw-7", "", sig, NOW)).isFalse();
        assertThat(LINKS.isValid("fw-1", "gw-7", "9".repeat(40), sig, NOW)).isFalse();
        assertThat(LINKS.isValid("fw-1", "gw-7", exp, sig + "=", NOW)).isFalse();
        assertThat(LINKS.isValid(
                        "fw-1",
                        "gw-7",
                        exp,
                        Base64.getEncoder()
                                .encodeToString(Base64.getUrlDecoder().decode(sig)),
                        NOW))
                .as("standard base64 with padding")
                .isFalse();
        // the last character carries two unused bits: another character with other unused bits decodes the same
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int last = alphabet.indexOf(sig.charAt(sig.length() - 1));
        String sameBytes = sig.substring(0, sig.length() - 1) + alphabet.charAt(last ^ 1);
        assertThat(Base64.getUrlDecoder().decode(sameBytes))
                .isEqualTo(Base64.getUrlDecoder().decode(sig));
        assertThat(LINKS.isValid("fw-1", "gw-7", exp, sameBytes, NOW)).isFalse();

        assertThat(LINKS.isValid("fw-1", "gw-7", exp, sig, NOW + 601))
                .as("expired")
                .isFalse();
        assertThat(LINKS.isValid("fw-1", "gw-8", exp, sig, NOW))
                .as("another gateway")
                .isFalse();
    }
}
