package org.otaplatform.firmware.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import org.junit.jupiter.api.RepeatedTest;

class KeyRingTest {

    @RepeatedTest(5)
    void derivesThePublishedKeyFromTheConfiguredPrivateKeyAlone() {
        KeyPair pair = KeyRing.generate();

        assertThat(KeyRing.publicKeyOf(pair.getPrivate()).getEncoded())
                .isEqualTo(pair.getPublic().getEncoded());
    }
}
