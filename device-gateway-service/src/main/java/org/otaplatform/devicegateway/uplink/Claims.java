package org.otaplatform.devicegateway.uplink;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.otaplatform.contract.message.ErrorReply.RefusedDevice;
import org.otaplatform.contract.message.SubDeviceAuth;
import org.otaplatform.contract.message.SubDeviceRef;
import org.otaplatform.contract.wire.ErrorCode;
import org.otaplatform.devicegateway.registry.Binding;
import org.otaplatform.devicegateway.registry.RegistryStore;
import org.otaplatform.devicegateway.registry.SecretVault;
import org.otaplatform.devicegateway.session.SubDeviceStore.DeviceRow;

/**
 * Judges the sub-devices a gateway claims in {@code hello.subDevices} or {@code topology.added} by the
 * binding rules ({@link Binding}), with the registry's view of each read in the caller's transaction (the
 * caller locked the sub-devices first). Secrets are opened only for claims that carry a proof.
 */
@ApplicationScoped
class Claims {

    /** One claimed sub-device and its proof (null: none). */
    record Claim(SubDeviceRef key, SubDeviceAuth auth) {}

    /** A claim, its verdict, and the sub-device's state before it (unbound and never seen if new). */
    record Judged(Claim claim, Binding.Verdict verdict, DeviceRow before) {}

    private final RegistryStore registry;
    private final SecretVault vault;
    private final Clock clock = Clock.systemUTC();

    Claims(RegistryStore registry, SecretVault vault) {
        this.registry = registry;
        this.vault = vault;
    }

    /** Judges every claim; each refused one is added to {@code refusals}. */
    Uni<List<Judged>> judge(String gatewayId, List<Claim> claims, Refusals refusals) {
        if (claims.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        long now = clock.millis();
        return registry.claims(claims.stream().map(Claim::key).toList()).map(views -> {
            List<Judged> judged = new ArrayList<>();
            for (Claim claim : claims) {
                RegistryStore.ClaimView view = views.get(claim.key());
                String pk = claim.key().productKey();
                String dk = claim.key().deviceKey();
                Binding.Registration registration = view == null
                        ? null
                        : new Binding.Registration(
                                view.nodeType(),
                                view.policy(),
                                view.dynamicRegistration(),
                                view.registered(),
                                view.state() == null ? null : view.state().gatewayId(),
                                () -> vault.open(pk, dk, view.deviceSecret()),
                                () -> vault.open(pk, null, view.productSecret()));
                Binding.Verdict verdict = Binding.decide(gatewayId, pk, dk, claim.auth(), registration, now);
                if (verdict instanceof Binding.Refused refused) {
                    refusals.add(claim.key(), refused.code(), refused.reason());
                }
                DeviceRow before = view != null && view.state() != null ? view.state() : DeviceRow.unbound(claim.key());
                judged.add(new Judged(claim, verdict, before));
            }
            return judged;
        });
    }

    /**
     * The refused entries of one message: all are named in its one {@code error}, whose code is the first
     * entry's, and nothing of the message is applied.
     */
    static final class Refusals {

        private final Map<SubDeviceRef, RefusedDevice> refused = new LinkedHashMap<>();
        private final List<String> reasons = new ArrayList<>();
        private final int entries;

        /** @param entries how many sub-device entries the message has (for the message's text) */
        Refusals(int entries) {
            this.entries = entries;
        }

        void add(SubDeviceRef key, ErrorCode code, String reason) {
            if (refused.putIfAbsent(key, new RefusedDevice(key.productKey(), key.deviceKey(), code)) == null) {
                reasons.add(reason);
            }
        }

        void add(SubDeviceRef key, Refusal refusal) {
            add(key, refusal.code(), refusal.getMessage());
        }

        /** Throws the message's refusal when any entry was refused. */
        void throwIfAny() {
            if (refused.isEmpty()) {
                return;
            }
            List<RefusedDevice> list = List.copyOf(refused.values());
            String text = list.size() == 1
                    ? reasons.get(0)
                    : list.size() + " of " + entries + " sub-devices were refused; the first: " + reasons.get(0);
            throw new Refusal(list.get(0).code(), text, list);
        }
    }
}
