package org.otaplatform.devicegateway.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.otaplatform.contract.SubDeviceProof;
import org.otaplatform.contract.message.SubDeviceAuth;
import org.otaplatform.contract.wire.ErrorCode;

/** The binding rules of protocol v1, case by case, with a fixed clock. */
class BindingTest {

    private static final long NOW = 1_795_680_000_000L;
    private static final String GW = "gw-a";
    private static final String DEVICE_SECRET = "d".repeat(64);
    private static final String PRODUCT_SECRET = "p".repeat(64);

    private static Binding.Registration registered(BindPolicy policy, String boundTo) {
        return new Binding.Registration(
                NodeType.SUB_DEVICE, policy, false, true, boundTo, () -> DEVICE_SECRET, () -> null);
    }

    private static Binding.Registration dynamic(boolean registered, String boundTo) {
        return new Binding.Registration(
                NodeType.SUB_DEVICE,
                BindPolicy.SIGNED,
                true,
                registered,
                boundTo,
                () -> registered ? DEVICE_SECRET : null,
                () -> PRODUCT_SECRET);
    }

    private static SubDeviceAuth proof(String gatewayId, String secret, long at) {
        return new SubDeviceAuth(at, SubDeviceProof.sign(secret, SubDeviceProof.deviceText(gatewayId, "zb", "d1", at)));
    }

    private static SubDeviceAuth registration(String gatewayId, String secret, long at) {
        return new SubDeviceAuth(
                at, SubDeviceProof.sign(secret, SubDeviceProof.registrationText(gatewayId, "zb", "d1", at)));
    }

    private static Binding.Verdict decide(SubDeviceAuth auth, Binding.Registration r) {
        return Binding.decide(GW, "zb", "d1", auth, r, NOW);
    }

    private static void refused(Binding.Verdict verdict, ErrorCode code) {
        assertThat(verdict).isInstanceOf(Binding.Refused.class);
        assertThat(((Binding.Refused) verdict).code()).isEqualTo(code);
    }

    @Test
    void anUnregisteredProductOrDeviceIsUnknown() {
        refused(decide(null, null), ErrorCode.UNKNOWN_DEVICE);
        refused(
                decide(
                        proof(GW, DEVICE_SECRET, NOW),
                        new Binding.Registration(
                                NodeType.SUB_DEVICE,
                                BindPolicy.FIRST_CLAIM,
                                false,
                                false,
                                null,
                                () -> null,
                                () -> null)),
                ErrorCode.UNKNOWN_DEVICE);
    }

    @Test
    void aGatewayProductsDeviceIsNoSubDevice() {
        refused(
                decide(
                        null,
                        new Binding.Registration(
                                NodeType.GATEWAY, BindPolicy.FIRST_CLAIM, false, true, null, () -> null, () -> null)),
                ErrorCode.UNKNOWN_DEVICE);
    }

    @Test
    void aSubDeviceBoundToTheClaimingGatewayNeedsNoProof() {
        assertThat(decide(null, registered(BindPolicy.SIGNED, GW))).isInstanceOf(Binding.Owned.class);
    }

    @Test
    void anUnboundSubDeviceIsBoundByItsFirstClaimOnlyUnderFirstClaim() {
        assertThat(decide(null, registered(BindPolicy.FIRST_CLAIM, null))).isEqualTo(new Binding.Bind(false, null));
        refused(decide(null, registered(BindPolicy.SIGNED, null)), ErrorCode.NOT_OWNER);
    }

    @Test
    void aSubDeviceBoundElsewhereMovesOnlyWithAValidProof() {
        refused(decide(null, registered(BindPolicy.FIRST_CLAIM, "gw-b")), ErrorCode.NOT_OWNER);
        assertThat(decide(proof(GW, DEVICE_SECRET, NOW), registered(BindPolicy.SIGNED, "gw-b")))
                .isEqualTo(new Binding.Bind(false, "gw-b"));
    }

    @Test
    void aProofMadeForAnotherGatewayIsNotValid() {
        refused(decide(proof("gw-b", DEVICE_SECRET, NOW), registered(BindPolicy.SIGNED, "gw-b")), ErrorCode.NOT_OWNER);
    }

    @Test
    void aProofWithTheWrongSecretIsNotValid() {
        refused(decide(proof(GW, "e".repeat(64), NOW), registered(BindPolicy.SIGNED, null)), ErrorCode.NOT_OWNER);
    }

