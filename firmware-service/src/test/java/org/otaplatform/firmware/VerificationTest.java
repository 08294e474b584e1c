package org.otaplatform.firmware;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.codec.MessageCodec;
import org.otaplatform.contract.internal.InternalMessage;
import org.otaplatform.contract.internal.VerificationRequest;
import org.otaplatform.contract.internal.VerificationResult;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.TestMqttClient;

@QuarkusTest
class VerificationTest {

    private static final String DEVICES =
            "{\"devices\":[{\"productKey\":\"zb-bulb\",\"deviceKey\":\"test-1\"},{\"productKey\":\"zb-bulb\",\"deviceKey\":\"test-2\"}]}";

    @Test
    void aPackageIsVerifiedWhenPlanServiceReportsEveryTestDeviceSucceeded() throws Exception {
        String id = Fixtures.createdFull(Fixtures.uniqueProduct(), "1", Fixtures.bytes(100, 31));
        try (TestMqttClient planService =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.VERIFICATION_REQUESTS)) {

            given().contentType("application/json")
                    .body(DEVICES)
                    .post("/api/v1/firmware/" + id + "/verification")
                    .then()
                    .statusCode(202)
                    .body("verification", equalTo("VERIFYING"));

            JsonNode request = MessageCodec.mapper()
                    .readTree(planService.await(m -> m.payload().contains(id)).payload());
            JsonNode data = request.get("data");
            org.assertj.core.api.Assertions.assertThat(request.get("type").asText())
                    .isEqualTo(VerificationRequest.TYPE);
            org.assertj.core.api.Assertions.assertThat(data.get("devices")).hasSize(2);
            planService.publish(InternalTopics.VERIFICATION_RESULTS, result(id, "another-run", false));
            planService.publish(
                    InternalTopics.VERIFICATION_RESULTS,
                    result(id, data.get("runId").asText(), true));

            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() ->
                            given().get("/api/v1/firmware/" + id).then().body("verification", equalTo("VERIFIED")));
        }
    }

    @Test
    void aPackageFailsVerificationWhenATestDeviceFails() throws Exception {
        String id = Fixtures.createdFull(Fixtures.uniqueProduct(), "1", Fixtures.bytes(100, 32));
        try (TestMqttClient planService =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.VERIFICATION_REQUESTS)) {
            given().contentType("application/json")
                    .body(DEVICES)
                    .post("/api/v1/firmware/" + id + "/verification")
                    .then()
                    .statusCode(202);
            String runId = MessageCodec.mapper()
                    .readTree(planService.await(m -> m.payload().contains(id)).payload())
                    .get("data")
                    .get("runId")
                    .asText();

            planService.publish(InternalTopics.VERIFICATION_RESULTS, result(id, runId, false));

            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> given().get("/api/v1/firmware/" + id)
                            .then()
                            .body("verification", equalTo("FAILED"))
                            .body("verificationDetail", containsString("test-2")));
        }
    }

    @Test
    void aRunThatOutlivesItsTimeoutFails() {
        String id = Fixtures.createdFull(Fixtures.uniqueProduct(), "1", Fixtures.bytes(100, 33));

        given().contentType("application/json")
                .body(DEVICES)
                .post("/api/v1/firmware/" + id + "/verification")
                .then()
                .statusCode(202);

        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> given().get("/api/v1/firmware/" + id)
                        .then()
                        .body("verification", equalTo("FAILED"))
                        .body("verificationDetail", containsString("timed out")));
    }

    @Test
    void refusesASecondRunWhileOneIsRunning() {
        String id = Fixtures.createdFull(Fixtures.uniqueProduct(), "1", Fixtures.bytes(100, 34));
        given().contentType("application/json")
                .body(DEVICES)
                .post("/api/v1/firmware/" + id + "/verification")
                .then()
                .statusCode(202);

        given().contentType("application/json")
                .body(DEVICES)
                .post("/api/v1/firmware/" + id + "/verification")
                .then()
                .statusCode(409);
    }

    @Test
    void namesEveryBadTestDevice() {
        String id = Fixtures.createdFull(Fixtures.uniqueProduct(), "1", Fixtures.bytes(100, 35));

        given().contentType("application/json")
                .body(
                        "{\"devices\":[{\"productKey\":\"bad key\",\"deviceKey\":\"d\"},{\"productKey\":\"p\",\"deviceKey\":\"\"}]}")
                .post("/api/v1/firmware/" + id + "/verification")
                .then()
                .statusCode(422)
                .body("errors.field", hasItems("devices[0].productKey", "devices[1].deviceKey"));
        given().contentType("application/json")
                .body("{\"devices\":[]}")
                .post("/api/v1/firmware/" + id + "/verification")
                .then()
                .statusCode(422);
        given().contentType("application/json")
                .body("{\"devices\":\"all\"}")
                .post("/api/v1/firmware/" + id + "/verification")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
        given().get("/api/v1/firmware/" + id).then().body("verification", equalTo("UNVERIFIED"));
    }

    @Test
    void aFailedPackageIsVerifiedAgainOnlyWhenTheAdminSaysSo() throws Exception {
        String id = Fixtures.createdFull(Fixtures.uniqueProduct(), "1", Fixtures.bytes(100, 36));
        try (TestMqttClient planService =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.VERIFICATION_REQUESTS)) {
            String runId = started(planService, id, DEVICES);
            planService.publish(InternalTopics.VERIFICATION_RESULTS, result(id, runId, false));
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(
                            () -> given().get("/api/v1/firmware/" + id).then().body("verification", equalTo("FAILED")));

            given().contentType("application/json")
                    .body(DEVICES)
                    .post("/api/v1/firmware/" + id + "/verification")
                    .then()
                    .statusCode(409)
                    .contentType("application/problem+json")
                    .body("detail", containsString("reverify"));
            given().get("/api/v1/firmware/" + id).then().body("verification", equalTo("FAILED"));

            String again = started(planService, id, DEVICES.replace("]}", "],\"reverify\":true}"));
            org.assertj.core.api.Assertions.assertThat(again).isNotEqualTo(runId);
            given().queryParam("resource", "firmware/" + id)
                    .get("/api/v1/audit")
                    .then()
                    .body("items[0].action", equalTo("firmware.verification.start"))
                    .body("items[0].after.reverify", equalTo(true));
        }
    }

    @Test
    void aRunPlanServiceRefusedLeavesThePackageAsItWasWithTheReason() throws Exception {
        String id = Fixtures.createdFull(Fixtures.uniqueProduct(), "1", Fixtures.bytes(100, 37));
        try (TestMqttClient planService =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.VERIFICATION_REQUESTS)) {
            String runId = started(planService, id, DEVICES);
            planService.publish(
                    InternalTopics.VERIFICATION_RESULTS,
                    InternalMessage.of(
                                    VerificationResult.TYPE,
                                    "plan-service",
                                    System.currentTimeMillis(),
                                    VerificationResult.refused(id, runId, "not test devices of zb-bulb: [test-2]"))
                            .encode());
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> given().get("/api/v1/firmware/" + id)
                            .then()
                            .body("verification", equalTo("UNVERIFIED"))
                            .body("verificationDetail", containsString("refused"))
                            .body("verificationDetail", containsString("test-2")));
            given().queryParam("resource", "firmware/" + id)
                    .get("/api/v1/audit")
                    .then()
                    .body("items[0].action", equalTo("firmware.verification.refused"))
                    .body("items[0].before.verification", equalTo("VERIFYING"))
                    .body("items[0].after.verification", equalTo("UNVERIFIED"));
            // not FAILED: a new run needs no re-verify
            started(planService, id, DEVICES);
        }
    }

    /** Starts a run (202, VERIFYING) and returns the run id plan-service was sent. */
    private static String started(TestMqttClient planService, String id, String body) throws Exception {
        int before = (int) planService.received().stream()
                .filter(m -> m.payload().contains(id))
                .count();
        given().contentType("application/json")
                .body(body)
                .post("/api/v1/firmware/" + id + "/verification")
                .then()
                .statusCode(202)
                .body("verification", equalTo("VERIFYING"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> planService.received().stream()
                                .filter(m -> m.payload().contains(id))
                                .count()
                        > before);
        var requests = planService.received().stream()
                .filter(m -> m.payload().contains(id))
                .toList();
        return MessageCodec.mapper()
                .readTree(requests.get(requests.size() - 1).payload())
                .get("data")
                .get("runId")
                .asText();
    }

    private static byte[] result(String firmwareId, String runId, boolean succeeded) {
        return InternalMessage.of(
                        VerificationResult.TYPE,
                        "plan-service",
                        System.currentTimeMillis(),
                        new VerificationResult(
                                firmwareId,
                                runId,
                                succeeded,
                                succeeded ? null : "zb-bulb/test-2 failed: INSTALL_FAILED"))
                .encode();
    }
}
