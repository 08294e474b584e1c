package org.otaplatform.devicegateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.otaplatform.common.messaging.BrokerReconnected;
import org.otaplatform.contract.DownlinkType;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.UplinkType;
import org.otaplatform.contract.codec.Decoded;
import org.otaplatform.contract.codec.MessageCodec;
import org.otaplatform.contract.message.Resync;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.TestGateway;
import org.otaplatform.testkit.TestMqttClient;

@QuarkusTest
class SessionTest {

    @Inject
    Event<BrokerReconnected> brokerBack;

    @Test
    void helloOpensTheSessionWithItsTopologyAndAnnouncesEachSubDevice() {
        String gw = Gateways.id("gw-hello");
        try (TestMqttClient planService =
                        TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.DEVICE_EVENTS);
                TestGateway gateway = TestGateway.connect(MqttBroker.shared(), gw)) {
            Registry.bulbs(gw + "-a", gw + "-b");

            gateway.publish(
                    UplinkType.HELLO,
                    Gateways.hello(
                            Gateways.msgId(),
                            Gateways.device(gw + "-a", "1.0", true),
                            Gateways.device(gw + "-b", "1.0", false)));

            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> given().get("/api/v1/gateways/" + gw)
                            .then()
                            .statusCode(200)
                            .body("online", equalTo(true))
                            .body("productKey", equalTo("zb-gw"))
                            .body("subDeviceCount", equalTo(2)));
            given().get("/api/v1/gateways/" + gw + "/sub-devices")
                    .then()
                    .body("items.deviceKey", hasItems(gw + "-a", gw + "-b"))
                    .body("total", equalTo(2));
            given().get("/api/v1/devices/zb-bulb/" + gw + "-b")
                    .then()
                    .body("online", equalTo(false))
                    .body("gatewayId", equalTo(gw));
            // the hello's two sub-devices changed together: one device.states message
            planService.await(m -> m.payload().contains("\"device.states\"")
                    && m.payload().contains(gw + "-a")
                    && m.payload().contains("BOUND"));
            planService.await(m ->
                    m.payload().contains("\"gateway.state\"") && m.payload().contains(gw));
        }
    }

    @Test
    void aNewHelloReplacesTheTopologyAndDetachesWhatIsGoneWhichStaysBound() {
        String gw = Gateways.id("gw-replace");
        Registry.bulbs(gw + "-a", gw + "-b");
        try (TestGateway gateway = TestGateway.connect(MqttBroker.shared(), gw)) {
            gateway.publish(
                    UplinkType.HELLO,
                    Gateways.hello(
                            Gateways.msgId(),
                            Gateways.device(gw + "-a", "1.0", true),
                            Gateways.device(gw + "-b", "1.0", true)));
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(
                            () -> given().get("/api/v1/gateways/" + gw).then().body("subDeviceCount", equalTo(2)));

            gateway.publish(
                    UplinkType.HELLO, Gateways.hello(Gateways.msgId(), Gateways.device(gw + "-a", "1.1", true)));

            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(
                            () -> given().get("/api/v1/gateways/" + gw).then().body("subDeviceCount", equalTo(1)));
            given().get("/api/v1/devices/zb-bulb/" + gw + "-a").then().body("version", equalTo("1.1"));
            given().get("/api/v1/devices/zb-bulb/" + gw + "-b")
                    .then()
                    .body("gatewayId", equalTo(gw))
                    .body("attached", equalTo(false))
                    .body("online", equalTo(false));
            given().get("/api/v1/gateways/" + gw).then().body("boundSubDeviceCount", equalTo(2));

            // bound still: listed again, it is attached again without a proof
            gateway.publish(
                    UplinkType.HELLO,
                    Gateways.hello(
                            Gateways.msgId(),
                            Gateways.device(gw + "-a", "1.1", true),
                            Gateways.device(gw + "-b", "1.0", true)));
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> given().get("/api/v1/devices/zb-bulb/" + gw + "-b")
                            .then()
                            .body("attached", equalTo(true))
                            .body("online", equalTo(true)));
        }
    }

    @Test
    void offlineMarksTheGatewayAndItsSubDevicesOffline() {
        String gw = Gateways.id("gw-offline");
        Registry.bulbs(gw + "-a");
        try (TestGateway gateway = TestGateway.connect(MqttBroker.shared(), gw)) {
            helloWithBulb(gateway, gw);
            awaitOnline(gw, true);

            gateway.publish(UplinkType.OFFLINE, "{}");

            awaitOnline(gw, false);
            given().get("/api/v1/devices/zb-bulb/" + gw + "-a")
                    .then()
                    .body("online", equalTo(false))
                    .body("gatewayId", equalTo(gw));
            given().get("/api/v1/gateways?online=false&size=500").then().body("items.gatewayId", hasItems(gw));
        }
    }

    @Test
    void aGatewayHeldOfflineThatSendsAMessageIsOnlineAgainWithItsSubDevices() {
        String gw = Gateways.id("gw-revived");
        Registry.bulbs(gw + "-a");
        try (TestGateway gateway = TestGateway.connect(MqttBroker.shared(), gw)) {
            helloWithBulb(gateway, gw);
            // its last will overtook the hello of its reconnect, or that hello was lost with a broker restart
            gateway.publish(UplinkType.OFFLINE, "{}");
            awaitOnline(gw, false);

            gateway.publish(UplinkType.VERSION, Gateways.version(Gateways.msgId(), gw + "-a", "1.1"));

            awaitOnline(gw, true);
            given().get("/api/v1/devices/zb-bulb/" + gw + "-a")
                    .then()
                    .body("online", equalTo(true))
                    .body("version", equalTo("1.1"));
        }
    }

    @Test
    void aGatewayHeldOfflineThatSendsAMessageIsAskedToResyncOnceAMinuteAtMost() {
        String gw = Gateways.id("gw-resync");
        Registry.bulbs(gw + "-a");
        try (TestGateway gateway = TestGateway.connect(MqttBroker.shared(), gw)) {
            helloWithBulb(gateway, gw);
            gateway.publish(UplinkType.OFFLINE, "{}");
            awaitOnline(gw, false);

            gateway.publish(UplinkType.VERSION, Gateways.version(Gateways.msgId(), gw + "-a", "1.1"));

            TestGateway.Received resync = gateway.awaitDownlink(DownlinkType.RESYNC, payload -> true);
            var decoded = MessageCodec.decodeDownlink(
                    DownlinkType.RESYNC, resync.payload().getBytes());
            assertThat(decoded).isInstanceOf(Decoded.Valid.class);
            assertThat(((Resync) ((Decoded.Valid<?>) decoded).message()).reason())
                    .contains("held offline");
            // offline and back again within the minute: not asked a second time
            gateway.publish(UplinkType.OFFLINE, "{}");
            gateway.publish(UplinkType.VERSION, Gateways.version(Gateways.msgId(), gw + "-a", "1.2"));
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> given().get("/api/v1/devices/zb-bulb/" + gw + "-a")
                            .then()
                            .body("version", equalTo("1.2")));
            // one resync, and no second one while the first is answered
            await().during(Duration.ofMillis(500))
                    .atMost(Duration.ofSeconds(2))
                    .until(() -> gateway.received().stream()
                                    .filter(r -> r.type() == DownlinkType.RESYNC)
                                    .count()
                            == 1);
        }
    }

    @Test
    void afterABrokerRestartEveryGatewayHeldOnlineIsAskedToResync() {
        String gw = Gateways.id("gw-broker-back");
        Registry.bulbs(gw + "-a");
        try (TestGateway gateway = TestGateway.connect(MqttBroker.shared(), gw)) {
            helloWithBulb(gateway, gw);
            awaitOnline(gw, true);

            brokerBack.fire(new BrokerReconnected(java.time.Instant.now()));

            TestGateway.Received resync = gateway.awaitDownlink(DownlinkType.RESYNC, payload -> true);
            assertThat(resync.payload()).contains("the broker restarted");
        }
    }

    @Test
    void aSubDeviceMovesToAnotherGatewayOnlyWithAValidProofAndTheFirstNoLongerSpeaksForIt() {
        String first = Gateways.id("gw-roam-1");
        String second = Gateways.id("gw-roam-2");
        String device = first + "-roamer";
        String secret = Registry.bulbs(device).get(device);
        try (TestGateway a = TestGateway.connect(MqttBroker.shared(), first);
                TestGateway b = TestGateway.connect(MqttBroker.shared(), second)) {
            a.publish(UplinkType.HELLO, Gateways.hello(Gateways.msgId(), Gateways.device(device, "1.0", true)));
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> given().get("/api/v1/devices/zb-bulb/" + device)
                            .then()
                            .body("gatewayId", equalTo(first)));

            String unproven = Gateways.msgId();
            b.publish(UplinkType.TOPOLOGY, Gateways.added(unproven, "zb-bulb", device, "1.0", null));
            org.assertj.core.api.Assertions.assertThat(
                            b.awaitDownlink(org.otaplatform.contract.DownlinkType.ERROR, p -> p.contains(unproven))
                                    .payload())
                    .contains("\"code\":\"NOT_OWNER\"")
                    .contains("\"devices\":[{\"productKey\":\"zb-bulb\",\"deviceKey\":\"" + device
                            + "\",\"code\":\"NOT_OWNER\"}]");
            given().get("/api/v1/devices/zb-bulb/" + device).then().body("gatewayId", equalTo(first));

            b.publish(
                    UplinkType.TOPOLOGY,
                    Gateways.added(
                            Gateways.msgId(),
                            "zb-bulb",
                            device,
                            "1.0",
                            Registry.auth(second, "zb-bulb", device, secret)));

            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> given().get("/api/v1/devices/zb-bulb/" + device)
                            .then()
                            .body("gatewayId", equalTo(second))
                            .body("attached", equalTo(true)));
            given().get("/api/v1/gateways/" + first).then().body("subDeviceCount", equalTo(0));
            // the first gateway no longer speaks for it
            String msg = Gateways.msgId();
            a.publish(UplinkType.VERSION, Gateways.version(msg, device, "9.9"));
            a.awaitDownlink(
                    org.otaplatform.contract.DownlinkType.ERROR, p -> p.contains(msg) && p.contains("NOT_OWNER"));
        }
    }

    @Test
    void statusAndVersionReportsUpdateTheSubDevice() {
        String gw = Gateways.id("gw-status");
        Registry.bulbs(gw + "-a");
        try (TestGateway gateway = TestGateway.connect(MqttBroker.shared(), gw)) {
            helloWithBulb(gateway, gw);
            gateway.publish(
                    UplinkType.STATUS,
                    "{\"msgId\":\"" + Gateways.msgId()
                            + "\",\"ts\":1,\"subDevices\":[{\"productKey\":\"zb-bulb\",\"deviceKey\":\"" + gw
                            + "-a\",\"online\":false}]}");
            gateway.publish(UplinkType.VERSION, Gateways.version(Gateways.msgId(), gw + "-a", "2.0"));

            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> given().get("/api/v1/devices/zb-bulb/" + gw + "-a")
                            .then()
                            .body("online", equalTo(false))
                            .body("version", equalTo("2.0")));
        }
    }

    /** The gateway opens its session with its one sub-device, {@code <gw>-a} at 1.0. */
    private static void helloWithBulb(TestGateway gateway, String gw) {
        gateway.publish(UplinkType.HELLO, Gateways.hello(Gateways.msgId(), Gateways.device(gw + "-a", "1.0", true)));
    }

    /** Until the service holds the gateway online, or offline. */
    private static void awaitOnline(String gw, boolean online) {
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> given().get("/api/v1/gateways/" + gw).then().body("online", equalTo(online)));
    }
}
