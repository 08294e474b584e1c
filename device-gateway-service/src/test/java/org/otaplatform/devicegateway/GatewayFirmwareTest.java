package org.otaplatform.devicegateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.DownlinkType;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.UplinkType;
import org.otaplatform.contract.codec.Decoded;
import org.otaplatform.contract.codec.MessageCodec;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.TestGateway;
import org.otaplatform.testkit.TestMqttClient;

/**
 * A gateway as a device of its GATEWAY product (gateway protocol, "Gateway firmware"): announced to
 * plan-service as a device bound to itself, upgraded on {@code down/gateway-upgrade}, its reports on its own
 * task taken from it and from no other gateway, and the version it boots after the reboot handed on behind
 * them. Products carry their version scheme.
 */
@QuarkusTest
class GatewayFirmwareTest {

    @Inject
    Pool pool;

    /** A GATEWAY product with the given scheme (null: the default) and its gateway {@code gatewayId}. */
    private static void registerGateway(String product, String scheme, String gatewayId) {
        var body = new java.util.HashMap<String, Object>(
                Map.of("productKey", product, "name", product, "nodeType", "GATEWAY", "dynamicRegistration", false));
        if (scheme != null) {
            body.put("versionScheme", scheme);
        }
        given().contentType(ContentType.JSON)
                .body(body)
                .post("/api/v1/products")
                .then()
                .statusCode(201)
                .body("versionScheme", equalTo(scheme == null ? "OPAQUE" : scheme));
        Registry.devices(given(), product, List.of(gatewayId));
    }

    private static String hello(String msgId, String product, String version, String revision) {
        return "{\"msgId\":\"" + msgId + "\",\"ts\":1,\"gateway\":{\"productKey\":\"" + product + "\",\"version\":\""
                + version + "\"" + (revision == null ? "" : ",\"hardwareRevision\":\"" + revision + "\"")
                + "},\"subDevices\":[]}";
    }

