package org.otaplatform.firmware;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.internal.FirmwareEvent;
import org.otaplatform.contract.internal.InternalMessage;
import org.otaplatform.contract.internal.PlanLifecycleEvent;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.TestMqttClient;

/** {@code PATCH /api/v1/firmware/{id}}: which devices a package fits, changed only while no running plan uses it. */
@QuarkusTest
class CompatibilityChangeTest {

    @Test
    void changesTheRevisionsAndMinimumAnnouncesThemAndAuditsTheChange() {
        String id = Fixtures.createdFull(Fixtures.uniqueProduct(), "1", Fixtures.bytes(200, 41));
        try (TestMqttClient listener =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.FIRMWARE_EVENTS)) {

            patch(
                            id,
                            "{\"hardwareRevisions\":[\"B\",\"A\",\"B\"],\"unknownHardware\":\"ALLOW\","
                                    + "\"minGatewayVersion\":\"4.3.0\"}")
                    .statusCode(200)
                    .body("hardwareRevisions", contains("A", "B"))
                    .body("unknownHardware", equalTo("ALLOW"))
                    .body("minGatewayVersion", equalTo("4.3.0"));

            var event = listener.await(m -> m.payload().contains(FirmwareEvent.COMPATIBILITY_CHANGED)
                    && m.payload().contains(id));
            FirmwareEvent data = InternalMessage.decode(event.payload().getBytes())
                    .flatMap(m -> m.dataAs(FirmwareEvent.class))
                    .orElseThrow();
            assertThat(data.hardwareRevisions()).containsExactly("A", "B");
            assertThat(data.unknownHardware()).isEqualTo("ALLOW");
            assertThat(data.minGatewayVersion()).isEqualTo("4.3.0");
        }

        // a field left out stays; null drops the minimum; [] is any hardware
        patch(id, "{\"minGatewayVersion\":null}")
                .statusCode(200)
                .body("minGatewayVersion", nullValue())
                .body("hardwareRevisions", contains("A", "B"));
        patch(id, "{\"hardwareRevisions\":[]}").statusCode(200).body("hardwareRevisions", empty());
        given().get("/api/v1/firmware/" + id).then().statusCode(200).body("hardwareRevisions", empty());

        JsonPath audit = given().queryParam("resource", "firmware/" + id)
                .get("/api/v1/audit")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(audit.getList("items.action"))
                .containsExactly(
                        "firmware.compatibility",
                        "firmware.compatibility",
                        "firmware.compatibility",
                        "firmware.create");
        assertThat(audit.getList("items[2].before.hardwareRevisions")).isEmpty();
        assertThat(audit.getList("items[2].after.hardwareRevisions")).containsExactly("A", "B");
    }

    @Test
    void aChangeThatChangesNothingRecordsNothing() {
        String id = Fixtures.createdFull(Fixtures.uniqueProduct(), "1", Fixtures.bytes(200, 42));

        patch(id, "{\"unknownHardware\":\"REFUSE\"}").statusCode(200).body("unknownHardware", equalTo("REFUSE"));

        given().queryParam("resource", "firmware/" + id)
                .get("/api/v1/audit")
                .then()
                .statusCode(200)
                .body("items.action", contains("firmware.create"));
    }

    @Test
    void badBodiesAreRefusedNamingTheFieldAndChangeNothing() {
        String id = Fixtures.createdFull(Fixtures.uniqueProduct(), "1", Fixtures.bytes(200, 43));
        for (String[] bad : List.of(
                new String[] {"{\"hardwareRevisions\":[\"A B\"]}", "hardwareRevisions"},
                new String[] {"{\"hardwareRevisions\":\"A\"}", "hardwareRevisions"},
                new String[] {"{\"minGatewayVersion\":\"four\"}", "minGatewayVersion"},
                new String[] {"{\"unknownHardware\":\"MAYBE\"}", "unknownHardware"},
                new String[] {"{\"version\":\"2\"}", "version"},
                new String[] {"{}", "body"},
                new String[] {"[1]", "body"})) {
            patch(id, bad[0])
                    .statusCode(422)
                    .contentType("application/problem+json")
                    .body("errors.field", org.hamcrest.Matchers.hasItem(bad[1]));
        }
        given().get("/api/v1/firmware/" + id)
                .then()
                .body("hardwareRevisions", empty())
                .body("unknownHardware", equalTo("REFUSE"))
                .body("minGatewayVersion", nullValue());
        patch(UUID.randomUUID().toString(), "{\"unknownHardware\":\"ALLOW\"}").statusCode(404);
    }

    @Test
    void refusesAChangeWhileAnUnfinishedPlanUsesThePackage() {
        String id = Fixtures.createdFull(Fixtures.uniqueProduct(), "1", Fixtures.bytes(200, 44));
        String plan = UUID.randomUUID().toString();
        try (TestMqttClient planService = TestMqttClient.connect(MqttBroker.shared())) {
            planService.publish(InternalTopics.PLAN_EVENTS, lifecycle(plan, id, "ACTIVE", 1));
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> patch(id, "{\"hardwareRevisions\":[\"A\"]}")
                            .statusCode(409)
                            .contentType("application/problem+json")
                            .body("detail", containsString(plan)));
            given().get("/api/v1/firmware/" + id).then().body("hardwareRevisions", empty());

            planService.publish(InternalTopics.PLAN_EVENTS, lifecycle(plan, id, "TERMINATED", 2));
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(
                            () -> patch(id, "{\"hardwareRevisions\":[\"A\"]}").statusCode(200));
        }
    }

    private static io.restassured.response.ValidatableResponse patch(String id, String body) {
        return given().contentType("application/json")
                .body(body)
                .patch("/api/v1/firmware/" + id)
                .then();
    }

    private static byte[] lifecycle(String planId, String firmwareId, String status, long version) {
        return InternalMessage.of(
                        PlanLifecycleEvent.TYPE,
                        "plan-service",
                        System.currentTimeMillis(),
                        new PlanLifecycleEvent(planId, firmwareId, "p", status, version, List.of(firmwareId)))
                .encode();
    }
}
