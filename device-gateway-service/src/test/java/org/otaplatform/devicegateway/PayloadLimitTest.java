package org.otaplatform.devicegateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.DownlinkType;
import org.otaplatform.contract.Identifiers;
import org.otaplatform.contract.UplinkType;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.TestGateway;

/** The uplink payload limit (64 KiB, the protocol's) at its boundary, through the broker and the service. */
@QuarkusTest
class PayloadLimitTest {

    @Test
    void anUplinkOfExactlyTheLimitIsAppliedAndOneByteMoreIsRefusedChangingNothing() {
        String gw = Gateways.id("gw-limit");
        String device = gw + "-a";
        Registry.bulbs(device);
        try (TestGateway gateway = TestGateway.connect(MqttBroker.shared(), gw)) {
            gateway.publish(UplinkType.HELLO, Gateways.hello(Gateways.msgId(), Gateways.device(device, "1.0", true)));
            awaitVersion(device, "1.0");

            String atLimit = padded(Gateways.version(Gateways.msgId(), device, "1.1"), Identifiers.MAX_PAYLOAD_BYTES);
            gateway.publish(UplinkType.VERSION, atLimit);
            awaitVersion(device, "1.1");

            String overLimit =
                    padded(Gateways.version(Gateways.msgId(), device, "1.2"), Identifiers.MAX_PAYLOAD_BYTES + 1);
            gateway.publish(UplinkType.VERSION, overLimit);

            assertThat(gateway.awaitDownlink(DownlinkType.ERROR, p -> p.contains("over the limit"))
                            .payload())
                    .contains("\"code\":\"MALFORMED\"")
                    .contains(Integer.toString(Identifiers.MAX_PAYLOAD_BYTES + 1));
            given().get("/api/v1/devices/zb-bulb/" + device).then().body("version", equalTo("1.1"));
        }
    }

    /** {@code json} with an extra field that makes it exactly {@code bytes} long. */
    private static String padded(String json, int bytes) {
        String open = json.substring(0, json.length() - 1) + ",\"pad\":\"";
        String close = "\"}";
        String result = open + "x".repeat(bytes - open.length() - close.length()) + close;
        assertThat(result.getBytes(StandardCharsets.UTF_8)).hasSize(bytes);
        return result;
    }

    private static void awaitVersion(String device, String version) {
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> given().get("/api/v1/devices/zb-bulb/" + device)
                        .then()
                        .statusCode(200)
                        .body("version", equalTo(version)));
    }
}
