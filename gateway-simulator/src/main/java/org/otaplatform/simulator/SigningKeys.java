package org.otaplatform.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.otaplatform.contract.FirmwareManifest;
import org.otaplatform.contract.codec.MessageCodec;

/**
 * The firmware service's published Ed25519 keys ({@code GET /api/v1/signing-keys} on the origin of the
 * download link), fetched when a key id is first met and kept.
 */
final class SigningKeys {

    private final HttpClient http;
    private final Map<String, PublicKey> keys = new ConcurrentHashMap<>();

    SigningKeys(HttpClient http) {
        this.http = http;
    }

    /** Whether {@code signature} (base64) by {@code keyId} covers the manifest. Blocking. */
    boolean verify(String downloadUrl, String keyId, String signature, FirmwareManifest manifest) {
        Optional<PublicKey> key = key(downloadUrl, keyId);
        if (key.isEmpty()) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key.get());
            verifier.update(manifest.signedBytes());
            return verifier.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private Optional<PublicKey> key(String downloadUrl, String keyId) {
        PublicKey known = keys.get(keyId);
        if (known != null) {
            return Optional.of(known);
        }
        URI origin = URI.create(downloadUrl).resolve("/api/v1/signing-keys");
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(origin)
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return Optional.empty();
            }
            for (JsonNode k : MessageCodec.mapper().readTree(response.body())) {
                if ("Ed25519".equals(k.path("algorithm").asText())) {
                    byte[] der = Base64.getDecoder().decode(k.path("publicKey").asText());
                    keys.put(
                            k.path("keyId").asText(),
                            KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der)));
                }
            }
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        return Optional.ofNullable(keys.get(keyId));
    }
}
