package org.otaplatform.firmware;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.FirmwareManifest;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.codec.MessageCodec;
import org.otaplatform.contract.internal.FirmwareEvent;
import org.otaplatform.contract.wire.FirmwareType;
import org.otaplatform.testkit.JwtTokens;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.TestMqttClient;

/**
 * Four eyes on a release (issue #35): where two people release a package, its upload stores and checks it but
 * does not sign it; an admin other than the uploader approves it, and only then is it signed and sendable.
 */
@QuarkusTest
@TestProfile(ReleaseApprovalTest.TwoPeopleRelease.class)
class ReleaseApprovalTest {

    public static class TwoPeopleRelease implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ota.firmware.release.approvals", "2");
        }
    }

    private static final String ALICE = JwtTokens.devOnly().token("alice", JwtTokens.ADMIN);
    private static final String BOB = JwtTokens.devOnly().token("bob", JwtTokens.ADMIN);

    @Test
    void aPackageIsSignedOnlyWhenASecondPersonApprovesItsRelease() throws Exception {
        String product = Fixtures.uniqueProduct();
        byte[] content = Fixtures.bytes(2_000, 41);
        try (TestMqttClient planService =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.FIRMWARE_EVENTS)) {
            String id = given().auth()
                    .oauth2(ALICE)
                    .multiPart("file", "fw.bin", content, "application/octet-stream")
                    .multiPart("productKey", product)
                    .multiPart("version", "3.0.0")
                    .multiPart("type", "FULL")
                    .multiPart("name", "Release 3")
                    .post("/api/v1/firmware")
                    .then()
                    .statusCode(201)
                    .body("signature", nullValue())
                    .body("release.state", equalTo("PENDING_APPROVAL"))
                    .body("release.uploadedBy", equalTo("alice"))
                    .extract()
                    .path("id");
            JsonNode created = event(planService, id, FirmwareEvent.CREATED);
            assertThat(created.path("signature").isNull()
                            || created.path("signature").isMissingNode())
                    .as("plan-service hears of an unsigned package")
                    .isTrue();

            // not sendable: no verification, and not by its uploader's own approval
            given().auth()
                    .oauth2(BOB)
                    .contentType("application/json")
                    .body("{\"devices\":[{\"productKey\":\"" + product + "\",\"deviceKey\":\"lab-1\"}]}")
                    .post("/api/v1/firmware/" + id + "/verification")
                    .then()
                    .statusCode(409)
                    .body("detail", containsString("release approval"));
            given().auth()
                    .oauth2(ALICE)
                    .post("/api/v1/firmware/" + id + "/approve")
                    .then()
                    .statusCode(403)
                    .contentType("application/problem+json")
                    .body("detail", containsString("another person"));
            given().auth().oauth2(BOB).get("/api/v1/firmware/" + id).then().body("signature", nullValue());

            JsonPath approved = given().auth()
                    .oauth2(BOB)
                    .post("/api/v1/firmware/" + id + "/approve")
                    .then()
                    .statusCode(200)
                    .body("release.state", equalTo("APPROVED"))
                    .body("release.approvedBy", equalTo("bob"))
                    .body("release.approvedAt", notNullValue())
                    .extract()
                    .jsonPath();
            assertThat(verifies(approved, product, content)).isTrue();
            JsonNode event = event(planService, id, FirmwareEvent.APPROVED);
            assertThat(event.path("signature").asText()).isEqualTo(approved.getString("signature"));

            given().auth()
                    .oauth2(BOB)
                    .post("/api/v1/firmware/" + id + "/approve")
                    .then()
                    .statusCode(409);
            given().auth()
                    .oauth2(BOB)
                    .queryParam("resource", "firmware/" + id)
                    .get("/api/v1/audit")
                    .then()
                    .body("items[0].action", equalTo("firmware.approve"))
                    .body("items[0].actor", equalTo("bob"))
                    .body("items[0].before.release", equalTo("PENDING_APPROVAL"))
                    .body("items[0].after.release", equalTo("APPROVED"));
        }
    }

    @Test
    void approvingIsForAdminsOnly() {
        String id = given().auth()
                .oauth2(ALICE)
                .multiPart("file", "fw.bin", Fixtures.bytes(100, 42), "application/octet-stream")
                .multiPart("productKey", Fixtures.uniqueProduct())
                .multiPart("version", "1.0.0")
                .multiPart("type", "FULL")
                .multiPart("name", "Release 1")
                .post("/api/v1/firmware")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        for (String role : List.of(JwtTokens.OPERATOR, JwtTokens.VIEWER, JwtTokens.APP)) {
            given().auth()
                    .oauth2(JwtTokens.devOnly().token("carol", role))
                    .post("/api/v1/firmware/" + id + "/approve")
                    .then()
                    .statusCode(403);
        }
        given().auth()
                .oauth2(BOB)
                .get("/api/v1/firmware/" + id)
                .then()
                .body("release.state", equalTo("PENDING_APPROVAL"));
    }

    private static JsonNode event(TestMqttClient bus, String id, String type) throws Exception {
        return MessageCodec.mapper()
                .readTree(bus.await(m -> m.payload().contains(id) && m.payload().contains("\"" + type + "\""))
                        .payload())
                .get("data");
    }

    private static boolean verifies(JsonPath approved, String product, byte[] content) throws Exception {
        List<Map<String, String>> keys =
                given().get("/api/v1/signing-keys").then().extract().jsonPath().getList("$");
        Map<String, String> key = keys.stream()
                .filter(k -> k.get("keyId").equals(approved.getString("keyId")))
                .findFirst()
                .orElseThrow();
        PublicKey publicKey = KeyFactory.getInstance("Ed25519")
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(key.get("publicKey"))));
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(publicKey);
        verifier.update(new FirmwareManifest(product, "3.0.0", FirmwareType.FULL, null, 2_000, Fixtures.sha256(content))
                .signedBytes());
        return verifier.verify(Base64.getDecoder().decode(approved.getString("signature")));
    }
}