    private static JsonNode data(TestMqttClient.Received m) {
        try {
            return MessageCodec.mapper().readTree(m.payload()).get("data");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aProductsVersionSchemeIsSetCheckedAndChanged() {
        String product = Gateways.id("vs");
        given().contentType(ContentType.JSON)
                .body(Map.of(
                        "productKey", product, "name", product, "nodeType", "SUB_DEVICE", "versionScheme", "CALVER"))
                .post("/api/v1/products")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("versionScheme"));
        given().get("/api/v1/products/" + product).then().statusCode(404);
        given().contentType(ContentType.JSON)
                .body(Map.of("productKey", product, "name", product, "nodeType", "SUB_DEVICE"))
                .post("/api/v1/products")
                .then()
                .statusCode(201)
                .body("versionScheme", equalTo("OPAQUE"));
        given().contentType(ContentType.JSON)
                .body(Map.of("versionScheme", "SEMVER"))
                .patch("/api/v1/products/" + product)
                .then()
                .statusCode(200)
                .body("versionScheme", equalTo("SEMVER"));
        given().contentType(ContentType.JSON)
                .body(Map.of("versionScheme", "semver "))
                .patch("/api/v1/products/" + product)
                .then()
                .statusCode(422)
                .body("errors[0].field", equalTo("versionScheme"));
        given().get("/api/v1/products/" + product).then().body("versionScheme", equalTo("SEMVER"));
    }

    @Test
    void aGatewayIsUpgradedOnItsOwnTopicAndItsBootedVersionDecides() throws IOException {
        String product = Gateways.id("gwp");
        String gw = product + "-1";
        String other = product + "-2";
        registerGateway(product, "SEMVER", gw);
        try (TestMqttClient internal = TestMqttClient.connect(MqttBroker.shared())
                        .subscribe(InternalTopics.DEVICE_EVENTS)
                        .subscribe(InternalTopics.GATEWAY_UPLINK);
                TestGateway gateway = TestGateway.connect(MqttBroker.shared(), gw);
                TestGateway stranger = TestGateway.connect(MqttBroker.shared(), other)) {
            // the hello announces the gateway as a device of its product, bound to itself, and its revision
            gateway.publish(UplinkType.HELLO, hello(Gateways.msgId(), product, "1.0.0", "B2"));
            TestMqttClient.Received state = internal.await(m ->
                    m.payload().contains("\"device.state\"") && m.payload().contains("\"deviceKey\":\"" + gw + "\""));
            JsonNode device = data(state);
            assertThat(device.get("productKey").asText()).isEqualTo(product);
            assertThat(device.get("gatewayId").asText()).isEqualTo(gw);
            assertThat(device.get("gateway").asBoolean()).isTrue();
            assertThat(device.get("version").asText()).isEqualTo("1.0.0");
            internal.await(m -> m.payload().contains("\"gateway.state\"")
                    && m.payload().contains("\"gatewayId\":\"" + gw + "\"")
                    && m.payload().contains("\"version\":\"1.0.0\""));
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> given().get("/api/v1/gateways/" + gw)
                            .then()
                            .body("hardwareRevision", equalTo("B2"))
                            .body("version", equalTo("1.0.0")));
            // the registry's device shows the revision as the gateway's report
            given().get("/api/v1/devices/" + product + "/" + gw)
                    .then()
                    .body("hardwareRevision", equalTo("B2"))
                    .body("hardwareRevisionSource", equalTo("REPORTED"))
                    .body("hardwareRevisionAt", org.hamcrest.Matchers.notNullValue());

            // plan-service's command for the gateway's own task goes out on down/gateway-upgrade
            String task = "t-" + gw;
            internal.publish(InternalTopics.GATEWAY_COMMANDS, Gateways.gatewayUpgradeCommand(gw, task, product, gw));
            TestGateway.Received upgrade = gateway.awaitDownlink(DownlinkType.GATEWAY_UPGRADE, p -> p.contains(task));
            assertThat(upgrade.topic()).isEqualTo("ota/v1/gw/" + gw + "/down/gateway-upgrade");
            Decoded<?> decoded = MessageCodec.decodeDownlink(
                    DownlinkType.GATEWAY_UPGRADE, upgrade.payload().getBytes(StandardCharsets.UTF_8));
            assertThat(decoded.isValid()).as(decoded.toString()).isTrue();
            JsonNode payload = MessageCodec.mapper().readTree(upgrade.payload());
            assertThat(payload.get("deviceKey").asText()).isEqualTo(gw);
            assertThat(payload.get("productKey").asText()).isEqualTo(product);
            assertThat(payload.has("gatewayFirmware"))
                    .as("the wire payload is upgrade's")
                    .isFalse();
            assertThat(payload.get("firmware").get("url").asText()).contains("gw=" + gw);
            assertThat(gateway.received().stream().filter(r -> r.type() == DownlinkType.UPGRADE))
                    .isEmpty();

            // a gateway-upgrade naming another device than the gateway is no gateway's own: dropped
            internal.publish(
                    InternalTopics.GATEWAY_COMMANDS, Gateways.gatewayUpgradeCommand(gw, "t-odd-" + gw, product, other));

            // another gateway cannot answer it
            String foreign = Gateways.msgId();
            stranger.publish(UplinkType.ACK, Gateways.ack(foreign, task, true));
            TestGateway.Received refusal = stranger.awaitDownlink(DownlinkType.ERROR, p -> p.contains(foreign));
            assertThat(refusal.payload()).contains("UNKNOWN_TASK");

            // a gateway is no sub-device of its own: a version report about itself is refused, and changes nothing
            String self = Gateways.msgId();
            gateway.publish(
                    UplinkType.VERSION,
                    "{\"msgId\":\"" + self + "\",\"ts\":1,\"productKey\":\"" + product + "\",\"deviceKey\":\"" + gw
                            + "\",\"version\":\"9.9.9\"}");
            TestGateway.Received notSub = gateway.awaitDownlink(DownlinkType.ERROR, p -> p.contains(self));
            assertThat(notSub.payload()).doesNotContain("\"code\":\"OK\"");
            given().get("/api/v1/gateways/" + gw).then().body("version", equalTo("1.0.0"));

            // its own answers go to plan-service; its SUCCEEDED claims no sub-device version
            gateway.publish(UplinkType.ACK, Gateways.ack(Gateways.msgId(), task, true));
            gateway.publish(UplinkType.PROGRESS, Gateways.progress(Gateways.msgId(), task, "UPGRADING", null));
            internal.await(m -> m.payload().contains("gateway.reports")
                    && m.payload().contains("UPGRADING")
                    && m.payload().contains(task));

            // the reboot: gone (what its last will says), back with the new version; the boot follows its reports
            gateway.publish(UplinkType.OFFLINE, "{}");
            gateway.close();
            internal.await(m -> m.payload().contains("\"gateway.state\"")
                    && m.payload().contains("\"gatewayId\":\"" + gw + "\"")
                    && m.payload().contains("\"online\":false"));
            try (TestGateway rebooted = TestGateway.connect(MqttBroker.shared(), gw)) {
                String helloId = Gateways.msgId();
                rebooted.publish(UplinkType.HELLO, hello(helloId, product, "1.1.0", null));
                TestMqttClient.Received boot = internal.await(m -> m.payload().contains("gateway.reports")
                        && m.payload().contains("\"boot\":true")
                        && m.payload().contains(helloId));
                JsonNode entry = data(boot).get("reports").get(0);
                assertThat(entry.get("taskId").asText()).isEqualTo(task);
                assertThat(entry.get("gatewayId").asText()).isEqualTo(gw);
                assertThat(entry.get("version").asText()).isEqualTo("1.1.0");
                assertThat(entry.has("state")).isFalse();
                internal.await(m -> m.payload().contains("\"device.state\"")
                        && m.payload().contains("\"deviceKey\":\"" + gw + "\"")
                        && m.payload().contains("\"version\":\"1.1.0\""));
                assertThat(internal.received().stream().filter(m -> m.payload().contains("\"version\":\"9.9.9\"")))
                        .as("the refused self-report reached plan-service")
                        .isEmpty();
                // the revision reported before is kept when a hello names none
                given().get("/api/v1/gateways/" + gw).then().body("hardwareRevision", equalTo("B2"));
            }
            assertThat(Gateways.count(pool, "SELECT count(*) FROM gateway_task WHERE task_id = $1", "t-odd-" + gw))
                    .isZero();
            assertThat(Gateways.count(
                            pool, "SELECT count(*) FROM gateway_task WHERE task_id = $1 AND gateway_firmware", task))
                    .isEqualTo(1);
        }
    }

    @Test
    void anUnregisteredGatewaysHelloAnnouncesNoDeviceAndNoBoot() {
        String gw = Gateways.id("gw-plain");
        try (TestMqttClient internal = TestMqttClient.connect(MqttBroker.shared())
                        .subscribe(InternalTopics.DEVICE_EVENTS)
                        .subscribe(InternalTopics.GATEWAY_UPLINK);
                TestGateway gateway = TestGateway.connect(MqttBroker.shared(), gw)) {
            gateway.publish(UplinkType.HELLO, Gateways.hello(Gateways.msgId()));
            internal.await(m ->
                    m.payload().contains("\"gateway.state\"") && m.payload().contains(gw));
            Gateways.sleep(500);
            assertThat(internal.received().stream()
                            .filter(m -> m.payload().contains("\"deviceKey\":\"" + gw + "\"")
                                    || (m.payload().contains("\"boot\":true")
                                            && m.payload().contains(gw))))
                    .isEmpty();
        }
    }
}
