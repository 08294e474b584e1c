package org.otaplatform.contract;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Gateway-bound firmware download links: {@code {base}/download/{firmwareId}?gw={gatewayId}&exp={epoch
 * seconds}&sig={HMAC}}. device-gateway-service mints them into {@code upgrade} messages,
 * firmware-service checks them; both hold the same secret. The HMAC-SHA256 covers the lines {@code
 * ota-download-v1}, firmwareId, gatewayId and exp, so no part of a link can be changed.
 */
public final class DownloadLinks {

    /** A link's promise: this gateway may fetch this package until this time. */
    public record Grant(String firmwareId, String gatewayId, long expiresAtEpochSeconds) {}

    private static final String ALGORITHM = "HmacSHA256";
    /** Secrets shorter than this are refused: a short HMAC key can be guessed. */
    public static final int MIN_SECRET_BYTES = 32;

    private final SecretKeySpec key;

    public DownloadLinks(byte[] secret) {
        if (secret == null || secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException(
                    "the download-link secret must have at least " + MIN_SECRET_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(secret.clone(), ALGORITHM);
    }

    /** The full URL under {@code baseUrl} (for example {@code https://firmware.example.com}). */
    public String url(String baseUrl, Grant grant) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        return base + "/download/" + encode(grant.firmwareId()) + "?gw=" + encode(grant.gatewayId()) + "&exp="
                + grant.expiresAtEpochSeconds() + "&sig=" + signature(grant);
    }

    public String signature(Grant grant) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac(grant));
    }

    /**
     * Whether the link's parts carry a valid signature and have not expired at {@code nowEpochSeconds}.
     * Any missing or malformed part makes the link invalid, and so does any form but the one {@link #url} writes
     * (issue #35): {@code exp} in plain decimal digits, {@code sig} unpadded base64url with its unused bits zero,
     * so that one grant has exactly one valid link.
     */
    public boolean isValid(String firmwareId, String gatewayId, String exp, String sig, long nowEpochSeconds) {
        if (firmwareId == null || gatewayId == null || exp == null || sig == null) {
            return false;
        }
        if (!canonicalSeconds(exp)) {
            return false;
        }
        long expires = Long.parseLong(exp);
        if (expires < nowEpochSeconds || !Identifiers.isGatewayId(gatewayId) || !Identifiers.isEntityId(firmwareId)) {
            return false;
        }
        // the expected text compared as text: padding, other alphabets or non-zero unused bits are not it
        return MessageDigest.isEqual(
                sig.getBytes(StandardCharsets.US_ASCII),
                signature(new Grant(firmwareId, gatewayId, expires)).getBytes(StandardCharsets.US_ASCII));
    }

    /** 1–12 decimal digits, no sign, no leading zero: the only way {@link #url} writes a time. */
    private static boolean canonicalSeconds(String exp) {
        if (exp.isEmpty() || exp.length() > 12 || (exp.charAt(0) == '0' && exp.length() > 1)) {
            return false;
        }
        for (int i = 0; i < exp.length(); i++) {
            if (exp.charAt(i) < '0' || exp.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private byte[] mac(Grant grant) {
        String text = String.join(
                "\n",
                "ota-download-v1",
                grant.firmwareId(),
                grant.gatewayId(),
                Long.toString(grant.expiresAtEpochSeconds()));
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
