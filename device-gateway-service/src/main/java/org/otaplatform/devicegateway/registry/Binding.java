package org.otaplatform.devicegateway.registry;

import java.util.function.Supplier;
import org.otaplatform.contract.SubDeviceProof;
import org.otaplatform.contract.message.SubDeviceAuth;
import org.otaplatform.contract.wire.ErrorCode;

/**
 * The binding rules of protocol v1 ("Sub-device registration and binding") for one sub-device a gateway
 * lists in {@code hello.subDevices} or {@code topology.added}: pure, in one place, for every path that
 * takes a claim.
 *
 * <ul>
 *   <li>not registered: {@code UNKNOWN_DEVICE}, unless the product allows dynamic registration and the
 *       entry carries a valid proof keyed with the product's secret, which registers and binds it;
 *   <li>bound to the claiming gateway: owned, no proof needed;
 *   <li>a valid proof (the device's secret; or the product's, where dynamic registration is on) binds it
 *       to the claiming gateway, moving it from any other;
 *   <li>unbound, no proof, and the product's policy is {@code FIRST_CLAIM}: bound by this first claim;
 *   <li>anything else: {@code NOT_OWNER}.
 * </ul>
 *
 * A proof is valid when its timestamp is within {@link SubDeviceProof#MAX_SKEW} of the platform's clock and
 * its sign is the HMAC of the text naming the claiming gateway, so one gateway's proof cannot serve another.
 */
public final class Binding {

    private Binding() {}

    /** What the registry holds about a claimed sub-device. Secrets are opened only when a proof needs them. */
    public record Registration(
            NodeType nodeType,
            BindPolicy policy,
            boolean dynamicRegistration,
            boolean registered,
            String boundGateway,
            Supplier<String> deviceSecret,
            Supplier<String> productSecret) {}

    /** The outcome of one claim. */
    public sealed interface Verdict {}

    /** Bound to the claiming gateway already. */
    public record Owned() implements Verdict {}

    /**
     * Bound to the claiming gateway now; {@code register}: registered now as well (dynamic registration);
     * {@code from}: the gateway it was bound to before, if any.
     */
    public record Bind(boolean register, String from) implements Verdict {}

    /** Refused, with the code the gateway gets and a reason a person can act on. */
    public record Refused(ErrorCode code, String reason) implements Verdict {}

    /**
     * The verdict on gateway {@code gatewayId} claiming {@code productKey/deviceKey} with {@code auth}
     * (null: none); {@code registration} is null when the product is not registered.
     */
    public static Verdict decide(
            String gatewayId,
            String productKey,
            String deviceKey,
            SubDeviceAuth auth,
            Registration registration,
            long nowMillis) {
        String name = productKey + "/" + deviceKey;
        if (registration == null) {
            return new Refused(ErrorCode.UNKNOWN_DEVICE, name + ": product " + productKey + " is not registered");
        }
        if (registration.nodeType() != NodeType.SUB_DEVICE) {
            return new Refused(
                    ErrorCode.UNKNOWN_DEVICE,
                    name + ": product " + productKey + " is a gateway product, not a sub-device's");
        }
        boolean fresh = auth != null && SubDeviceProof.fresh(auth.timestamp(), nowMillis);
        boolean registers = fresh
                && registration.dynamicRegistration()
                && SubDeviceProof.verify(
                        registration.productSecret().get(),
                        SubDeviceProof.registrationText(gatewayId, productKey, deviceKey, auth.timestamp()),
                        auth.sign());
        if (!registration.registered()) {
            if (registers) {
                return new Bind(true, null);
            }
            return new Refused(
                    ErrorCode.UNKNOWN_DEVICE,
                    name + " is not registered"
                            + (auth != null && registration.dynamicRegistration()
                                    ? " and its registration proof is "
                                            + (fresh ? "not valid" : "stale or from the future")
                                    : ""));
        }
        if (gatewayId.equals(registration.boundGateway())) {
            return new Owned();
        }
        boolean proven = registers
                || (fresh
                        && SubDeviceProof.verify(
                                registration.deviceSecret().get(),
                                SubDeviceProof.deviceText(gatewayId, productKey, deviceKey, auth.timestamp()),
                                auth.sign()));
        if (proven) {
            return new Bind(false, registration.boundGateway());
        }
        if (auth == null && registration.boundGateway() == null && registration.policy() == BindPolicy.FIRST_CLAIM) {
            return new Bind(false, null);
        }
        // one text whether it is bound to no gateway or to another (issue #35): a refusal that told them apart
        // would show a squatter which devices a first claim takes; what it says is about the claim alone
        String why = auth == null
                ? "the claim carries no proof"
                : fresh
                        ? "its proof is not valid for this gateway"
                        : "its proof's timestamp is more than 15 minutes from the platform's clock";
        return new Refused(ErrorCode.NOT_OWNER, name + " may not be claimed by this gateway: " + why);
    }
}
