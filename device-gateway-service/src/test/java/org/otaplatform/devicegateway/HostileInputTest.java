package org.otaplatform.devicegateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.DownlinkType;
import org.otaplatform.contract.UplinkType;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.TestGateway;

/**
 * A thousand and more generated bad messages: not JSON, wrong types, huge arrays, oversize payloads,
 * unknown tasks, spoofed sub-devices. Each gets its error, none changes the database, and the service
 * still handles the next valid message.
 */
@QuarkusTest
class HostileInputTest {

    @Inject
    Pool pool;

    @Test
    void aThousandBadMessagesChangeNothingAndTheNextValidOneIsHandled() {
        String victim = Gateways.id("gw-victim");
        Registry.bulbs(victim + "-d");
        try (TestGateway owner = TestGateway.connect(MqttBroker.shared(), victim)) {
            owner.publish(
                    UplinkType.HELLO, Gateways.hello(Gateways.msgId(), Gateways.device(victim + "-d", "1.0", true)));
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> given().get("/api/v1/devices/zb-bulb/" + victim + "-d")
                            .then()
                            .body("gatewayId", equalTo(victim)));
        }
        long[] before = snapshot();
        List<IntFunction<String>> generators = generators(victim);
        Random random = new Random(7);
        int sent = 0;
        List<TestGateway> attackers = new ArrayList<>();
        try {
            for (int g = 0; g < 40; g++) {
                attackers.add(TestGateway.connect(MqttBroker.shared(), Gateways.id("gw-hostile-" + g)));
            }
            for (int i = 0; i < 1_040; i++) {
                TestGateway attacker = attackers.get(i % attackers.size());
                int kind = random.nextInt(generators.size());
                UplinkType type = UplinkType.values()[random.nextInt(UplinkType.values().length)];
                if (kind == 0) {
                    attacker.publish(type, oversize(random));
                } else {
                    attacker.publish(kindType(kind, type), generators.get(kind).apply(i));
                }
                sent++;
            }
            for (TestGateway attacker : attackers) {
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> attacker.received().stream()
                                        .filter(r -> r.type() == DownlinkType.ERROR)
                                        .count()
                                >= 26);
            }

            assertThat(sent).isGreaterThanOrEqualTo(1_000);
            assertThat(snapshot()).isEqualTo(before);
            try (TestGateway next = TestGateway.connect(MqttBroker.shared(), Gateways.id("gw-after"))) {
                Registry.bulbs(next.gatewayId() + "-ok");
                next.publish(
                        UplinkType.HELLO,
                        Gateways.hello(Gateways.msgId(), Gateways.device(next.gatewayId() + "-ok", "1.0", true)));
                await().atMost(Duration.ofSeconds(10))
                        .untilAsserted(() -> given().get("/api/v1/devices/zb-bulb/" + next.gatewayId() + "-ok")
                                .then()
                                .body("online", equalTo(true)));
            }
            given().get("/api/v1/devices/zb-bulb/" + victim + "-d")
                    .then()
                    .body("gatewayId", equalTo(victim))
                    .body("version", equalTo("1.0"));
            org.otaplatform.testkit.Management.given()
                    .get("/q/metrics")
                    .then()
                    .body(org.hamcrest.Matchers.containsString("ota_uplink_refused_total{code=\"MALFORMED\""))
                    .body(org.hamcrest.Matchers.containsString("ota_uplink_refused_total{code=\"NOT_OWNER\""))
                    .body(org.hamcrest.Matchers.containsString("ota_uplink_refused_total{code=\"UNKNOWN_TASK\""))
                    .body(org.hamcrest.Matchers.containsString("ota_uplink_refused_total{code=\"UNKNOWN_DEVICE\""));
        } finally {
            attackers.forEach(TestGateway::close);
        }
    }

    /** Generators of bad payloads by kind; kind 0 (oversize) is built separately. */
    private static List<IntFunction<String>> generators(String victim) {
        return List.of(
                i -> "",
                i -> "not json at all " + i,
                i -> "{\"msgId\":\"h" + i + "\",\"ts\":\"yesterday\"}",
                i -> "[" + i + "]",
                i -> "{\"msgId\":" + i + ",\"ts\":1}",
                i -> "{\"msgId\":\"h" + i + "\",\"ts\":1,\"productKey\":\"zb-bulb\",\"deviceKey\":\"" + victim
                        + "-d\",\"version\":\"6.6.6\"}",
                i -> "{\"msgId\":\"h" + i + "\",\"ts\":1,\"taskId\":\"t-hostile-" + i + "\",\"accept\":true}",
                i -> "{\"msgId\":\"h" + i + "\",\"ts\":1,\"taskId\":\"t-hostile-" + i
                        + "\",\"state\":\"SUCCEEDED\",\"version\":\"1\"}",
                i -> "{\"msgId\":\"h" + i + "\",\"ts\":1,\"subDevices\":["
                        + "{\"productKey\":\"zb-bulb\",\"deviceKey\":\"" + victim + "-d\",\"online\":false},".repeat(1)
                        + "1]}",
                i -> "{\"msgId\":\"h" + i
                        + "\",\"ts\":1,\"gateway\":{\"productKey\":\"a b\",\"version\":\"1\"},\"subDevices\":["
                        + "{},".repeat(500) + "{}]}",
                i -> "{\"msgId\":\"h" + i + "\",\"ts\":1,\"removed\":[{\"productKey\":\"zb-bulb\",\"deviceKey\":\""
                        + victim + "-d\"}]}",
                i -> "{\"msgId\":\"h" + i + "\",\"ts\":1,\"subDevices\":[{\"productKey\":\"zb-bulb\",\"deviceKey\":\""
                        + victim + "-d\",\"online\":false}]}",
                i -> "{\"msgId\":\"h" + i + "\",\"ts\":1,\"productKey\":\"zb-bulb\",\"deviceKey\":\"ghost-" + i
                        + "\",\"version\":\"1\"}");
    }

    /** Some kinds only make sense on one topic: the spoofing ones must reach the handler that checks ownership. */
    private static UplinkType kindType(int kind, UplinkType random) {
        return switch (kind) {
            case 5 -> UplinkType.VERSION;
            case 6 -> UplinkType.ACK;
            case 7 -> UplinkType.PROGRESS;
            case 8, 11 -> UplinkType.STATUS;
            case 9 -> UplinkType.HELLO;
            case 10 -> UplinkType.TOPOLOGY;
            case 12 -> UplinkType.REQUEST;
            default -> random == UplinkType.OFFLINE ? UplinkType.HELLO : random;
        };
    }

    private static byte[] oversize(Random random) {
        byte[] payload = ("{\"msgId\":\"big\",\"ts\":1,\"pad\":\"" + "x".repeat(70_000 + random.nextInt(1000)) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        return payload;
    }

    private long[] snapshot() {
        return new long[] {
            Gateways.count(pool, "SELECT count(*) FROM gateway"),
            Gateways.count(pool, "SELECT count(*) FROM product"),
            Gateways.count(pool, "SELECT count(*) FROM device"),
            Gateways.count(pool, "SELECT count(*) FROM sub_device"),
            Gateways.count(pool, "SELECT count(*) FROM sub_device WHERE gateway_id IS NOT NULL"),
            Gateways.count(pool, "SELECT coalesce(sum(seq), 0) FROM sub_device"),
            Gateways.count(pool, "SELECT count(*) FROM gateway_task"),
            Gateways.count(pool, "SELECT count(*) FROM outbox_message")
        };
    }
}
