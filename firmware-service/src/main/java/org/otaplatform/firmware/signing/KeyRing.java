package org.otaplatform.firmware.signing;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.LocalDate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.otaplatform.common.security.KeyList;
import org.otaplatform.contract.FirmwareManifest;
import org.otaplatform.firmware.config.FirmwareConfig;

/**
 * The Ed25519 keys of the service: the active one signs new packages; every key, active or retired, is
 * published by id so that gateways can check signatures made before a rotation.
 */
@ApplicationScoped
@Startup
public class KeyRing {

    private static final Logger LOG = Logger.getLogger(KeyRing.class);

    /** A published key. */
    public record PublishedKey(String keyId, String algorithm, String publicKey) {}

    /** A signature and the key that made it. */
    public record Signed(String keyId, String signature) {}

    private final Map<String, PublicKey> published = new LinkedHashMap<>();
    private final String activeKeyId;
    private final PrivateKey activeKey;

    KeyRing(FirmwareConfig config) {
        FirmwareConfig.Signing signing = config.signing();
        Map<String, PrivateKey> privateKeys = new LinkedHashMap<>();
        signing.privateKeys()
                .ifPresent(list -> KeyList.parse(list, "ota.firmware.signing.private-keys")
                        .forEach((id, der) -> {
                            PrivateKey key = privateKey(id, der);
                            privateKeys.put(id, key);
                            published.put(id, publicKeyOf(key));
                        }));
        signing.publicKeys()
                .ifPresent(list -> KeyList.parse(list, "ota.firmware.signing.public-keys")
                        .forEach((id, der) -> published.putIfAbsent(id, publicKey(id, der))));
        if (privateKeys.isEmpty()) {
            if (!signing.generateDevKey()) {
                throw new IllegalStateException("no firmware signing key: set OTA_FIRMWARE_SIGNING_PRIVATE_KEYS"
                        + " to keyId:base64(PKCS#8 Ed25519 key)");
            }
            KeyPair pair = generate();
            String id = "dev-" + LocalDate.now();
            privateKeys.put(id, pair.getPrivate());
            published.put(id, pair.getPublic());
            LOG.warn("******** DEVELOPMENT ONLY: generated a throw-away firmware signing key '" + id
                    + "'. Packages signed now cannot be verified after a restart. Set"
                    + " OTA_FIRMWARE_SIGNING_PRIVATE_KEYS in any real deployment. ********");
        }
        this.activeKeyId =
                signing.activeKeyId().orElse(privateKeys.keySet().iterator().next());
        this.activeKey = privateKeys.get(activeKeyId);
        if (activeKey == null) {
            throw new IllegalStateException("the active signing key " + activeKeyId + " has no private key");
        }
        LOG.infof("firmware signing key %s active; %d key(s) published", activeKeyId, published.size());
    }

    /** Signs the package's canonical manifest with the active key. */
    public Signed sign(FirmwareManifest manifest) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(activeKey);
            signer.update(manifest.signedBytes());
            return new Signed(activeKeyId, Base64.getEncoder().encodeToString(signer.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    public List<PublishedKey> published() {
        return published.entrySet().stream()
                .map(e -> new PublishedKey(
                        e.getKey(),
                        "Ed25519",
                        Base64.getEncoder().encodeToString(e.getValue().getEncoded())))
                .toList();
    }

    public String activeKeyId() {
        return activeKeyId;
    }

    /** A new Ed25519 key pair. */
    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is unavailable", e);
        }
    }

    private static PrivateKey privateKey(String id, String base64) {
        try {
            return KeyFactory.getInstance("Ed25519")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // never log the value: it is a secret
            throw new IllegalStateException("signing key " + id + " is not a base64 PKCS#8 Ed25519 private key");
        }
    }

    private static PublicKey publicKey(String id, String base64) {
        try {
            return KeyFactory.getInstance("Ed25519")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("published key " + id + " is not a base64 X.509 Ed25519 public key");
        }
    }

    /**
     * The public key of an Ed25519 private key. Ed25519 derives its key pair from 32 random bytes, the
     * private key itself, so generating with those bytes as the randomness gives the same pair back.
     */
    static PublicKey publicKeyOf(PrivateKey key) {
        byte[] seed = Optional.of(key)
                .filter(EdECPrivateKey.class::isInstance)
                .map(EdECPrivateKey.class::cast)
                .flatMap(EdECPrivateKey::getBytes)
                .orElseThrow(() -> new IllegalStateException("not an Ed25519 private key"));
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(NamedParameterSpec.ED25519, new FixedBytes(seed));
            return generator.generateKeyPair().getPublic();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot derive the Ed25519 public key", e);
        }
    }

    /** Randomness that is the given bytes: used only to re-derive a key pair from its private key. */
    private static final class FixedBytes extends SecureRandom {
        private final byte[] bytes;

        FixedBytes(byte[] bytes) {
            this.bytes = bytes.clone();
        }

        @Override
        public void nextBytes(byte[] out) {
            System.arraycopy(bytes, 0, out, 0, Math.min(out.length, bytes.length));
        }
    }
}
