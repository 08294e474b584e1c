package org.otaplatform.devicegateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.DownlinkType;
import org.otaplatform.contract.DownloadLinks;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.UplinkType;
import org.otaplatform.contract.codec.Decoded;
import org.otaplatform.contract.codec.MessageCodec;
import org.otaplatform.contract.internal.GatewayCommand;
import org.otaplatform.contract.internal.InternalMessage;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.TestGateway;
import org.otaplatform.testkit.TestMqttClient;

@QuarkusTest
class CommandsTest {

    private static final DownloadLinks LINKS =
            new DownloadLinks("test-only-download-link-secret-0123456789".getBytes(StandardCharsets.UTF_8));

    @Test
    void anUpgradeCommandReachesTheGatewayWithALinkBoundToIt() throws IOException {
        String gw = Gateways.id("gw-up");
        try (TestGateway gateway = TestGateway.connect(MqttBroker.shared(), gw);
                TestMqttClient planService = TestMqttClient.connect(MqttBroker.shared())) {
            Gateways.attached(gateway, gw + "-d");

            planService.publish(InternalTopics.GATEWAY_COMMANDS, Gateways.upgradeCommand(gw, "t-" + gw, gw + "-d"));

            TestGateway.Received upgrade = gateway.awaitDownlink(DownlinkType.UPGRADE, p -> p.contains("t-" + gw));
            Decoded<?> decoded = MessageCodec.decodeDownlink(
                    DownlinkType.UPGRADE, upgrade.payload().getBytes(StandardCharsets.UTF_8));
            assertThat(decoded.isValid()).as(decoded.toString()).isTrue();
            JsonNode firmware =
                    MessageCodec.mapper().readTree(upgrade.payload()).get("firmware");
            URI url = URI.create(firmware.get("url").asText());
            assertThat(url.getPath()).startsWith("/download/");
            String id = url.getPath().substring("/download/".length());
            java.util.Map<String, String> q = query(url);
            assertThat(q.get("gw")).isEqualTo(gw);
            assertThat(LINKS.isValid(id, gw, q.get("exp"), q.get("sig"), System.currentTimeMillis() / 1000))
                    .isTrue();
            assertThat(Long.parseLong(q.get("exp")) * 1000)
                    .isEqualTo(firmware.get("urlExpiresAt").asLong());
        }
    }

