package org.otaplatform.plan;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.otaplatform.plan.Fixtures.publish;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.codec.MessageCodec;
import org.otaplatform.contract.internal.DeviceState;
import org.otaplatform.contract.internal.GatewayCommand;
import org.otaplatform.contract.internal.GatewayState;
import org.otaplatform.contract.internal.GatewayUplink;
import org.otaplatform.testkit.JwtTokens;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.PostgresServer;
import org.otaplatform.testkit.ServiceProcess;
import org.otaplatform.testkit.TestMqttClient;

/**
 * Two packaged plan-service replicas on one database and broker run one campaign. This test plays
 * device-gateway-service: it feeds the fleet's events, answers every upgrade command with an accept and,
 * a moment later, success. No device may be told to upgrade twice, no gateway may hold more tasks than
 * the plan's concurrency, and the fleet never more than the global in-flight cap.
 */
class TwoReplicasIT {

    private static final int GATEWAYS = 20;
    private static final int DEVICES = 10;
    private static final int PER_GATEWAY = 2;
    private static final int GLOBAL_CAP = 15;

    private static final List<ServiceProcess> replicas = new ArrayList<>();
    private static String database;

    @BeforeAll
    static void startTwoReplicas() throws Exception {
        JwtTokens.restAssuredAsDevAdmin();
        database = PostgresServer.shared().createUniqueDatabase("ota_test_plan_replicas");
        for (int i = 0; i < 2; i++) {
            replicas.add(ServiceProcess.of(
                            "plan-replica-" + i, Path.of("target", "quarkus-app", "quarkus-run.jar"), "OTA_PLAN_PORT")
                    .database("OTA_PLAN_DB", database)
                    .env("OTA_PLAN_MAX_IN_FLIGHT", Integer.toString(GLOBAL_CAP))
                    .start());
        }
    }

    @AfterAll
    static void stopReplicas() {
        replicas.forEach(ServiceProcess::close);
        if (database != null) {
            PostgresServer.shared().dropDatabase(database);
        }
    }

