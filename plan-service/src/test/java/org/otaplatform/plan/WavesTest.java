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
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.internal.DeviceState;
import org.otaplatform.contract.internal.GatewayUplink;
import org.otaplatform.testkit.JwtTokens;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.TestMqttClient;

/**
 * Waves (issue #23): a canary, then a wave by gateway, then the rest; a share by percentage; gates that
 * promote, wait for an operator, or halt the plan with the reason, counting only what the firmware causes;
 * late devices joining the current wave.
 */
@QuarkusTest
class WavesTest {

    @Inject
    Pool pool;

    @Test
    void aCanaryWaitsForApprovalThenAWaveByGatewayThenTheRestAndALateDeviceJoinsTheCurrentWave() throws Exception {
        String product = "waves-" + UUID.randomUUID().toString().substring(0, 8);
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            String firmwareId = Fixtures.firmware(bus, product, "2.0", "UNVERIFIED");
            for (int g = 1; g <= 3; g++) {
                Fixtures.gateway(bus, product + "-g" + g, true, 1);
                device(bus, product, "d" + g + "a", product + "-g" + g, "1.0");
                device(bus, product, "d" + g + "b", product + "-g" + g, "1.0");
            }
            Fixtures.awaitViews(pool, product, 6);
            String plan = Fixtures.activeSilentPlan(
                    product,
                    firmwareId,
                    ",\"maxConcurrentPerGateway\":2,\"waves\":[{\"canary\":true,\"devices\":[\"d1a\"]},"
                            + "{\"name\":\"second gateway\",\"gateways\":[\"" + product + "-g2\"]}]");

            // the canary alone, and nothing more while it waits for its result and then for approval
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> upgraded(bus, product).equals(Set.of("d1a")));
            JsonPath waves = waves(plan);
            assertThat(waves.getList("name")).containsExactly("canary", "second gateway", "rest");
            assertThat(waves.getList("state")).containsExactly("RUNNING", "PENDING", "PENDING");
            assertThat(waves.getInt("[0].members")).isEqualTo(1);
            succeed(bus, product, "d1a");
            await().atMost(Duration.ofSeconds(15))
                    .untilAsserted(
                            () -> assertThat(waves(plan).getString("[0].state")).isEqualTo("AWAITING_APPROVAL"));
            assertThat(waves(plan).getString("[0].reason"))
                    .contains("passed its success gate: 1 of 1 results succeeded")
                    .contains("waits for an operator's approval");
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> upgraded(bus, product).equals(Set.of("d1a")));

            // the operator approves: the gateway wave runs, passes on its own, and the rest follows
            given().auth()
                    .oauth2(JwtTokens.devOnly().token("alice", JwtTokens.OPERATOR))
                    .post("/api/v1/plans/" + plan + "/waves/1/approve")
                    .then()
                    .statusCode(200)
                    .body("[0].state", equalTo("PASSED"))
                    .body("[0].approvedBy", equalTo("alice"))
                    .body("[1].state", equalTo("RUNNING"));
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> upgraded(bus, product).equals(Set.of("d1a", "d2a", "d2b")));
            succeed(bus, product, "d2a");
            succeed(bus, product, "d2b");
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> upgraded(bus, product).equals(Set.of("d1a", "d2a", "d2b", "d1b", "d3a", "d3b")));
            JsonPath after = waves(plan);
            assertThat(after.getList("state")).containsExactly("PASSED", "PASSED", "RUNNING");
            assertThat(after.getList("members", Integer.class)).containsExactly(1, 2, 3);
            assertThat(after.getString("[1].approvedBy")).isNull();

            // a device that appears now joins the wave that runs, though its gateway's wave has passed
            device(bus, product, "d2c", product + "-g2", "1.0");
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> upgraded(bus, product).contains("d2c"));
            assertThat(Fixtures.count(
                            pool,
                            "SELECT count(*) FROM upgrade_task WHERE product_key = $1 AND device_key = 'd2c' AND wave = 3",
                            product))
                    .isEqualTo(1);
            assertThat(given().get("/api/v1/plans/" + plan + "/history")
                            .then()
                            .statusCode(200)
                            .extract()
                            .jsonPath()
                            .getList("reason", String.class))
                    .anyMatch(r -> r.startsWith("wave 1 (canary) approved by alice"))
                    .anyMatch(r -> r.startsWith("wave 2 (second gateway) passed its success gate"));

            // every device done: the plan finishes, its last wave reads PASSED, and the waves' members add up
            // to the devices the plan targets, never more
            for (String d : List.of("d1b", "d3a", "d3b", "d2c")) {
                succeed(bus, product, d);
            }
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(
                            () -> given().get("/api/v1/plans/" + plan).then().body("status", equalTo("FINISHED")));
            JsonPath finished = waves(plan);
            assertThat(finished.getList("state")).containsExactly("PASSED", "PASSED", "PASSED");
            assertThat(finished.getList("members", Integer.class).stream()
                            .mapToInt(Integer::intValue)
                            .sum())
                    .isEqualTo(given().get("/api/v1/plans/" + plan)
                            .then()
                            .extract()
                            .path("stats.targeted"));
        }
    }

    @Test
    void anErrorGateCountsOnlyFirmwareFailuresHaltsTheWaveAndSuspendsThePlanWithTheReason() throws Exception {
        String product = "halt-" + UUID.randomUUID().toString().substring(0, 8);
        String gw = product + "-gw";
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            String firmwareId = Fixtures.firmware(bus, product, "2.0", "UNVERIFIED");
            Fixtures.gateway(bus, gw, true, 1);
            for (int i = 1; i <= 6; i++) {
                device(bus, product, "d" + i, gw, "1.0");
            }
            Fixtures.awaitViews(pool, product, 6);
            String plan = Fixtures.activeSilentPlan(
                    product,
                    firmwareId,
                    ",\"maxConcurrentPerGateway\":5,\"retry\":{\"maxAttempts\":1},\"waves\":[{\"count\":3,"
                            + "\"errorGate\":{\"maxFailurePercent\":40,\"minResults\":2}}]");
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> upgraded(bus, product).equals(Set.of("d1", "d2", "d3")));

            // a transport failure is not the firmware's: one success, no firmware failure, the wave runs on
            fail(bus, product, "d1", "DOWNLOAD_FAILED");
            succeed(bus, product, "d2");
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(waves(plan).getInt("[0].transportFailed"))
                            .isEqualTo(1));
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(3))
                    .untilAsserted(() -> assertThat(waves(plan).getString("[0].state"))
                            .as(() -> given().get("/api/v1/plans/" + plan + "/waves")
                                    .asString())
                            .isEqualTo("RUNNING"));

            fail(bus, product, "d3", "INSTALL_FAILED");
            await().atMost(Duration.ofSeconds(15))
                    .untilAsserted(() -> given().get("/api/v1/plans/" + plan)
                            .then()
                            .body("status", equalTo("SUSPENDED"))
                            .body(
                                    "suspendedReason",
                                    containsString("wave 1 halted by its error gate: 1 of 2 results failed by the"
                                            + " firmware (50.0 % > 40 %)")));
            JsonPath halted = waves(plan);
            assertThat(halted.getString("[0].state")).isEqualTo("HALTED");
            assertThat(halted.getInt("[0].firmwareFailed")).isEqualTo(1);
            assertThat(halted.getInt("[0].succeeded")).isEqualTo(1);
            assertThat(halted.getString("[1].state")).isEqualTo("PENDING");

            // resumed: the wave runs again, its gates count from now, so the failure seen does not halt it again
            given().post("/api/v1/plans/" + plan + "/resume").then().statusCode(200);
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> waves(plan).getString("[0].state").equals("RUNNING")
                            && upgraded(bus, product).size() == 3);
            assertThat(waves(plan).getString("[0].reason")).startsWith("resumed");

            // the operator promotes the wave before its gate passed: the rest begins
            given().post("/api/v1/plans/" + plan + "/waves/1/approve")
                    .then()
                    .statusCode(200)
                    .body("[0].state", equalTo("PASSED"))
                    .body("[0].reason", containsString("before its gate passed"));
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> upgraded(bus, product).containsAll(Set.of("d4", "d5", "d6")));
            // approving again changes nothing; the last wave has no next
            given().post("/api/v1/plans/" + plan + "/waves/1/approve").then().statusCode(200);
            given().post("/api/v1/plans/" + plan + "/waves/2/approve")
                    .then()
                    .statusCode(409)
                    .body("detail", containsString("the last"));
            given().post("/api/v1/plans/" + plan + "/waves/3/approve").then().statusCode(404);
        }
    }

    @Test
    void aPercentWaveTakesItsShareOfTheTargetedDevicesAndARequestBeyondItGetsNoUpgrade() throws Exception {
        String product = "share-" + UUID.randomUUID().toString().substring(0, 8);
        String gw = product + "-gw";
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            String firmwareId = Fixtures.firmware(bus, product, "2.0", "UNVERIFIED");
            Fixtures.gateway(bus, gw, true, 1);
            for (int i = 0; i < 10; i++) {
                device(bus, product, "d" + i, gw, "1.0");
            }
            Fixtures.awaitViews(pool, product, 10);
            String plan = Fixtures.activeSilentPlan(
                    product,
                    firmwareId,
                    ",\"maxConcurrentPerGateway\":10,\"waves\":[{\"percent\":20,"
                            + "\"successGate\":{\"minSuccessPercent\":100}}]");
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> upgraded(bus, product).size() == 2);
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> upgraded(bus, product).size() == 2);
            assertThat(waves(plan).getInt("[0].quota")).isEqualTo(2);

            // a device outside the share asks: no upgrade while the wave is full
            String outside = List.of("d0", "d1", "d2", "d3").stream()
                    .filter(d -> !upgraded(bus, product).contains(d))
                    .findFirst()
                    .orElseThrow();
            Fixtures.publish(
                    bus,
                    InternalTopics.GATEWAY_UPLINK,
                    GatewayUplink.Request.TYPE,
                    new GatewayUplink.Request(gw, "ask-" + outside, product, outside, "1.0"));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Fixtures.commands(bus, "gateway.reply", product).stream()
                            .anyMatch(r -> r.path("inReplyTo").asText().equals("ask-" + outside)
                                    && r.path("result").asText().equals("NO_UPGRADE")));

            for (String device : upgraded(bus, product)) {
                succeed(bus, product, device);
            }
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> upgraded(bus, product).size() == 10);
            given().get("/api/v1/plans/" + plan + "/waves")
                    .then()
                    .body("state", hasItem("PASSED"))
                    .body("[0].reason", containsString("2 of 2 results succeeded (100.0 % ≥ 100 %)"));
        }
    }

    @Test
    void wavesAreCheckedFieldByField() {
        String body = "{\"name\":\"bad-waves\",\"productKey\":\"p\",\"firmwareId\":\"" + UUID.randomUUID()
                + "\",\"mode\":\"SILENT\",\"timeZone\":\"UTC\",\"waves\":["
                + "{\"percent\":10,\"count\":5},"
                + "{\"canary\":true,\"gateways\":[\"gw 1\"]},"
                + "{},"
                + "{\"percent\":0,\"errorGate\":{\"minResults\":3},\"successGate\":{\"minSuccessPercent\":101}}]}";
        JsonPath problem = given().contentType(ContentType.JSON)
                .body(body)
                .post("/api/v1/plans")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .extract()
                .jsonPath();
        assertThat(problem.getList("errors.field", String.class))
                .contains(
                        "waves[0]",
                        "waves[1].canary",
                        "waves[1].gateways[0]",
                        "waves[2]",
                        "waves[3].percent",
                        "waves[3].errorGate.maxFailurePercent",
                        "waves[3].successGate.minSuccessPercent");
        String manual = "{\"name\":\"manual-waves\",\"productKey\":\"p\",\"firmwareId\":\"" + UUID.randomUUID()
                + "\",\"mode\":\"MANUAL\",\"timeZone\":\"UTC\",\"upgradeNotes\":{\"en\":\"x\"},"
                + "\"waves\":[{\"percent\":10}]}";
        given().contentType(ContentType.JSON)
                .body(manual)
                .post("/api/v1/plans")
                .then()
                .statusCode(422)
                .body("errors.field", hasItem("waves"));
    }

    private static JsonPath waves(String plan) {
        return given().get("/api/v1/plans/" + plan + "/waves")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    /** The devices of the product that were sent an upgrade. */
    private static Set<String> upgraded(TestMqttClient bus, String product) {
        return Fixtures.commands(bus, "gateway.upgrade", product).stream()
                .map(u -> u.get("deviceKey").asText())
                .collect(Collectors.toSet());
    }

    private static JsonNode upgrade(TestMqttClient bus, String product, String device) {
        return Fixtures.commands(bus, "gateway.upgrade", product).stream()
                .filter(u -> u.get("deviceKey").asText().equals(device))
                .reduce((first, second) -> second)
                .orElseThrow();
    }

    private static void succeed(TestMqttClient bus, String product, String device) {
        JsonNode u = upgrade(bus, product, device);
        String task = u.get("taskId").asText();
        Fixtures.publish(
                bus,
                InternalTopics.GATEWAY_UPLINK,
                GatewayUplink.Progress.TYPE,
                new GatewayUplink.Progress(
                        u.get("gatewayId").asText(), "s-" + task, task, "SUCCEEDED", 100, "2.0", null, null));
    }

    private static void fail(TestMqttClient bus, String product, String device, String code) {
        JsonNode u = upgrade(bus, product, device);
        String task = u.get("taskId").asText();
        Fixtures.publish(
                bus,
                InternalTopics.GATEWAY_UPLINK,
                GatewayUplink.Progress.TYPE,
                new GatewayUplink.Progress(
                        u.get("gatewayId").asText(), "f-" + task, task, "FAILED", null, null, code, "test"));
    }

    private static void device(TestMqttClient bus, String product, String key, String gw, String version) {
        Fixtures.device(bus, new DeviceState(product, key, gw, true, version, "ATTACHED", 1));
    }
}
