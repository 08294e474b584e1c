package org.otaplatform.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.wire.FirmwareType;

class FirmwareManifestTest {

    private static final String SHA = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08";

    @Test
    void fullPackagesSignAnEmptySourceVersionLine() {
        FirmwareManifest manifest = new FirmwareManifest("zb-bulb", "1.0.4", FirmwareType.FULL, null, 1024, SHA);

        assertThat(manifest.canonicalText())
                .isEqualTo("ota-firmware-v1\nzb-bulb\n1.0.4\nFULL\n\n1024\n" + SHA.toLowerCase());
    }

    @Test
    void deltaPackagesSignTheirSourceVersion() {
        FirmwareManifest manifest = new FirmwareManifest("zb-bulb", "1.0.4", FirmwareType.DELTA, "1.0.3", 77, SHA);

        assertThat(manifest.canonicalText()).startsWith("ota-firmware-v1\nzb-bulb\n1.0.4\nDELTA\n1.0.3\n77\n");
        assertThat(manifest.canonicalText()).doesNotEndWith("\n");
    }

    @Test
    void anEd25519SignatureOverTheManifestVerifiesAndFailsForAnyOtherManifest() throws Exception {
        KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        FirmwareManifest manifest = new FirmwareManifest("zb-bulb", "1.0.4", FirmwareType.FULL, null, 1024, SHA);
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(keys.getPrivate());
        signer.update(manifest.signedBytes());
        byte[] signature = signer.sign();

        assertThat(verifies(keys, manifest, signature)).isTrue();
        FirmwareManifest other = new FirmwareManifest("zb-bulb", "1.0.5", FirmwareType.FULL, null, 1024, SHA);
        assertThat(verifies(keys, other, signature)).isFalse();
    }

    private static boolean verifies(KeyPair keys, FirmwareManifest manifest, byte[] signature) throws Exception {
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(keys.getPublic());
        verifier.update(manifest.signedBytes());
        return verifier.verify(signature);
    }
}
