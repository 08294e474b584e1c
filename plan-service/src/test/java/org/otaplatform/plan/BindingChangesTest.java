package org.otaplatform.plan;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.internal.DeviceState;
import org.otaplatform.contract.internal.GatewayUplink;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.TestMqttClient;

/**
 * A plan upgrades only sub-devices bound to a gateway (device-gateway-service's registry decides and
 * announces it): unbinding, moving or deleting one ends its open task CANCELLED with the reason and takes it
 * out of the plan's targeted devices, and it is upgraded again once bound.
 */
@QuarkusTest
class BindingChangesTest {

    private static String product() {
        return "bind-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static DeviceState state(
            String product, String device, String gateway, boolean attached, String version, String change, long seq) {
        return new DeviceState(product, device, gateway, attached, version, change, seq, attached);
    }

    private static void awaitTargeted(String plan, int targeted) {
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> given().get("/api/v1/plans/" + plan).then().body("stats.targeted", equalTo(targeted)));
    }

    @Test
    void anUnboundSubDevicesTaskIsCancelledAndItLeavesTheTargetedUntilBoundAgain() {
        String product = product();
        String gw = product + "-gw";
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            String firmware = Fixtures.firmware(bus, product, "2.0", "UNVERIFIED");
            Fixtures.gateway(bus, gw, true, 1);
            Fixtures.device(bus, state(product, "d1", gw, true, "1.0", "BOUND", 10));
            Fixtures.device(bus, state(product, "d2", gw, true, "1.0", "BOUND", 11));
            String plan = createWhenFirmwareKnown(product, firmware, ",\"maxConcurrentPerGateway\":1");
            await().atMost(Duration.ofSeconds(15))
                    .until(() ->
                            Fixtures.commands(bus, "gateway.upgrade", product).size() == 1);
            JsonNode first = Fixtures.commands(bus, "gateway.upgrade", product).get(0);
            String device = first.get("deviceKey").asText();
            String other = device.equals("d1") ? "d2" : "d1";
            awaitTargeted(plan, 2);

            Fixtures.device(bus, state(product, device, null, false, "1.0", "UNBOUND", 20));

            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> given().get("/api/v1/plans/" + plan + "/tasks/"
                                    + first.get("taskId").asText())
                            .then()
                            .body("task.state", equalTo("CANCELLED"))
                            .body("task.error.code", equalTo("BINDING_CHANGED"))
                            .body("task.error.message", containsString("unbound from gateway " + gw)));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Fixtures.commands(bus, "gateway.cancel", product).stream()
                            .anyMatch(c -> c.get("taskId")
                                            .asText()
                                            .equals(first.get("taskId").asText())
                                    && c.get("gatewayId").asText().equals(gw)));
            awaitTargeted(plan, 1);
            // the other one gets the gateway's room
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> Fixtures.commands(bus, "gateway.upgrade", product).stream()
                            .anyMatch(c -> c.get("deviceKey").asText().equals(other)));

            // bound again (after the other one is done), it is upgraded again under the same plan
            String otherTask = Fixtures.commands(bus, "gateway.upgrade", product).stream()
                    .filter(c -> c.get("deviceKey").asText().equals(other))
                    .findFirst()
                    .orElseThrow()
                    .get("taskId")
                    .asText();
            Fixtures.publish(
                    bus,
                    InternalTopics.GATEWAY_UPLINK,
                    GatewayUplink.Progress.TYPE,
                    new GatewayUplink.Progress(gw, "m-" + otherTask, otherTask, "SUCCEEDED", 100, "2.0", null, null));
            Fixtures.device(bus, state(product, device, gw, true, "1.0", "BOUND", 30));
            awaitTargeted(plan, 2);
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> Fixtures.commands(bus, "gateway.upgrade", product).stream()
                                    .filter(c -> c.get("deviceKey").asText().equals(device))
                                    .count()
                            == 2);
        }
    }

    @Test
    void aSubDeviceMovedToAnotherGatewayIsUpgradedThroughTheNewOne() {
        String product = product();
        String a = product + "-a";
        String b = product + "-b";
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            String firmware = Fixtures.firmware(bus, product, "2.0", "UNVERIFIED");
            Fixtures.gateway(bus, a, true, 1);
            Fixtures.gateway(bus, b, true, 1);
            Fixtures.device(bus, state(product, "d1", a, true, "1.0", "BOUND", 10));
            String plan = createWhenFirmwareKnown(product, firmware, "");
            await().atMost(Duration.ofSeconds(15))
                    .until(() ->
                            Fixtures.commands(bus, "gateway.upgrade", product).size() == 1);
            String task = Fixtures.commands(bus, "gateway.upgrade", product)
                    .get(0)
                    .get("taskId")
                    .asText();

            Fixtures.device(bus, state(product, "d1", b, true, "1.0", "BOUND", 11));

            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> given().get("/api/v1/plans/" + plan + "/tasks/" + task)
                            .then()
                            .body("task.state", equalTo("CANCELLED"))
                            .body(
                                    "task.error.message",
                                    containsString("moved from gateway " + a + " to gateway " + b)));
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> Fixtures.commands(bus, "gateway.upgrade", product).stream()
                            .anyMatch(c -> c.get("gatewayId").asText().equals(b)));
            given().get("/api/v1/plans/" + plan).then().body("stats.targeted", equalTo(1));
        }
    }

    @Test
    void aDetachedSubDeviceStaysTargetedButIsNotPushedAndADeletedOneLeaves() {
        String product = product();
        String gw = product + "-gw";
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            String firmware = Fixtures.firmware(bus, product, "2.0", "UNVERIFIED");
            Fixtures.gateway(bus, gw, true, 1);
            Fixtures.device(bus, state(product, "away", gw, false, "1.0", "DETACHED", 10));
            Fixtures.device(bus, state(product, "never-seen", gw, false, null, "BOUND", 11));
            Fixtures.device(bus, state(product, "gone", gw, true, "1.0", "BOUND", 12));
            Fixtures.device(bus, state(product, "gone", null, false, "1.0", "DELETED", 13));
            String plan = createWhenFirmwareKnown(product, firmware, "");

            awaitTargeted(plan, 1);
            // nothing pushed to a detached, a never-seen or a deleted sub-device, pass after pass
            await().during(Duration.ofMillis(2_500))
                    .atMost(Duration.ofSeconds(4))
                    .until(() ->
                            Fixtures.commands(bus, "gateway.upgrade", product).isEmpty());
        }
    }

    @Test
    void aDevicesHistoryListsEveryTaskAcrossPlansNewestFirst() {
        String product = product();
        String gw = product + "-gw";
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            String first = Fixtures.firmware(bus, product, "2.0", "UNVERIFIED");
            Fixtures.gateway(bus, gw, true, 1);
            Fixtures.device(bus, state(product, "h1", gw, true, "1.0", "BOUND", 10));
            String plan1 = createWhenFirmwareKnown(product, first, "");
            await().atMost(Duration.ofSeconds(15))
                    .until(() ->
                            Fixtures.commands(bus, "gateway.upgrade", product).size() == 1);
            String task1 = Fixtures.commands(bus, "gateway.upgrade", product)
                    .get(0)
                    .get("taskId")
                    .asText();
            Fixtures.publish(
                    bus,
                    InternalTopics.GATEWAY_UPLINK,
                    GatewayUplink.Progress.TYPE,
                    new GatewayUplink.Progress(
                            gw, "m-" + task1, task1, "FAILED", null, null, "INSTALL_FAILED", "flash"));
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> given().get("/api/v1/plans/" + plan1 + "/tasks/" + task1)
                            .then()
                            .body("task.state", equalTo("FAILED")));
            given().post("/api/v1/plans/" + plan1 + "/terminate").then().statusCode(200);
            String second = Fixtures.firmware(bus, product, "2.1", "UNVERIFIED");
            String plan2 = createWhenFirmwareKnown(product, second, "");
            await().atMost(Duration.ofSeconds(15))
                    .until(() ->
                            Fixtures.commands(bus, "gateway.upgrade", product).size() == 2);

            given().get("/api/v1/devices/" + product + "/h1/history")
                    .then()
                    .statusCode(200)
                    .body("total", equalTo(2))
                    .body("items.planId", contains(plan2, plan1))
                    .body("items.toVersion", contains("2.1", "2.0"))
                    .body("items[1].state", equalTo("FAILED"))
                    .body("items[1].error.code", equalTo("INSTALL_FAILED"))
                    .body("items[1].fromVersion", equalTo("1.0"))
                    .body("items[0].planName", containsString(product));
            given().get("/api/v1/devices/" + product + "/nobody/history").then().body("total", equalTo(0));
            given().get("/api/v1/devices/" + product + "/h1/history?size=1&page=1")
                    .then()
                    .body("items.planId", contains(plan1));
        }
    }

    /** plan-service learns of the firmware through its event: until then a plan naming it is refused. */
    private static String createWhenFirmwareKnown(String product, String firmware, String extra) {
        long end = System.currentTimeMillis() + 10_000;
        while (true) {
            try {
                return Fixtures.activeSilentPlan(product, firmware, extra);
            } catch (AssertionError e) {
                if (System.currentTimeMillis() > end) {
                    throw e;
                }
                Fixtures.sleep(200);
            }
        }
    }
}
