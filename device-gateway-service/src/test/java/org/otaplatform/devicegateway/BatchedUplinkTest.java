package org.otaplatform.devicegateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.DownlinkType;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.UplinkType;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.TestGateway;
import org.otaplatform.testkit.TestMqttClient;

/**
 * Uplink that arrives in a burst is applied in shared transactions; a message among them that must be
 * refused rolls its batch back, and every message of it is then handled alone: the refused one answered
 * with its error and changing nothing, each of the others applied once.
 */
@QuarkusTest
class BatchedUplinkTest {

    /** Within the test profile's burst of 40 messages per gateway, hello included. */
    private static final int DEVICES = 30;

    @Test
    void aRefusedMessageInABurstIsAnsweredAndTheOthersAreStillApplied() {
        String owner = Gateways.id("gw-batch-owner");
        String other = Gateways.id("gw-batch-other");
        try (TestGateway gateway = TestGateway.connect(MqttBroker.shared(), owner);
                TestGateway foreign = TestGateway.connect(MqttBroker.shared(), other)) {
            attach(gateway, foreign, DEVICES);

            String spoofed = Gateways.msgId();
            for (int i = 0; i < DEVICES; i++) {
                gateway.publish(UplinkType.VERSION, Gateways.version(Gateways.msgId(), owner + "-d" + i, "2.0"));
                if (i == DEVICES / 2) {
                    // a sub-device of another gateway, in the middle of the burst
                    gateway.publish(UplinkType.VERSION, Gateways.version(spoofed, other + "-d", "6.6.6"));
                }
            }

            TestGateway.Received refusal = gateway.awaitDownlink(DownlinkType.ERROR, p -> p.contains(spoofed));
            assertThat(refusal.payload()).contains("NOT_OWNER");
            for (int i = 0; i < DEVICES; i++) {
                String device = owner + "-d" + i;
                await().atMost(Duration.ofSeconds(10))
                        .untilAsserted(() -> given().get("/api/v1/devices/zb-bulb/" + device)
                                .then()
                                .body("version", equalTo("2.0")));
            }
            given().get("/api/v1/devices/zb-bulb/" + other + "-d")
                    .then()
                    .body("gatewayId", equalTo(other))
                    .body("version", equalTo("1.0"));
            assertThat(gateway.received().stream().filter(r -> r.type() == DownlinkType.ERROR))
                    .as("only the spoofed report is refused, once")
                    .hasSize(1);
        }
    }

    /**
     * A burst of acks and progress reports, the bulk of a campaign, is applied with set-based statements;
     * a repeated msgId has no second effect, and a report naming another gateway's task fails its run,
     * which is then handled message by message: that report is refused and changes nothing, the others
     * are applied once.
     */
    @Test
    void aBurstOfAcksAndProgressIsAppliedOnceAndASpoofedReportInItIsRefused() {
        String owner = Gateways.id("gw-set-owner");
        String other = Gateways.id("gw-set-other");
        int devices = 10;
        double setBasedBefore = setBased();
        try (TestGateway gateway = TestGateway.connect(MqttBroker.shared(), owner);
                TestGateway foreign = TestGateway.connect(MqttBroker.shared(), other);
                TestMqttClient planService =
                        TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_UPLINK)) {
            attach(gateway, foreign, devices);
            for (int i = 0; i < devices; i++) {
                planService.publish(
                        InternalTopics.GATEWAY_COMMANDS,
                        Gateways.upgradeCommand(owner, "t-" + owner + "-" + i, owner + "-d" + i));
            }
            planService.publish(
                    InternalTopics.GATEWAY_COMMANDS, Gateways.upgradeCommand(other, "t-" + other, other + "-d"));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> gateway.received().stream()
                                    .filter(r -> r.type() == DownlinkType.UPGRADE)
                                    .count()
                            >= devices);
            foreign.awaitDownlink(DownlinkType.UPGRADE, p -> p.contains("t-" + other));