    @Test
    void aProofIsValidFifteenMinutesEitherWayAndNoLonger() {
        long fifteen = 15 * 60_000L;
        assertThat(decide(proof(GW, DEVICE_SECRET, NOW - fifteen), registered(BindPolicy.SIGNED, null)))
                .isInstanceOf(Binding.Bind.class);
        assertThat(decide(proof(GW, DEVICE_SECRET, NOW + fifteen), registered(BindPolicy.SIGNED, null)))
                .isInstanceOf(Binding.Bind.class);
        refused(
                decide(proof(GW, DEVICE_SECRET, NOW - fifteen - 1), registered(BindPolicy.SIGNED, null)),
                ErrorCode.NOT_OWNER);
        refused(
                decide(proof(GW, DEVICE_SECRET, NOW + fifteen + 1), registered(BindPolicy.SIGNED, null)),
                ErrorCode.NOT_OWNER);
    }

    /**
     * A refused claim says the same whether the sub-device is bound to no gateway or to another, under either
     * policy: the refusal is no oracle for which devices a first claim would take (issue #35).
     */
    @Test
    void oneRefusalTextForClaimsAGatewayMayNotMake() {
        for (SubDeviceAuth auth : java.util.Arrays.asList(null, proof(GW, "e".repeat(64), NOW))) {
            java.util.Set<String> reasons = new java.util.HashSet<>();
            for (var r : java.util.List.of(
                    registered(BindPolicy.SIGNED, null),
                    registered(BindPolicy.SIGNED, "gw-b"),
                    registered(BindPolicy.FIRST_CLAIM, "gw-b"))) {
                Binding.Verdict v = decide(auth, r);
                refused(v, ErrorCode.NOT_OWNER);
                reasons.add(((Binding.Refused) v).reason());
            }
            if (auth != null) {
                Binding.Verdict firstClaim = decide(auth, registered(BindPolicy.FIRST_CLAIM, null));
                reasons.add(((Binding.Refused) firstClaim).reason());
            }
            assertThat(reasons).hasSize(1);
            assertThat(reasons.iterator().next()).doesNotContain("bound");
        }
    }

    @Test
    void aBadProofIsRefusedEvenWhereAFirstClaimWouldBind() {
        refused(decide(proof(GW, "e".repeat(64), NOW), registered(BindPolicy.FIRST_CLAIM, null)), ErrorCode.NOT_OWNER);
    }

    @Test
    void aSubDeviceWithoutASecretCannotBeProvenByItsOwnSecret() {
        Binding.Registration noSecret = new Binding.Registration(
                NodeType.SUB_DEVICE, BindPolicy.SIGNED, false, true, null, () -> null, () -> null);
        refused(decide(proof(GW, "x".repeat(64), NOW), noSecret), ErrorCode.NOT_OWNER);
    }

    @Test
    void dynamicRegistrationRegistersAndBindsWithTheProductSecret() {
        assertThat(decide(registration(GW, PRODUCT_SECRET, NOW), dynamic(false, null)))
                .isEqualTo(new Binding.Bind(true, null));
        assertThat(decide(registration(GW, PRODUCT_SECRET, NOW), dynamic(true, "gw-b")))
                .as("an existing sub-device moves with a product proof too")
                .isEqualTo(new Binding.Bind(false, "gw-b"));
    }

    @Test
    void aRegistrationProofIsRefusedWithTheWrongSecretTheDeviceLabelOrWhereDynamicRegistrationIsOff() {
        refused(decide(registration(GW, "q".repeat(64), NOW), dynamic(false, null)), ErrorCode.UNKNOWN_DEVICE);
        refused(decide(proof(GW, PRODUCT_SECRET, NOW), dynamic(false, null)), ErrorCode.UNKNOWN_DEVICE);
        refused(
                decide(registration(GW, PRODUCT_SECRET, NOW - 16 * 60_000L), dynamic(false, null)),
                ErrorCode.UNKNOWN_DEVICE);
        Binding.Registration off = new Binding.Registration(
                NodeType.SUB_DEVICE, BindPolicy.SIGNED, false, false, null, () -> null, () -> PRODUCT_SECRET);
        refused(decide(registration(GW, PRODUCT_SECRET, NOW), off), ErrorCode.UNKNOWN_DEVICE);
    }
}