    @Test
    void twoReplicasRunOneCampaignWithoutPushingAnyDeviceTwice() throws Exception {
        String product = "rep-" + UUID.randomUUID().toString().substring(0, 8);
        int devices = GATEWAYS * DEVICES;
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            String firmwareId = Fixtures.firmware(bus, product, "2.0", "VERIFIED");
            for (int g = 0; g < GATEWAYS; g++) {
                String gateway = product + "-gw" + g;
                publish(bus, InternalTopics.DEVICE_EVENTS, GatewayState.TYPE, new GatewayState(gateway, true, 1));
                for (int d = 0; d < DEVICES; d++) {
                    publish(
                            bus,
                            InternalTopics.DEVICE_EVENTS,
                            DeviceState.TYPE,
                            new DeviceState(product, gateway + "-d" + d, gateway, true, "1.0", "ATTACHED", 1));
                }
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> count("SELECT count(*) FROM device_view WHERE product_key = '" + product + "'")
                                    == devices
                            && count("SELECT count(*) FROM firmware_view WHERE product_key = '" + product + "'") == 1);

            String plan = "{\"name\":\"" + product + "\",\"productKey\":\"" + product + "\",\"firmwareId\":\""
                    + firmwareId + "\",\"mode\":\"SILENT\",\"timeZone\":\"UTC\",\"sourceVersions\":[\"1.0\"],"
                    + "\"maxConcurrentPerGateway\":" + PER_GATEWAY + "}";
            String id = given().baseUri(replicas.get(0).baseUrl())
                    .contentType(ContentType.JSON)
                    .body(plan)
                    .post("/api/v1/plans")
                    .then()
                    .statusCode(201)
                    .extract()
                    .path("id");
            given().baseUri(replicas.get(1).baseUrl())
                    .post("/api/v1/plans/" + id + "/activate")
                    .then()
                    .statusCode(200);

            Gateways fleet = new Gateways(bus);
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        fleet.answer();
                        return fleet.succeeded.size() == devices;
                    });
            for (ServiceProcess replica : replicas) {
                await().atMost(Duration.ofSeconds(15))
                        .untilAsserted(() -> given().baseUri(replica.baseUrl())
                                .get("/api/v1/plans/" + id)
                                .then()
                                .body("status", equalTo("FINISHED"))
                                .body("stats.succeeded", equalTo(devices))
                                .body("stats.failed", equalTo(0)));
            }
            // a late second push would show within this
            await().during(Duration.ofMillis(1_500))
                    .atMost(Duration.ofSeconds(3))
                    .ignoreExceptions() // the map is read while the fleet's thread writes it
                    .until(() -> fleet.commandsPerDevice.values().stream().allMatch(n -> n == 1));
            fleet.answer();

            assertThat(fleet.commandsPerDevice.values())
                    .as("upgrade commands per device")
                    .hasSize(devices)
                    .allMatch(n -> n == 1);
            assertThat(fleet.maxPerGateway).as("most tasks one gateway held").isBetween(1, PER_GATEWAY);
            assertThat(fleet.maxInFlight).as("most tasks in flight").isEqualTo(GLOBAL_CAP);
            assertThat(count("SELECT count(*) FROM upgrade_task WHERE product_key = '" + product + "'"))
                    .isEqualTo(devices);
            assertThat(replicas).allMatch(ServiceProcess::alive);
        }
    }

    /** The test's stand-in for the gateways: accepts each upgrade, reports success after 200 ms. */
    private static final class Gateways {
        private final TestMqttClient bus;
        private int seen;
        private final Map<String, Integer> commandsPerDevice = new HashMap<>();
        private final Map<String, Long> running = new HashMap<>(); // taskId -> when it was accepted
        private final Map<String, String> gatewayOf = new HashMap<>();
        private final Set<String> succeeded = new HashSet<>();
        private int maxInFlight;
        private int maxPerGateway;

        Gateways(TestMqttClient bus) {
            this.bus = bus;
        }

        void answer() throws IOException {
            List<TestMqttClient.Received> received = bus.received();
            for (; seen < received.size(); seen++) {
                JsonNode message =
                        MessageCodec.mapper().readTree(received.get(seen).payload());
                if (!GatewayCommand.Upgrade.TYPE.equals(message.path("type").asText())) {
                    continue;
                }
                JsonNode data = message.get("data");
                String taskId = data.get("taskId").asText();
                String gateway = data.get("gatewayId").asText();
                commandsPerDevice.merge(data.get("deviceKey").asText(), 1, Integer::sum);
                running.put(taskId, System.currentTimeMillis());
                gatewayOf.put(taskId, gateway);
                publish(
                        bus,
                        InternalTopics.GATEWAY_UPLINK,
                        GatewayUplink.Ack.TYPE,
                        new GatewayUplink.Ack(gateway, UUID.randomUUID().toString(), taskId, true, null));
            }
            maxInFlight = Math.max(maxInFlight, running.size());
            Map<String, Integer> perGateway = new HashMap<>();
            running.keySet().forEach(task -> perGateway.merge(gatewayOf.get(task), 1, Integer::sum));
            perGateway.values().forEach(n -> maxPerGateway = Math.max(maxPerGateway, n));

            long now = System.currentTimeMillis();
            for (var it = running.entrySet().iterator(); it.hasNext(); ) {
                var task = it.next();
                if (now - task.getValue() >= 200) {
                    it.remove();
                    succeeded.add(task.getKey());
                    publish(
                            bus,
                            InternalTopics.GATEWAY_UPLINK,
                            GatewayUplink.Progress.TYPE,
                            new GatewayUplink.Progress(
                                    gatewayOf.get(task.getKey()),
                                    UUID.randomUUID().toString(),
                                    task.getKey(),
                                    "SUCCEEDED",
                                    100,
                                    "2.0",
                                    null,
                                    null));
                }
            }
        }
    }

    private static long count(String sql) throws Exception {
        return PostgresServer.shared().count(database, sql);
    }
}
