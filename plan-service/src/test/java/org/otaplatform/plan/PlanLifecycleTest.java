package org.otaplatform.plan;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.internal.FirmwareEvent;
import org.otaplatform.contract.internal.InternalMessage;
import org.otaplatform.contract.wire.FirmwareType;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.TestMqttClient;

@QuarkusTest
class PlanLifecycleTest {

    @Inject
    Pool pool;

    @Test
    void createsADraftWithEveryDefaultOfTheContract() {
        String firmware = knownFirmware("zb-bulb", "1.1", FirmwareType.FULL, null, "UNVERIFIED");

        given().contentType(ContentType.JSON)
                .body(plan("defaults-" + UUID.randomUUID(), firmware, "SILENT"))
                .post("/api/v1/plans")
                .then()
                .statusCode(201)
                .body("status", equalTo("DRAFT"))
                .body("maxConcurrentPerGateway", equalTo(4))
                .body("pushActively", equalTo(true))
                .body("repushAfterRejectMinutes", equalTo(120))
                .body("timeZone", equalTo("Europe/Berlin"))
                .body("pushWindows[0].from", equalTo("22:00"));
    }

    @Test
    void namesEveryFaultOfAPlanInOneAnswer() {
        String firmware = knownFirmware("zb-bulb", "2.0", FirmwareType.DELTA, "1.9", "UNVERIFIED");
        String body =
                "{\"name\":\"\",\"productKey\":\"zb-bulb\",\"firmwareId\":\"" + firmware + "\",\"mode\":\"MANUAL\","
                        + "\"sourceVersions\":[\"1.8\",\"2.0\"],\"timeZone\":\"Mars/Olympus\",\"startAt\":\"2026-12-01T10:00:00\","
                        + "\"endAt\":\"2026-11-01T10:00:00\",\"pushWindows\":[{\"from\":\"25:00\",\"to\":\"05:00\"}],"
                        + "\"maxConcurrentPerGateway\":0,\"repushAfterRejectMinutes\":5,\"requireVerifiedFirmware\":true}";

        given().contentType(ContentType.JSON)
                .body(body)
                .post("/api/v1/plans")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body(
                        "errors.field",
                        hasItems(
                                "name",
                                "timeZone",
                                "endAt",
                                "pushWindows[0].from",
                                "upgradeNotes",
                                "firmwareId",
                                "sourceVersions",
                                "maxConcurrentPerGateway",
                                "repushAfterRejectMinutes"));
    }

    @Test
    void refusesFirmwareOfAnotherProductOrUnknownFirmware() {
        String other = knownFirmware("ble-lock", "3.0", FirmwareType.FULL, null, "VERIFIED");

        given().contentType(ContentType.JSON)
                .body(plan("other-" + UUID.randomUUID(), other, "SILENT"))
                .post("/api/v1/plans")
                .then()
                .statusCode(422)
                .body("errors.field", hasItems("firmwareId"));
        given().contentType(ContentType.JSON)
                .body(plan("unknown-" + UUID.randomUUID(), UUID.randomUUID().toString(), "SILENT"))
                .post("/api/v1/plans")
                .then()
                .statusCode(422)
                .body("errors.field", hasItems("firmwareId"));
    }

    @Test
    void aPlanNameIsUnique() {
        String firmware = knownFirmware("zb-bulb", "1.2", FirmwareType.FULL, null, "UNVERIFIED");
        String name = "unique-" + UUID.randomUUID();
        given().contentType(ContentType.JSON)
                .body(plan(name, firmware, "SILENT"))
                .post("/api/v1/plans")
                .then()
                .statusCode(201);

        given().contentType(ContentType.JSON)
                .body(plan(name, firmware, "SILENT"))
                .post("/api/v1/plans")
                .then()
                .statusCode(409)
                .body("code", equalTo("CONFLICT"));
    }

