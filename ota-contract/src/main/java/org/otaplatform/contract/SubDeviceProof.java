package org.otaplatform.contract;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code auth} proof of a sub-device claim (protocol v1, "Sub-device registration and binding"), in
 * one place for the platform, which checks it, and for gateways (the simulator), which make it. The signed
 * text is UTF-8, its lines joined by {@code \n} with no trailing newline: a label, the claiming gateway's
 * id, productKey, deviceKey and the timestamp in decimal epoch milliseconds. Because the gateway's id is
 * signed, a proof one gateway sent cannot be replayed by another.
 */
public final class SubDeviceProof {

    /** How far a proof's timestamp may be from the platform's clock, either way. */
    public static final Duration MAX_SKEW = Duration.ofMinutes(15);

    /** Label of a proof keyed with the sub-device's {@code deviceSecret}. */
    public static final String DEVICE_LABEL = "ota-subdevice-v1";

    /** Label of a dynamic registration, keyed with the product's {@code productSecret}. */
    public static final String REGISTRATION_LABEL = "ota-subdevice-register-v1";

    private static final HexFormat HEX = HexFormat.of();

    private SubDeviceProof() {}

    /** The text a {@code deviceSecret} signs. */
    public static String deviceText(String gatewayId, String productKey, String deviceKey, long timestamp) {
        return text(DEVICE_LABEL, gatewayId, productKey, deviceKey, timestamp);
    }

    /** The text a {@code productSecret} signs to register (and bind) a sub-device. */
    public static String registrationText(String gatewayId, String productKey, String deviceKey, long timestamp) {
        return text(REGISTRATION_LABEL, gatewayId, productKey, deviceKey, timestamp);
    }

    private static String text(String label, String gatewayId, String productKey, String deviceKey, long timestamp) {
        return label + "\n" + gatewayId + "\n" + productKey + "\n" + deviceKey + "\n" + timestamp;
    }

    /** The lower-case hex HMAC-SHA256 of {@code text} keyed with the UTF-8 bytes of {@code secret}. */
    public static String sign(String secret, String text) {
        return HEX.formatHex(mac(secret, text));
    }

    /**
     * Whether {@code sign} (64 lower-case hex digits) is the HMAC of {@code text} under {@code secret}; the
     * comparison takes the same time wherever the two differ.
     */
    public static boolean verify(String secret, String text, String sign) {
        if (secret == null || secret.isEmpty() || sign == null || sign.length() != 64) {
            return false;
        }
        byte[] given;
        try {
            given = HEX.parseHex(sign);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(mac(secret, text), given);
    }

    /** Whether a proof made at {@code timestamp} may be used at {@code nowMillis}. */
    public static boolean fresh(long timestamp, long nowMillis) {
        return Math.abs(nowMillis - timestamp) <= MAX_SKEW.toMillis();
    }

    private static byte[] mac(String secret, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
