package org.otaplatform.devicegateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.DownlinkType;
import org.otaplatform.contract.UplinkType;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.TestGateway;

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
        List<String> devices = new ArrayList<>();
        for (int i = 0; i < DEVICES; i++) {
            devices.add(Gateways.device(owner + "-d" + i, "1.0", true));
        }
        try (TestGateway gateway = TestGateway.connect(MqttBroker.shared(), owner);
                TestGateway foreign = TestGateway.connect(MqttBroker.shared(), other)) {
            gateway.publish(UplinkType.HELLO, Gateways.hello(Gateways.msgId(), devices.toArray(new String[0])));
            foreign.publish(
                    UplinkType.HELLO, Gateways.hello(Gateways.msgId(), Gateways.device(other + "-d", "1.0", true)));
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> given().get("/api/v1/devices/zb-bulb/" + owner + "-d" + (DEVICES - 1))
                            .then()
                            .statusCode(200));
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> given().get("/api/v1/devices/zb-bulb/" + other + "-d")
                            .then()
                            .statusCode(200));

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
}