            String repeated = Gateways.msgId();
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < devices; i++) {
                String task = "t-" + owner + "-" + i;
                String ack = i == 0 ? repeated : Gateways.msgId();
                String downloading = Gateways.msgId();
                gateway.publish(UplinkType.ACK, Gateways.ack(ack, task, true));
                gateway.publish(UplinkType.PROGRESS, Gateways.progress(downloading, task, "DOWNLOADING", null));
                sent.addAll(List.of(ack, downloading));
                if (i == 1) {
                    gateway.publish(UplinkType.ACK, Gateways.ack(repeated, "t-" + owner + "-0", true));
                }
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> forwardedMsgIds(planService, owner).size() >= sent.size());
            assertThat(setBased() - setBasedBefore)
                    .as("runs of the burst went through the set-based path")
                    .isPositive();

            String spoofed = Gateways.msgId();
            for (int i = 0; i < devices; i++) {
                String succeeded = Gateways.msgId();
                gateway.publish(
                        UplinkType.PROGRESS, Gateways.progress(succeeded, "t-" + owner + "-" + i, "SUCCEEDED", "1.1"));
                sent.add(succeeded);
                if (i == devices / 2) {
                    gateway.publish(
                            UplinkType.PROGRESS, Gateways.progress(spoofed, "t-" + other, "SUCCEEDED", "6.6.6"));
                }
            }

            TestGateway.Received refusal = gateway.awaitDownlink(DownlinkType.ERROR, p -> p.contains(spoofed));
            assertThat(refusal.payload()).contains("UNKNOWN_TASK");
            for (int i = 0; i < devices; i++) {
                String device = owner + "-d" + i;
                await().atMost(Duration.ofSeconds(10))
                        .untilAsserted(() -> given().get("/api/v1/devices/zb-bulb/" + device)
                                .then()
                                .body("version", equalTo("1.1")));
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> forwardedMsgIds(planService, owner).size() >= sent.size());
            assertThat(forwardedMsgIds(planService, owner))
                    .as("each report forwarded once, the repeated msgId not again")
                    .containsExactlyInAnyOrderElementsOf(sent);
            assertThat(planService.received().stream().filter(m -> m.payload().contains(spoofed)))
                    .isEmpty();
            assertThat(forwarded(planService).count())
                    .as("a run's reports go to plan-service as one message, not one each")
                    .isLessThan(sent.size());
            assertThat(Gateways.count(
                            pool, "SELECT count(*) FROM gateway_task WHERE gateway_id = $1 AND state = 'ENDED'", owner))
                    .isEqualTo(devices);
            assertThat(Gateways.count(
                            pool,
                            "SELECT count(*) FROM gateway_task WHERE task_id = $1 AND state = 'SENT'",
                            "t-" + other))
                    .as("the spoofed report moved nothing")
                    .isEqualTo(1);
            given().get("/api/v1/devices/zb-bulb/" + other + "-d").then().body("version", equalTo("1.0"));
            assertThat(gateway.received().stream().filter(r -> r.type() == DownlinkType.ERROR))
                    .as("only the spoofed report is refused, once")
                    .hasSize(1);
        }
    }

    /**
     * Both gateways say hello: {@code owner} with sub-devices {@code <owner>-d0 …} on 1.0, {@code other}
     * with {@code <other>-d}; returns once the service knows them all.
     */
    private static void attach(TestGateway owner, TestGateway other, int devices) {
        List<String> attached = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < devices; i++) {
            attached.add(Gateways.device(owner.gatewayId() + "-d" + i, "1.0", true));
            keys.add(owner.gatewayId() + "-d" + i);
        }
        keys.add(other.gatewayId() + "-d");
        Registry.bulbs(keys.toArray(String[]::new));
        owner.publish(UplinkType.HELLO, Gateways.hello(Gateways.msgId(), attached.toArray(new String[0])));
        other.publish(
                UplinkType.HELLO,
                Gateways.hello(Gateways.msgId(), Gateways.device(other.gatewayId() + "-d", "1.0", true)));
        for (TestGateway gateway : List.of(owner, other)) {
            String device = gateway == owner ? owner.gatewayId() + "-d" + (devices - 1) : other.gatewayId() + "-d";
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> given().get("/api/v1/devices/zb-bulb/" + device)
                            .then()
                            .body("gatewayId", equalTo(gateway.gatewayId())));
        }
    }

    @Inject
    Pool pool;

    @Inject
    MeterRegistry registry;

    private double setBased() {
        var counter = registry.find("ota.messages.set-based")
                .tag("subscription", "uplink")
                .counter();
        return counter == null ? 0 : counter.count();
    }

    /** The msgIds of the gateway's reports forwarded to plan-service, over all {@code gateway.reports} seen. */
    private static List<String> forwardedMsgIds(TestMqttClient planService, String gatewayId) {
        return forwarded(planService)
                .flatMap(m -> stream(m.data().path("reports")))
                .filter(r -> gatewayId.equals(r.path("gatewayId").asText()))
                .map(r -> r.path("msgId").asText())
                .toList();
    }

    private static java.util.stream.Stream<org.otaplatform.contract.internal.InternalMessage> forwarded(
            TestMqttClient planService) {
        return planService.received().stream()
                .map(m -> org.otaplatform.contract.internal.InternalMessage.decode(
                        m.payload().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .flatMap(java.util.Optional::stream)
                .filter(m -> m.type().equals(org.otaplatform.contract.internal.GatewayUplink.Reports.TYPE));
    }

    private static java.util.stream.Stream<com.fasterxml.jackson.databind.JsonNode> stream(
            com.fasterxml.jackson.databind.JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false);
    }
}
