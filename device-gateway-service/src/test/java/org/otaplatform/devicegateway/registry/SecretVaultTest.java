package org.otaplatform.devicegateway.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SecretVaultTest {

    private static final String K1 = "k1:MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=";
    private static final String K2 = "k2:YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXphYmNkZWY=";

    @Test
    void aSealedSecretOpensForItsOwnerOnly() {
        SecretVault vault = new SecretVault(K1, null);
        SecretVault.Sealed sealed = vault.seal("zb", "d1", "secret-1");

        assertThat(sealed.keyId()).isEqualTo("k1");
        assertThat(new String(sealed.bytes(), java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain("secret-1");
        assertThat(vault.open("zb", "d1", sealed.bytes())).isEqualTo("secret-1");
        assertThat(vault.open("zb", "d2", sealed.bytes()))
                .as("copied to another device's row")
                .isNull();
        assertThat(vault.open("zb", null, sealed.bytes()))
                .as("as the product's")
                .isNull();
    }

    @Test
    void twoSealsOfOneSecretDifferAndTamperingIsDetected() {
        SecretVault vault = new SecretVault(K1, null);
        byte[] a = vault.seal("zb", "d1", "s").bytes();
        byte[] b = vault.seal("zb", "d1", "s").bytes();
        assertThat(a).isNotEqualTo(b);
        a[a.length - 1] ^= 1;
        assertThat(vault.open("zb", "d1", a)).isNull();
        assertThat(vault.open("zb", "d1", new byte[] {1, 2, 3})).isNull();
        assertThat(vault.open("zb", "d1", null)).isNull();
    }

    @Test
    void afterARotationTheRetiredKeyStillOpensWhatItSealed() {
        SecretVault before = new SecretVault(K1, null);
        byte[] old = before.seal("zb", "d1", "s1").bytes();
        SecretVault after = new SecretVault(K2 + "," + K1, "k2");

        assertThat(after.open("zb", "d1", old)).isEqualTo("s1");
        assertThat(after.seal("zb", "d1", "s2").keyId()).isEqualTo("k2");
        assertThat(new SecretVault(K2, null).open("zb", "d1", old))
                .as("once the old key is removed")
                .isNull();
    }

    @Test
    void generatedSecretsAre256RandomBitsInHex() {
        SecretVault vault = new SecretVault(K1, null);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String secret = vault.generate();
            assertThat(secret).matches("[0-9a-f]{64}");
            assertThat(seen.add(secret)).isTrue();
        }
    }

    @Test
    void aMissingOrShortKeyOrAnUnknownActiveKeyStopsTheService() {
        assertThatThrownBy(() -> new SecretVault("", null)).hasMessageContaining("OTA_REGISTRY_SECRET_KEYS");
        assertThatThrownBy(() -> new SecretVault("k1:c2hvcnQ=", null))
                .hasMessageContaining("32 bytes")
                .hasMessageNotContaining("c2hvcnQ=");
        assertThatThrownBy(() -> new SecretVault(K1, "k9")).hasMessageContaining("k9");
    }
}
