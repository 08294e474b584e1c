package org.otaplatform.contract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SubDeviceProofTest {

    private static final String SECRET = "3f1c9a0e5b7d4c2a8e6f1b3d5a7c9e0f";
    private static final long AT = 1_795_680_099_000L;

    @Test
    void theDeviceProofIsTheHmacOfTheLinesTheSpecNames() {
        // computed independently (Python's hmac module) over the spec's lines joined by \n
        assertThat(SubDeviceProof.sign(
                        SECRET, SubDeviceProof.deviceText("gw-0001", "zb-bulb", "00:17:88:01:0a:1b:2c:3d", AT)))
                .isEqualTo("ddb03751bf13d8bca6a98d1fd4738c27702b13fc13dafbe54ffdb06a5815d4e8");
    }

    @Test
    void theRegistrationProofHasItsOwnLabel() {
        assertThat(SubDeviceProof.sign(
                        "product-secret-0123456789abcdef",
                        SubDeviceProof.registrationText("gw-0001", "zb-bulb", "new-bulb-9", AT)))
                .isEqualTo("0b750f6182486dd1e10b289aeee0a9cf4f5b481a8159bc1af2658d50386fde0e");
    }

    @Test
    void aProofVerifiesOnlyForTheGatewayTheSecretAndTheTextItWasMadeFor() {
        String text = SubDeviceProof.deviceText("gw-a", "zb-bulb", "d1", AT);
        String sign = SubDeviceProof.sign(SECRET, text);

        assertThat(SubDeviceProof.verify(SECRET, text, sign)).isTrue();
        assertThat(SubDeviceProof.verify(SECRET, SubDeviceProof.deviceText("gw-b", "zb-bulb", "d1", AT), sign))
                .as("replayed by another gateway")
                .isFalse();
        assertThat(SubDeviceProof.verify(SECRET, SubDeviceProof.deviceText("gw-a", "zb-bulb", "d1", AT + 1), sign))
                .as("another timestamp")
                .isFalse();
        assertThat(SubDeviceProof.verify("another-secret", text, sign)).isFalse();
        assertThat(SubDeviceProof.verify(SECRET, SubDeviceProof.registrationText("gw-a", "zb-bulb", "d1", AT), sign))
                .as("the same lines under the registration label")
                .isFalse();
        String flipped = (sign.charAt(0) == '0' ? "1" : "0") + sign.substring(1);
        assertThat(SubDeviceProof.verify(SECRET, text, flipped)).isFalse();
    }

    @Test
    void malformedSignsAndEmptySecretsNeverVerify() {
        String text = SubDeviceProof.deviceText("gw-a", "zb-bulb", "d1", AT);
        assertThat(SubDeviceProof.verify(SECRET, text, null)).isFalse();
        assertThat(SubDeviceProof.verify(SECRET, text, "")).isFalse();
        assertThat(SubDeviceProof.verify(SECRET, text, "zz".repeat(32))).isFalse();
        assertThat(SubDeviceProof.verify(SECRET, text, "ab".repeat(33))).isFalse();
        assertThat(SubDeviceProof.verify("", text, SubDeviceProof.sign("x", text)))
                .isFalse();
        assertThat(SubDeviceProof.verify(null, text, SubDeviceProof.sign("x", text)))
                .isFalse();
    }

    @Test
    void aProofIsFreshForFifteenMinutesEitherWay() {
        long fifteen = 15 * 60 * 1000L;
        assertThat(SubDeviceProof.fresh(AT, AT + fifteen)).isTrue();
        assertThat(SubDeviceProof.fresh(AT, AT - fifteen)).isTrue();
        assertThat(SubDeviceProof.fresh(AT, AT + fifteen + 1)).as("stale").isFalse();
        assertThat(SubDeviceProof.fresh(AT, AT - fifteen - 1))
                .as("from the future")
                .isFalse();
    }
}