    @Test
    void runsTheLifeCycleRecordsItAndAnnouncesEveryChange() {
        String firmware = knownFirmware("zb-bulb", "1.3", FirmwareType.FULL, null, "UNVERIFIED");
        try (TestMqttClient firmwareService =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.PLAN_EVENTS)) {
            String id = given().contentType(ContentType.JSON)
                    .body(plan("life-" + UUID.randomUUID(), firmware, "SILENT"))
                    .post("/api/v1/plans")
                    .then()
                    .statusCode(201)
                    .extract()
                    .path("id");
            given().contentType(ContentType.JSON)
                    .body(plan("life-renamed-" + id, firmware, "SILENT"))
                    .put("/api/v1/plans/" + id)
                    .then()
                    .statusCode(200)
                    .body("name", equalTo("life-renamed-" + id));

            given().post("/api/v1/plans/" + id + "/resume").then().statusCode(409);
            given().post("/api/v1/plans/" + id + "/activate")
                    .then()
                    .statusCode(200)
                    .body("status", equalTo("ACTIVE"));
            given().contentType(ContentType.JSON)
                    .body("{\"reason\":\"field reports\"}")
                    .post("/api/v1/plans/" + id + "/suspend")
                    .then()
                    .statusCode(200)
                    .body("status", equalTo("SUSPENDED"))
                    .body("suspendedReason", equalTo("field reports"));
            given().post("/api/v1/plans/" + id + "/resume")
                    .then()
                    .statusCode(200)
                    .body("status", equalTo("ACTIVE"));
            given().contentType(ContentType.JSON)
                    .body(plan("x-" + id, firmware, "SILENT"))
                    .put("/api/v1/plans/" + id)
                    .then()
                    .statusCode(409);
            given().delete("/api/v1/plans/" + id).then().statusCode(409);
            given().post("/api/v1/plans/" + id + "/terminate")
                    .then()
                    .statusCode(200)
                    .body("status", equalTo("TERMINATED"));
            given().post("/api/v1/plans/" + id + "/activate").then().statusCode(409);

            List<String> to = given().get("/api/v1/plans/" + id + "/history")
                    .then()
                    .statusCode(200)
                    .extract()
                    .path("to");
            assertThat(to).containsExactly("DRAFT", "ACTIVE", "SUSPENDED", "ACTIVE", "TERMINATED");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> firmwareService.received().stream()
                                    .filter(m -> m.payload().contains(id))
                                    .count()
                            == 5);
            firmwareService.await(m -> m.payload().contains(id)
                    && m.payload().contains("\"status\":\"TERMINATED\"")
                    && m.payload().contains("\"version\":4"));
        }
    }

    @Test
    void aPlanWhosePeriodIsOverFinishes() {
        String firmware = knownFirmware("zb-bulb", "1.6", FirmwareType.FULL, null, "UNVERIFIED");
        String body = plan("ended-" + UUID.randomUUID(), firmware, "SILENT")
                .replace("\"mode\"", "\"startAt\":\"2020-01-01T00:00:00\",\"endAt\":\"2020-01-02T00:00:00\",\"mode\"");
        String id = Fixtures.activated(body);

        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> given().get("/api/v1/plans/" + id).then().body("status", equalTo("FINISHED")));
        List<String> reasons =
                given().get("/api/v1/plans/" + id + "/history").then().extract().path("reason");
        assertThat(reasons.get(reasons.size() - 1)).contains("end");
    }

    @Test
    void aDraftCanBeDeletedAndItsDeletionIsAnnounced() {
        String firmware = knownFirmware("zb-bulb", "1.4", FirmwareType.FULL, null, "UNVERIFIED");
        try (TestMqttClient firmwareService =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.PLAN_EVENTS)) {
            String id = given().contentType(ContentType.JSON)
                    .body(plan("gone-" + UUID.randomUUID(), firmware, "SILENT"))
                    .post("/api/v1/plans")
                    .then()
                    .statusCode(201)
                    .extract()
                    .path("id");

            given().delete("/api/v1/plans/" + id).then().statusCode(204);

            given().get("/api/v1/plans/" + id).then().statusCode(404);
            firmwareService.await(m -> m.payload().contains(id) && m.payload().contains("DELETED"));
        }
    }

    @Test
    void activationNeedsVerifiedFirmwareWhenThePlanSaysSo() {
        String firmware = knownFirmware("zb-bulb", "1.5", FirmwareType.FULL, null, "VERIFIED");
        String body = plan("verified-" + UUID.randomUUID(), firmware, "SILENT")
                .replace("\"mode\"", "\"requireVerifiedFirmware\":true,\"mode\"");
        String id = given().contentType(ContentType.JSON)
                .body(body)
                .post("/api/v1/plans")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        publish(firmware, "zb-bulb", "1.5", FirmwareType.FULL, null, "FAILED", FirmwareEvent.VERIFICATION_CHANGED);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> verification(firmware).equals("FAILED"));

        given().post("/api/v1/plans/" + id + "/activate").then().statusCode(409);
    }

    @Test
    void aBodyWithAWrongTypeIsAnsweredWithTheField() {
        given().contentType(ContentType.JSON)
                .body("{\"name\":\"x\",\"maxConcurrentPerGateway\":\"many\"}")
                .post("/api/v1/plans")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("maxConcurrentPerGateway"));
        given().contentType(ContentType.JSON)
                .body("{not json")
                .post("/api/v1/plans")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
    }

    static String plan(String name, String firmwareId, String mode) {
        return "{\"name\":\"" + name + "\",\"productKey\":\"zb-bulb\",\"firmwareId\":\"" + firmwareId + "\",\"mode\":\""
                + mode + "\","
                + "\"timeZone\":\"Europe/Berlin\",\"pushWindows\":[{\"from\":\"22:00\",\"to\":\"05:00\"}],\"upgradeNotes\":{\"en\":\"Better pairing\"}}";
    }

    /** A package plan-service learns of through firmware-service's event, as in production. */
    private String knownFirmware(
            String product, String version, FirmwareType type, String source, String verification) {
        String id = UUID.randomUUID().toString();
        publish(id, product, version, type, source, verification, FirmwareEvent.CREATED);
        await().atMost(Duration.ofSeconds(10)).until(() -> !verification(id).isEmpty());
        return id;
    }

    private static void publish(
            String id,
            String product,
            String version,
            FirmwareType type,
            String source,
            String verification,
            String eventType) {
        try (TestMqttClient firmwareService = TestMqttClient.connect(MqttBroker.shared())) {
            firmwareService.publish(
                    InternalTopics.FIRMWARE_EVENTS,
                    InternalMessage.of(
                                    eventType,
                                    "firmware-service",
                                    System.currentTimeMillis(),
                                    new FirmwareEvent(
                                            id,
                                            product,
                                            version,
                                            type,
                                            source,
                                            1024,
                                            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                                            "c2ln",
                                            "k1",
                                            verification))
                            .encode());
        }
    }

    private String verification(String firmwareId) {
        var rows = pool.preparedQuery("SELECT verification FROM firmware_view WHERE firmware_id = $1")
                .execute(Tuple.of(UUID.fromString(firmwareId)))
                .await()
                .indefinitely();
        return rows.size() == 0 ? "" : rows.iterator().next().getString(0);
    }
}
