package org.otaplatform.devicegateway.registry;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jboss.logging.Logger;
import org.otaplatform.common.security.KeyList;
import org.otaplatform.devicegateway.config.DeviceGatewayConfig;

/**
 * Product and device secrets: made with a CSPRNG, handed out once, and stored only sealed (AES-256-GCM
 * under a key from the environment), so that a dump of the database alone reveals none of them. A sealed
 * secret names the key that sealed it: with a new key made active, the old ones still open what they
 * sealed until {@link SecretRewrap} has sealed everything again under the new one.
 *
 * <p>The owner of a secret (its product and device key) is authenticated with it: a sealed secret copied
 * onto another row of the table does not open there.
 */
@ApplicationScoped
public class SecretVault {

    private static final Logger LOG = Logger.getLogger(SecretVault.class);
    private static final byte FORMAT = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    /** 256 bits of randomness per secret, written as 64 lower-case hex digits. */
    private static final int SECRET_BYTES = 32;

    private final SecureRandom random = new SecureRandom();
    private final Map<String, SecretKey> keys = new LinkedHashMap<>();
    private final String activeKeyId;

    /** A secret as stored: the sealed bytes and the id of the key that sealed them. */
    public record Sealed(byte[] bytes, String keyId) {}

    @Inject
    SecretVault(DeviceGatewayConfig config) {
        this(
                config.registry().secretKeys().orElse(""),
                config.registry().activeKeyId().orElse(null));
    }

    /**
     * A vault of its own (tools and tests; the service's comes from its configuration).
     *
     * @param list {@code keyId:base64,...}
     * @param active the sealing key's id (null: the first)
     */
    public SecretVault(String list, String active) {
        if (list == null || list.isBlank()) {
            throw new IllegalStateException("no registry secret key: set OTA_REGISTRY_SECRET_KEYS to"
                    + " keyId:base64(32 random bytes), e.g. k1:$(head -c 32 /dev/urandom | base64)");
        }
        KeyList.parse(list, "OTA_REGISTRY_SECRET_KEYS").forEach((id, base64) -> {
            byte[] key;
            try {
                key = Base64.getDecoder().decode(base64);
            } catch (IllegalArgumentException e) {
                key = new byte[0];
            }
            if (key.length != 32) {
                // never the value itself: it is a secret
                throw new IllegalStateException("registry secret key " + id + " must be 32 bytes in base64");
            }
            keys.put(id, new SecretKeySpec(key, "AES"));
        });
        if (keys.isEmpty()) {
            throw new IllegalStateException("no registry secret key in OTA_REGISTRY_SECRET_KEYS");
        }
        this.activeKeyId =
                active == null || active.isBlank() ? keys.keySet().iterator().next() : active;
        if (!keys.containsKey(activeKeyId)) {
            throw new IllegalStateException("the active registry secret key " + activeKeyId + " is not among the keys");
        }
        LOG.infof("registry secrets sealed with key %s; %d key(s) can open them", activeKeyId, keys.size());
    }

    /** A new secret: 256 random bits as 64 lower-case hex digits. */
    public String generate() {
        byte[] bytes = new byte[SECRET_BYTES];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    public String activeKeyId() {
        return activeKeyId;
    }

    /** Seals a product's secret ({@code deviceKey} null) or a device's, for that owner only. */
    public Sealed seal(String productKey, String deviceKey, String secret) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] id = activeKeyId.getBytes(StandardCharsets.UTF_8);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(activeKeyId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(owner(productKey, deviceKey));
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            ByteBuffer out = ByteBuffer.allocate(2 + id.length + NONCE_BYTES + sealed.length);
            out.put(FORMAT).put((byte) id.length).put(id).put(nonce).put(sealed);
            return new Sealed(out.array(), activeKeyId);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /**
     * The secret sealed for this owner; null when there is none, or when it cannot be opened (its key is
     * no longer configured, or the bytes were not sealed for this owner): a claim with it then fails.
     */
    public String open(String productKey, String deviceKey, byte[] sealed) {
        if (sealed == null || sealed.length < 2 || sealed[0] != FORMAT) {
            return null;
        }
        int idLength = sealed[1] & 0xff;
        if (sealed.length < 2 + idLength + NONCE_BYTES + TAG_BITS / 8) {
            return null;
        }
        String id = new String(sealed, 2, idLength, StandardCharsets.UTF_8);
        SecretKey key = keys.get(id);
        if (key == null) {
            LOG.warnf("a secret of %s is sealed with key %s, which is not configured", productKey, id);
            return null;
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 2 + idLength, NONCE_BYTES));
            cipher.updateAAD(owner(productKey, deviceKey));
            int offset = 2 + idLength + NONCE_BYTES;
            return new String(cipher.doFinal(sealed, offset, sealed.length - offset), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            return null;
        }
    }

    private static byte[] owner(String productKey, String deviceKey) {
        return ("ota-registry-secret-v1\n" + productKey + "\n" + (deviceKey == null ? "" : deviceKey))
                .getBytes(StandardCharsets.UTF_8);
    }
}
