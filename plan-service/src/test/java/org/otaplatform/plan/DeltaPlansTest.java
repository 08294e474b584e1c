package org.otaplatform.plan;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.internal.DeviceState;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.TestMqttClient;

/**
 * Plans with several packages (issue #22, item 1): a full package and/or one delta per source version, to
 * one target; each device gets the delta from the version it runs, else the full package; a plan whose
 * source versions include one that no package upgrades is refused naming the version (a delta pushed to a
 * device on another version fails there, and used to count against the failure threshold).
 */
@QuarkusTest
class DeltaPlansTest {

    @Inject
    Pool pool;

    @Test
    void aPlanWithASourceVersionThatNoPackageUpgradesIsRefusedNamingTheVersion() {
        String product = "dv-" + UUID.randomUUID().toString().substring(0, 8);
        try (TestMqttClient bus = TestMqttClient.connect(MqttBroker.shared())) {
            String delta = Fixtures.delta(bus, product, "2.0", "1.9");
            awaitFirmware(product, 1);

            given().contentType(ContentType.JSON)
                    .body(plan(product, "\"firmwareId\":\"" + delta + "\",\"sourceVersions\":[\"1.9\",\"1.8\"]"))
                    .post("/api/v1/plans")
                    .then()
                    .statusCode(422)
                    .body("errors.field", hasItem("sourceVersions"))
                    .body("errors.find { it.field == 'sourceVersions' }.message", containsString("1.8"));
            given().contentType(ContentType.JSON)
                    .body(plan(product, "\"firmwareId\":\"" + delta + "\""))
                    .post("/api/v1/plans")
                    .then()
                    .statusCode(422)
                    .body("errors.find { it.field == 'sourceVersions' }.message", containsString("[1.9]"));
        }
    }

    @Test
    void packagesMustShareTheTargetAndNotRepeatAFullPackageOrASource() {
        String product = "dr-" + UUID.randomUUID().toString().substring(0, 8);
        try (TestMqttClient bus = TestMqttClient.connect(MqttBroker.shared())) {
            String full = Fixtures.firmware(bus, product, "2.0", "UNVERIFIED");
            String otherFull = Fixtures.firmware(bus, product, "2.1", "UNVERIFIED");
            String delta = Fixtures.delta(bus, product, "2.0", "1.9");
            String sameSource = Fixtures.delta(bus, product, "2.0", "1.9");
            awaitFirmware(product, 4);

            given().contentType(ContentType.JSON)
                    .body(plan(product, ids(full, otherFull, delta, sameSource)))
                    .post("/api/v1/plans")
                    .then()
                    .statusCode(422)
                    .body("errors.field", hasItem("firmwareIds[1]"))
                    .body("errors.field", hasItem("firmwareIds[3]"))
                    .body("errors.find { it.field == 'firmwareIds[1]' }.message", containsString("2.1"))
                    .body("errors.find { it.field == 'firmwareIds[3]' }.message", containsString("second DELTA"));
        }
    }

    @Test
    void eachDeviceGetsTheDeltaFromItsVersionElseTheFullPackage() {
        String product = "dp-" + UUID.randomUUID().toString().substring(0, 8);
        String gw = product + "-gw";
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            String full = Fixtures.firmware(bus, product, "2.0", "UNVERIFIED");
            String from19 = Fixtures.delta(bus, product, "2.0", "1.9");
            String from18 = Fixtures.delta(bus, product, "2.0", "1.8");
            Fixtures.gateway(bus, gw, true, 1);
            Map<String, String> versions = Map.of("d1", "1.9", "d2", "1.8", "d3", "1.7");
            versions.forEach((device, version) ->
                    Fixtures.device(bus, new DeviceState(product, device, gw, true, version, "ATTACHED", 1)));
            awaitFirmware(product, 3);
            await().atMost(Duration.ofSeconds(10))
                    .until(() ->
                            Fixtures.count(pool, "SELECT count(*) FROM device_view WHERE product_key = $1", product)
                                    == 3);

            String id = Fixtures.activated(plan(product, ids(from19, from18, full) + ",\"maxConcurrentPerGateway\":3"));
            given().get("/api/v1/plans/" + id)
                    .then()
                    .body("firmwareId", equalTo(full))
                    .body("firmwareIds", equalTo(List.of(full, from19, from18)));

            await().atMost(Duration.ofSeconds(15))
                    .until(() ->
                            Fixtures.commands(bus, "gateway.upgrade", product).size() == 3);
            Map<String, String> sent = new HashMap<>();
            for (JsonNode upgrade : Fixtures.commands(bus, "gateway.upgrade", product)) {
                sent.put(
                        upgrade.get("deviceKey").asText(),
                        upgrade.get("firmwareId").asText());
                assertThat(upgrade.get("toVersion").asText()).isEqualTo("2.0");
            }
            assertThat(sent).isEqualTo(Map.of("d1", from19, "d2", from18, "d3", full));
        }
    }

    private static String ids(String... firmwareIds) {
        return "\"firmwareIds\":[\"" + String.join("\",\"", firmwareIds) + "\"]";
    }

    private static String plan(String product, String packages) {
        return "{\"name\":\"" + product + "-" + UUID.randomUUID().toString().substring(0, 4) + "\",\"productKey\":\""
                + product + "\"," + packages + ",\"mode\":\"SILENT\",\"timeZone\":\"UTC\"}";
    }

    private void awaitFirmware(String product, int n) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Fixtures.count(pool, "SELECT count(*) FROM firmware_view WHERE product_key = $1", product)
                        == n);
    }
}
