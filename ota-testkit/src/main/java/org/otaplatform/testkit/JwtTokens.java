package org.otaplatform.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Mints RS256 bearer tokens the services accept, for tests and for the local launcher ({@code ./ota
 * token}). Production tokens come from an identity provider; this is the same format with issuer {@value
 * #ISSUER} and the roles in {@code groups}.
 */
public final class JwtTokens {

    public static final String ISSUER = "ota-platform";

    /** The audience every token carries: what `OTA_JWT_AUDIENCE` names in deploy/. */
    public static final String AUDIENCE = "ota-platform";

    public static final String ADMIN = "ota-admin";
    public static final String OPERATOR = "ota-operator";
    public static final String VIEWER = "ota-viewer";
    public static final String APP = "ota-app";
    /** Every role the platform knows. */
    public static final java.util.List<String> ROLES = java.util.List.of(ADMIN, OPERATOR, VIEWER, APP);

    private static final String PRIVATE_FILE = "jwt-private.pem";
    private static final String PUBLIC_FILE = "jwt-public.pem";
    private static volatile JwtTokens devOnly;

    private final PrivateKey privateKey;
    private final String publicKeyPem;

    private JwtTokens(PrivateKey privateKey, String publicKeyPem) {
        this.privateKey = privateKey;
        this.publicKeyPem = publicKeyPem;
    }

    /** The checked-in DEV-ONLY key pair (ota-testkit's {@code dev-only/}): for tests, never for a deployment. */
    public static JwtTokens devOnly() {
        JwtTokens tokens = devOnly;
        if (tokens == null) {
            tokens = new JwtTokens(privateKey(resource(PRIVATE_FILE)), resource(PUBLIC_FILE));
            devOnly = tokens;
        }
        return tokens;
    }

    /** The key pair in {@code dir}, generated there first if it is not there yet (the private key owner-only). */
    public static JwtTokens inDirectory(Path dir) {
        try {
            Path privateFile = dir.resolve(PRIVATE_FILE);
            Path publicFile = dir.resolve(PUBLIC_FILE);
            if (!Files.exists(privateFile)) {
                Files.createDirectories(dir);
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                KeyPair pair = generator.generateKeyPair();
                Path temp = Files.createTempFile(dir, "jwt", ".tmp");
                Files.setPosixFilePermissions(
                        temp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                Files.writeString(temp, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
                Files.writeString(publicFile, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
                Files.move(temp, privateFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            return new JwtTokens(privateKey(Files.readString(privateFile)), Files.readString(publicFile));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Makes every RestAssured request of this class loader carry a dev-only administrator token unless it
     * names its own authentication: for tests that drive services started as processes.
     */
    public static void restAssuredAsDevAdmin() {
        io.restassured.RestAssured.authentication =
                io.restassured.RestAssured.oauth2(devOnly().token("test-admin", ADMIN));
    }

    /** What a service needs to verify these tokens: the value of {@code OTA_JWT_PUBLIC_KEY}. */
    public String publicKeyPem() {
        return publicKeyPem;
    }

    /** A token for {@code subject} with {@code roles}, valid for a day. */
    public String token(String subject, String... roles) {
        return token(subject, Duration.ofDays(1), Instant.now(), List.of(roles));
    }

    /** A token issued at {@code issuedAt} and valid for {@code ttl} (negative for tests of expired tokens). */
    public String token(String subject, Duration ttl, Instant issuedAt, List<String> roles) {
        return token(ISSUER, subject, ttl, issuedAt, roles);
    }

    public String token(String issuer, String subject, Duration ttl, Instant issuedAt, List<String> roles) {
        long iat = issuedAt.getEpochSecond();
        String groups = roles.stream().map(r -> "\"" + r + "\"").collect(Collectors.joining(",", "[", "]"));
        String claims = "{\"iss\":\"" + issuer + "\",\"aud\":\"" + AUDIENCE + "\",\"sub\":\"" + subject
                + "\",\"upn\":\"" + subject
                + "\",\"groups\":" + groups + ",\"iat\":" + iat + ",\"exp\":" + (iat + ttl.toSeconds())
                + ",\"jti\":\"" + UUID.randomUUID() + "\"}";
        String signingInput = base64Url("{\"alg\":\"RS256\",\"typ\":\"JWT\"}") + "." + base64Url(claims);
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(privateKey);
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64Url(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private static PrivateKey privateKey(String pem) {
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("not an RSA private key in PKCS#8 PEM", e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = JwtTokens.class.getResourceAsStream("/dev-only/" + name)) {
            if (in == null) {
                throw new IllegalStateException("dev-only/" + name + " is missing from ota-testkit");
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