    /**
     * plan-service chose the gateway from its view of an earlier moment: a command for a sub-device that is no
     * longer bound to that gateway is not sent, nor after its hello, and the task is ended (issue #35).
     */
    @Test
    void commandsAreReCheckedAgainstTheBindingWhenSent() {
        String gw = Gateways.id("gw-stale");
        String other = Gateways.id("gw-now");
        try (TestGateway stale = TestGateway.connect(MqttBroker.shared(), gw);
                TestGateway bound = TestGateway.connect(MqttBroker.shared(), other);
                TestMqttClient planService = TestMqttClient.connect(MqttBroker.shared())) {
            Gateways.attached(bound, gw + "-d");
            planService.publish(
                    InternalTopics.GATEWAY_COMMANDS, Gateways.upgradeCommand(gw, "t-stale-" + gw, gw + "-d"));
            planService.publish(
                    InternalTopics.GATEWAY_COMMANDS, Gateways.upgradeCommand(other, "t-now-" + gw, gw + "-d"));
            bound.awaitDownlink(DownlinkType.UPGRADE, p -> p.contains("t-now-" + gw));
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> Gateways.count(
                                    pool,
                                    "SELECT count(*) FROM gateway_task WHERE task_id = $1 AND state = 'ENDED'"
                                            + " AND command IS NULL",
                                    "t-stale-" + gw)
                            == 1);
            stale.publish(UplinkType.HELLO, Gateways.hello(Gateways.msgId()));
            String marker = Gateways.msgId();
            stale.publish(UplinkType.ACK, Gateways.ack(marker, "t-none", true));
            stale.awaitDownlink(DownlinkType.ERROR, p -> p.contains(marker));
            assertThat(stale.received()).noneMatch(r -> r.type() == DownlinkType.UPGRADE);
        }
    }

    @Test
    void anUnackedUpgradeIsSentAgainAfterHelloWithTheSameTaskIdButNotOnceAcked() {
        String gw = Gateways.id("gw-resend");
        try (TestGateway gateway = TestGateway.connect(MqttBroker.shared(), gw);
                TestMqttClient planService = TestMqttClient.connect(MqttBroker.shared())) {
            Gateways.attached(gateway, gw + "-d");
            planService.publish(InternalTopics.GATEWAY_COMMANDS, Gateways.upgradeCommand(gw, "t1-" + gw, gw + "-d"));
            gateway.awaitDownlink(DownlinkType.UPGRADE, p -> p.contains("t1-" + gw));

            gateway.publish(
                    UplinkType.HELLO, Gateways.hello(Gateways.msgId(), Gateways.device(gw + "-d", "1.0", true)));

            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> gateway.received().stream()
                                    .filter(r -> r.type() == DownlinkType.UPGRADE
                                            && r.payload().contains("t1-" + gw))
                                    .count()
                            == 2);
            assertThat(Gateways.count(
                            pool,
                            "SELECT count(*) FROM gateway_task WHERE gateway_id = $1 AND command IS NOT NULL",
                            gw))
                    .as("an unacked task keeps its command")
                    .isEqualTo(1);
            gateway.publish(UplinkType.ACK, Gateways.ack(Gateways.msgId(), "t1-" + gw, true));
            String marker = Gateways.msgId();
            gateway.publish(UplinkType.ACK, Gateways.ack(marker, "t-none", true));
            gateway.awaitDownlink(DownlinkType.ERROR, p -> p.contains(marker));
            assertThat(Gateways.count(
                            pool,
                            "SELECT count(*) FROM gateway_task WHERE gateway_id = $1 AND command IS NULL"
                                    + " AND state = 'ACKED'",
                            gw))
                    .as("an acked task no longer holds its command")
                    .isEqualTo(1);
            gateway.publish(
                    UplinkType.HELLO, Gateways.hello(Gateways.msgId(), Gateways.device(gw + "-d", "1.0", true)));
            String marker2 = Gateways.msgId();
            gateway.publish(UplinkType.ACK, Gateways.ack(marker2, "t-none", true));
            gateway.awaitDownlink(DownlinkType.ERROR, p -> p.contains(marker2));

            assertThat(gateway.received().stream()
                            .filter(r -> r.type() == DownlinkType.UPGRADE)
                            .count())
                    .isEqualTo(2);
        }
    }

    @Test
    void acksProgressAndRequestsAreForwardedToPlanServiceWithTheGatewayAttached() {
        String gw = Gateways.id("gw-fwd");
        try (TestGateway gateway = TestGateway.connect(MqttBroker.shared(), gw);
                TestMqttClient planService =
                        TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_UPLINK)) {
            Gateways.attached(gateway, gw + "-d");
            planService.publish(InternalTopics.GATEWAY_COMMANDS, Gateways.upgradeCommand(gw, "t-" + gw, gw + "-d"));
            gateway.awaitDownlink(DownlinkType.UPGRADE, p -> p.contains("t-" + gw));

            gateway.publish(UplinkType.REQUEST, Gateways.version(Gateways.msgId(), gw + "-d", "1.0"));
            gateway.publish(UplinkType.ACK, Gateways.ack(Gateways.msgId(), "t-" + gw, true));
            gateway.publish(UplinkType.PROGRESS, Gateways.progress(Gateways.msgId(), "t-" + gw, "SUCCEEDED", "1.1"));

            planService.await(
                    m -> m.payload().contains("gateway.request") && m.payload().contains(gw));
            planService.await(m -> m.payload().contains("gateway.reports")
                    && m.payload().contains("\"accept\":true")
                    && m.payload().contains("\"gatewayId\":\"" + gw + "\""));
            planService.await(
                    m -> m.payload().contains("gateway.reports") && m.payload().contains("SUCCEEDED"));
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(10))
                    .untilAsserted(() -> io.restassured.RestAssured.given()
                            .get("/api/v1/devices/zb-bulb/" + gw + "-d")
                            .then()
                            .body("version", org.hamcrest.Matchers.equalTo("1.1")));
        }
    }

    /**
     * Upgrade commands that arrive together are applied as a set-based run with the effects of one by one:
     * each task stored once and its upgrade sent once, a redelivered command and a repeated task id not
     * again.
     */
    @Test
    void aBurstOfUpgradeCommandsReachesTheGatewayOnceEach() {
        String gw = Gateways.id("gw-burst");
        var counter = registry.find("ota.messages.set-based")
                .tag("subscription", "commands")
                .counter();
        double before = counter == null ? 0 : counter.count();
        try (TestGateway gateway = TestGateway.connect(MqttBroker.shared(), gw);
                TestMqttClient planService = TestMqttClient.connect(MqttBroker.shared())) {
            int tasks = 30;
            Gateways.attached(
                    gateway,
                    java.util.stream.IntStream.range(0, tasks)
                            .mapToObj(i -> gw + "-d" + i)
                            .toArray(String[]::new));
            for (int i = 0; i < tasks; i++) {
                byte[] command = Gateways.upgradeCommand(gw, "t-" + gw + "-" + i, gw + "-d" + i);
                planService.publish(InternalTopics.GATEWAY_COMMANDS, command);
                if (i % 10 == 0) {
                    planService.publish(InternalTopics.GATEWAY_COMMANDS, command); // redelivered
                    // the same task in a new message, as plan-service would never send: stored once
                    planService.publish(
                            InternalTopics.GATEWAY_COMMANDS,
                            Gateways.upgradeCommand(gw, "t-" + gw + "-" + i, gw + "-d" + i));
                }
            }
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> Gateways.count(pool, "SELECT count(*) FROM gateway_task WHERE gateway_id = $1", gw)
                            == tasks);
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> gateway.received().size() >= tasks);
            org.awaitility.Awaitility.await()
                    .pollDelay(java.time.Duration.ofMillis(500))
                    .until(() -> true);
            assertThat(gateway.received())
                    .as("one upgrade per task")
                    .hasSize(tasks)
                    .allMatch(r -> r.type() == DownlinkType.UPGRADE);
            assertThat(gateway.received().stream()
                            .map(r -> r.payload().replaceAll(".*\"taskId\":\"([^\"]+)\".*", "$1"))
                            .distinct())
                    .hasSize(tasks);
            assertThat(registry.find("ota.messages.set-based")
                                    .tag("subscription", "commands")
                                    .counter()
                                    .count()
                            - before)
                    .as("commands of the burst went through set-based runs")
                    .isPositive();
        }
    }

    @jakarta.inject.Inject
    io.vertx.mutiny.sqlclient.Pool pool;

    @jakarta.inject.Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    @Test
    void cancelAndReplyCommandsReachTheGateway() {
        String gw = Gateways.id("gw-cmd");
        try (TestGateway gateway = TestGateway.connect(MqttBroker.shared(), gw);
                TestMqttClient planService = TestMqttClient.connect(MqttBroker.shared())) {
            planService.publish(
                    InternalTopics.GATEWAY_COMMANDS,
                    InternalMessage.of(
                                    GatewayCommand.Cancel.TYPE,
                                    "plan-service",
                                    1,
                                    new GatewayCommand.Cancel(gw, "t-c", "plan terminated"))
                            .encode());
            planService.publish(
                    InternalTopics.GATEWAY_COMMANDS,
                    InternalMessage.of(
                                    GatewayCommand.Reply.TYPE,
                                    "plan-service",
                                    1,
                                    new GatewayCommand.Reply(gw, "m-77", "zb-bulb", "d", "NO_UPGRADE", null))
                            .encode());

            assertThat(gateway.awaitDownlink(DownlinkType.CANCEL, p -> p.contains("t-c"))
                            .payload())
                    .contains("plan terminated");
            assertThat(gateway.awaitDownlink(DownlinkType.REPLY, p -> p.contains("m-77"))
                            .payload())
                    .contains("NO_UPGRADE");
        }
    }

    private static java.util.Map<String, String> query(URI url) {
        java.util.Map<String, String> map = new java.util.HashMap<>();
        for (String pair : url.getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            map.put(kv[0], java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return map;
    }
}
