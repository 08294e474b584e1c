package org.otaplatform.testkit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What a REST endpoint admits, checked with real tokens: every role it names gets past authorisation
 * (any answer but 401 and 403: ids in these checks name nothing, so 404 or 422 follow), every other
 * role gets a 403 problem, and a call without a valid token a 401 problem with a {@code Bearer}
 * challenge.
 */
public final class AccessCheck {

    /** How to call an endpoint: the request's media type decides whether it reaches its method at all. */
    public record Endpoint(String method, String path, Body body) {

        public static Endpoint get(String path) {
            return new Endpoint("GET", path, Body.NONE);
        }

        public static Endpoint delete(String path) {
            return new Endpoint("DELETE", path, Body.NONE);
        }

        public static Endpoint postJson(String path) {
            return new Endpoint("POST", path, Body.JSON);
        }

        public static Endpoint putJson(String path) {
            return new Endpoint("PUT", path, Body.JSON);
        }

        public static Endpoint patchJson(String path) {
            return new Endpoint("PATCH", path, Body.JSON);
        }

        public static Endpoint postMultipart(String path) {
            return new Endpoint("POST", path, Body.MULTIPART);
        }

        Response send(RequestSpecification request) {
            RequestSpecification spec = switch (body) {
                case NONE -> request;
                case JSON -> request.contentType(ContentType.JSON).body("{}");
                case MULTIPART -> request.multiPart("productKey", "pk-access-check");
            };
            return spec.request(method, path);
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    public enum Body {
        NONE,
        JSON,
        MULTIPART
    }

    private AccessCheck() {}

    /** {@code endpoint} admits exactly {@code allowed} among the platform's roles. */
    public static void assertAdmits(Endpoint endpoint, String... allowed) {
        Set<String> admitted = Set.of(allowed);
        for (String role : JwtTokens.ROLES) {
            Response response = endpoint.send(given().auth().oauth2(token(role)));
            if (admitted.contains(role)) {
                assertThat(response.statusCode())
                        .as("%s with role %s gets past authorisation", endpoint, role)
                        .isNotIn(401, 403);
            } else {
                assertProblem(response, 403, "FORBIDDEN", endpoint + " refuses role " + role);
            }
        }
        assertUnauthenticated(endpoint.send(given().auth().none()), endpoint + " without a token");
    }

    /** Every way of presenting a token that is not valid gets a 401 on {@code endpoint}. */
    public static void assertRejectsInvalidTokens(Endpoint endpoint) throws Exception {
        JwtTokens dev = JwtTokens.devOnly();
        Path otherKey = Files.createTempDirectory("other-jwt-key");
        List<String> allAdmin = List.of(JwtTokens.ADMIN);
        assertInvalid(
                endpoint,
                dev.token("t", Duration.ofMinutes(-5), Instant.now().minusSeconds(3600), allAdmin),
                "an expired token");
        assertInvalid(endpoint, JwtTokens.inDirectory(otherKey).token("t", JwtTokens.ADMIN), "a token of another key");
        assertInvalid(
                endpoint,
                dev.token("someone-else", "t", Duration.ofHours(1), Instant.now(), allAdmin),
                "a token of another issuer");
        String valid = dev.token("t", JwtTokens.ADMIN);
        String[] parts = valid.split("\\.");
        String forged = parts[0] + "."
                + java.util.Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(("{\"iss\":\"ota-platform\",\"sub\":\"t\",\"groups\":[\"ota-admin\"],\"exp\":"
                                        + (Instant.now().getEpochSecond() + 3600) + "}")
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                + "." + parts[2];
        assertInvalid(endpoint, forged, "a token whose claims were changed after signing");
        assertInvalid(endpoint, parts[0] + "." + parts[1] + ".", "an unsigned token");
        assertInvalid(endpoint, withHeader("{\"alg\":\"none\",\"typ\":\"JWT\"}", parts[1], null), "alg none");
        // the classic confusion: HMAC keyed with the verification key, which is public
        byte[] pem = dev.publicKeyPem().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertInvalid(
                endpoint,
                withHeader("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", parts[1], pem),
                "HS256 keyed with the public key");
        assertInvalid(
                endpoint,
                dev.token("t", Duration.ofDays(31), Instant.now(), allAdmin),
                "a token living longer than the 30-day maximum");
        assertInvalid(endpoint, "not-a-jwt", "a token that is not a JWT");
        Response noRoles = endpoint.send(given().auth().oauth2(dev.token("t")));
        assertProblem(noRoles, 403, "FORBIDDEN", endpoint + " with a valid token without roles");
    }

    /** A token of {@code header} and the base64url {@code claims}, HMAC-SHA256 keyed with {@code key}, or unsigned. */
    private static String withHeader(String header, String claims, byte[] key) throws Exception {
        var encoder = java.util.Base64.getUrlEncoder().withoutPadding();
        String input = encoder.encodeToString(header.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "." + claims;
        if (key == null) {
            return input + ".";
        }
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
        return input + "."
                + encoder.encodeToString(mac.doFinal(input.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }

    /**
     * {@code endpoint} asks for no bearer token: no token, or a broken one, changes nothing (a download's
     * own authorisation, its signed link, may still refuse with 403).
     */
    public static void assertPublic(Endpoint endpoint) {
        Response anonymous = endpoint.send(given().auth().none());
        Response broken = endpoint.send(given().auth().oauth2("not-a-jwt"));
        assertThat(anonymous.statusCode()).as("%s without a token", endpoint).isNotEqualTo(401);
        assertThat(anonymous.header("WWW-Authenticate"))
                .as("%s asks for no bearer token", endpoint)
                .isNull();
        assertThat(broken.statusCode())
                .as("%s with a broken token (only endpoints that need one look at it)", endpoint)
                .isEqualTo(anonymous.statusCode());
    }

    public static String token(String role) {
        return JwtTokens.devOnly().token("access-check-" + role, role);
    }

    private static void assertInvalid(Endpoint endpoint, String token, String what) {
        Response response = endpoint.send(given().auth().oauth2(token));
        assertProblem(response, 401, "UNAUTHENTICATED", endpoint + " with " + what);
        assertThat(response.header("WWW-Authenticate")).as(what).startsWith("Bearer");
    }

    private static void assertUnauthenticated(Response response, String what) {
        assertProblem(response, 401, "UNAUTHENTICATED", what);
        assertThat(response.header("WWW-Authenticate")).as(what).isEqualTo("Bearer");
    }

    private static void assertProblem(Response response, int status, String code, String what) {
        assertThat(response.statusCode()).as(what).isEqualTo(status);
        assertThat(response.contentType()).as(what).startsWith("application/problem+json");
        assertThat(response.jsonPath().getString("code")).as(what).isEqualTo(code);
        assertThat(response.jsonPath().getInt("status")).as(what).isEqualTo(status);
    }
}
