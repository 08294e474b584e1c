package org.otaplatform.devicegateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.DownlinkType;
import org.otaplatform.contract.UplinkType;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.TestGateway;

/** Each error code of the protocol, answered on the gateway's error topic, with nothing changed. */
@QuarkusTest
class RefusalTest {

    @Test
    void aReportForASubDeviceOfAnotherGatewayIsRefusedAsNotOwnerAndChangesNothing() {
        String owner = Gateways.id("gw-owner");
        String intruder = Gateways.id("gw-intruder");
        Registry.bulbs(owner + "-d");
        try (TestGateway a = TestGateway.connect(MqttBroker.shared(), owner);
                TestGateway b = TestGateway.connect(MqttBroker.shared(), intruder)) {
            a.publish(UplinkType.HELLO, Gateways.hello(Gateways.msgId(), Gateways.device(owner + "-d", "1.0", true)));
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> given().get("/api/v1/devices/zb-bulb/" + owner + "-d")
                            .then()
                            .body("gatewayId", equalTo(owner)));
            String msg = Gateways.msgId();

            b.publish(UplinkType.VERSION, Gateways.version(msg, owner + "-d", "6.6.6"));

            TestGateway.Received error = b.awaitDownlink(DownlinkType.ERROR, p -> p.contains(msg));
            assertThat(error.payload()).contains("\"code\":\"NOT_OWNER\"");
            given().get("/api/v1/devices/zb-bulb/" + owner + "-d")
                    .then()
                    .body("version", equalTo("1.0"))
                    .body("gatewayId", equalTo(owner));
        }
    }

    @Test
    void aReportForAnUnknownSubDeviceIsRefusedAsUnknownDevice() {
        try (TestGateway gateway = TestGateway.connect(MqttBroker.shared(), Gateways.id("gw-unknown-dev"))) {
            String msg = Gateways.msgId();

            gateway.publish(UplinkType.REQUEST, Gateways.version(msg, "nobody-" + msg, "1.0"));

            assertThat(gateway.awaitDownlink(DownlinkType.ERROR, p -> p.contains(msg))
                            .payload())
                    .contains("\"code\":\"UNKNOWN_DEVICE\"");
        }
    }

    @Test
    void anAckForATaskThisGatewayWasNeverSentIsRefusedAsUnknownTask() {
        try (TestGateway gateway = TestGateway.connect(MqttBroker.shared(), Gateways.id("gw-unknown-task"))) {
            String msg = Gateways.msgId();

            gateway.publish(UplinkType.ACK, Gateways.ack(msg, "t-never-sent", true));

            assertThat(gateway.awaitDownlink(DownlinkType.ERROR, p -> p.contains(msg))
                            .payload())
                    .contains("\"code\":\"UNKNOWN_TASK\"");
        }
    }

    @Test
    void aGatewayOverItsRateIsRefusedAsRateLimited() {
        String gw = Gateways.id("gw-chatty");
        try (TestGateway gateway = TestGateway.connect(MqttBroker.shared(), gw)) {
            for (int i = 0; i < 80; i++) {
                gateway.publish(UplinkType.REQUEST, Gateways.version(Gateways.msgId(), "nobody", "1.0"));
            }

            assertThat(gateway.awaitDownlink(DownlinkType.ERROR, p -> p.contains("RATE_LIMITED"))
                            .payload())
                    .contains("inReplyTo");
            // 40 over the limit, and answered once a second at most: the answers cannot flood the broker
            // and never more than a few answers over the next second
            await().during(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(2))
                    .until(() -> gateway.received().stream()
                                    .filter(r -> r.type() == DownlinkType.ERROR
                                            && r.payload().contains("RATE_LIMITED"))
                                    .count()
                            <= 3);
        }
    }

    @Test
    void aTopologyRemovingAnotherGatewaysSubDeviceIsRefusedWhole() {
        String owner = Gateways.id("gw-topo-owner");
        String other = Gateways.id("gw-topo-other");
        Registry.bulbs(owner + "-x", other + "-y");
        try (TestGateway a = TestGateway.connect(MqttBroker.shared(), owner);
                TestGateway b = TestGateway.connect(MqttBroker.shared(), other)) {
            a.publish(UplinkType.HELLO, Gateways.hello(Gateways.msgId(), Gateways.device(owner + "-x", "1.0", true)));
            b.publish(UplinkType.HELLO, Gateways.hello(Gateways.msgId(), Gateways.device(other + "-y", "1.0", true)));
            for (String[] bound : new String[][] {{owner, owner + "-x"}, {other, other + "-y"}}) {
                await().atMost(Duration.ofSeconds(10))
                        .untilAsserted(() -> given().get("/api/v1/devices/zb-bulb/" + bound[1])
                                .then()
                                .body("gatewayId", equalTo(bound[0])));
            }
            String msg = Gateways.msgId();

            b.publish(
                    UplinkType.TOPOLOGY,
                    "{\"msgId\":\"" + msg + "\",\"ts\":1,\"removed\":[{\"productKey\":\"zb-bulb\",\"deviceKey\":\""
                            + other + "-y\"},{\"productKey\":\"zb-bulb\",\"deviceKey\":\"" + owner + "-x\"}]}");

            assertThat(b.awaitDownlink(DownlinkType.ERROR, p -> p.contains(msg)).payload())
                    .contains("NOT_OWNER")
                    .contains("{\"productKey\":\"zb-bulb\",\"deviceKey\":\"" + owner + "-x\",\"code\":\"NOT_OWNER\"}");
            given().get("/api/v1/devices/zb-bulb/" + other + "-y")
                    .then()
                    .body("gatewayId", equalTo(other))
                    .body("attached", equalTo(true));
            given().get("/api/v1/devices/zb-bulb/" + owner + "-x").then().body("gatewayId", equalTo(owner));
        }
    }

    @Test
    void aDuplicateMessageHasNoSecondEffectAndIsNoError() {
        String gw = Gateways.id("gw-dup");
        Registry.bulbs(gw + "-a");
        try (TestGateway gateway = TestGateway.connect(MqttBroker.shared(), gw)) {
            gateway.publish(
                    UplinkType.HELLO, Gateways.hello(Gateways.msgId(), Gateways.device(gw + "-a", "1.0", true)));
            String msg = Gateways.msgId();
            gateway.publish(UplinkType.VERSION, Gateways.version(msg, gw + "-a", "2.0"));
            gateway.publish(UplinkType.VERSION, Gateways.version(Gateways.msgId(), gw + "-a", "3.0"));

            // the first report arrives again, after the second: it must not roll the version back
            gateway.publish(UplinkType.VERSION, Gateways.version(msg, gw + "-a", "2.0"));
            String marker = Gateways.msgId();
            gateway.publish(UplinkType.ACK, Gateways.ack(marker, "t-marker", true));
            gateway.awaitDownlink(DownlinkType.ERROR, p -> p.contains(marker));

            given().get("/api/v1/devices/zb-bulb/" + gw + "-a").then().body("version", equalTo("3.0"));
            assertThat(gateway.received()).noneMatch(r -> r.payload().contains(msg));
        }
    }
}
