package org.otaplatform.devicegateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.DownlinkType;
import org.otaplatform.contract.UplinkType;
import org.otaplatform.contract.codec.MessageCodec;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.TestGateway;

/**
 * One gateway account used as an attacker would: ten thousand claims of sub-devices it has no right to
 * (another gateway's, unregistered ones, invented products, replayed, stale, future and forged proofs, a
 * wrong product secret), in {@code hello} and {@code topology} messages. Every claim is refused with the
 * right code, nothing in the registry or the device view changes, no event leaves, and the gateway that
 * owns the sub-devices goes on working.
 */
@QuarkusTest
class HostileClaimsTest {

    private static final int MESSAGES = 100;
    private static final int CLAIMS_PER_MESSAGE = 100;

    @Inject
    Pool pool;

    private record Claim(String entry, String productKey, String deviceKey, String code) {}

    @Test
    void tenThousandClaimsFromOneGatewayAreEachRefusedWithTheirCodeAndChangeNothing() throws Exception {
        String signed = Gateways.id("hostile-signed");
        Registry.signedProduct(signed);
        String dynamic = Gateways.id("hostile-dyn");
        Registry.product(given(), dynamic, "SIGNED", true);
        String victim = Gateways.id("gw-victim");
        String attacker = Gateways.id("gw-attacker");
        List<String> owned = new ArrayList<>();
        List<String> free = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            owned.add(victim + "-d" + i);
        }
        for (int i = 0; i < 60; i++) {
            free.add(victim + "-free" + i);
        }
        List<String> all = new ArrayList<>(owned);
        all.addAll(free);
        Map<String, String> secrets = Registry.devices(given(), signed, all);

        try (TestGateway owner = TestGateway.connect(MqttBroker.shared(), victim);
                TestGateway intruder = TestGateway.connect(MqttBroker.shared(), attacker)) {
            List<String> entries = new ArrayList<>();
            for (String d : owned) {
                entries.add(Gateways.device(signed, d, "1.0", true, Registry.auth(victim, signed, d, secrets.get(d))));
            }
            owner.publish(UplinkType.HELLO, Gateways.hello(Gateways.msgId(), entries.toArray(String[]::new)));
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> given().get("/api/v1/devices/" + signed + "/" + owned.get(119))
                            .then()
                            .body("gatewayId", equalTo(victim)));
            long[] before = snapshot();

            Random random = new Random(18);
            Map<String, List<Claim>> sent = new HashMap<>();
            for (int m = 0; m < MESSAGES; m++) {
                // a message names each sub-device once (twice would be MALFORMED): each draws from its own decks
                java.util.Deque<String> ownedDeck = deck(owned, random);
                java.util.Deque<String> freeDeck = deck(free, random);
                List<Claim> claims = new ArrayList<>();
                for (int c = 0; c < CLAIMS_PER_MESSAGE; c++) {
                    claims.add(claim(
                            random,
                            m * CLAIMS_PER_MESSAGE + c,
                            signed,
                            dynamic,
                            victim,
                            attacker,
                            ownedDeck,
                            freeDeck,
                            secrets));
                }
                String msgId = Gateways.msgId();
                sent.put(msgId, claims);
                boolean asHello = m % 2 == 0;
                String body = asHello
                        ? Gateways.hello(
                                msgId, claims.stream().map(Claim::entry).toArray(String[]::new))
                        : "{\"msgId\":\"" + msgId + "\",\"ts\":1,\"added\":["
                                + String.join(
                                        ",",
                                        claims.stream()
                                                .map(c -> c.entry().replace(",\"online\":true", ""))
                                                .toList())
                                + "]}";
                intruder.publish(asHello ? UplinkType.HELLO : UplinkType.TOPOLOGY, body);
                Thread.sleep(60); // within the gateway's rate limit: every claim must meet the binding rules
            }

            int checked = 0;
            for (var message : sent.entrySet()) {
                JsonNode error = MessageCodec.mapper()
                        .readTree(intruder.awaitDownlink(DownlinkType.ERROR, p -> p.contains(message.getKey()))
                                .payload());
                Map<String, String> codes = new HashMap<>();
                error.get("devices")
                        .forEach(d -> codes.put(
                                d.get("productKey").asText() + "/"
                                        + d.get("deviceKey").asText(),
                                d.get("code").asText()));
                assertThat(codes).hasSize(CLAIMS_PER_MESSAGE);
                for (Claim claim : message.getValue()) {
                    assertThat(codes.get(claim.productKey() + "/" + claim.deviceKey()))
                            .as("claim of %s/%s", claim.productKey(), claim.deviceKey())
                            .isEqualTo(claim.code());
                    checked++;
                }
                assertThat(error.get("code").asText())
                        .isEqualTo(message.getValue().get(0).code());
            }
            assertThat(checked).isEqualTo(MESSAGES * CLAIMS_PER_MESSAGE);

            // proofs that are not proofs at all: the message is malformed, naming the field
            String d = owned.get(0);
            for (String auth : List.of(
                    "\"sig\"",
                    "[]",
                    "{\"timestamp\":\"now\",\"sign\":\"" + "a".repeat(64) + "\"}",
                    "{\"timestamp\":-1,\"sign\":\"" + "a".repeat(64) + "\"}",
                    "{\"timestamp\":1,\"sign\":\"" + "a".repeat(63) + "\"}",
                    "{\"timestamp\":1,\"sign\":\"" + "A".repeat(64) + "\"}",
                    "{\"timestamp\":1,\"sign\":\"" + "z".repeat(64) + "\"}",
                    "{\"timestamp\":1,\"sign\":42}",
                    "{\"timestamp\":1}")) {
                String msgId = Gateways.msgId();
                intruder.publish(UplinkType.HELLO, Gateways.hello(msgId, entry(signed, d, auth)));
                assertThat(intruder.awaitDownlink(DownlinkType.ERROR, p -> p.contains(msgId))
                                .payload())
                        .as(auth)
                        .contains("\"code\":\"MALFORMED\"")
                        .contains("subDevices[0].auth");
            }
            assertThat(snapshot()).as("registry, bindings, sessions and events").isEqualTo(before);
            given().get("/api/v1/gateways/" + attacker).then().statusCode(404);

            // the owner goes on as if nothing happened
            owner.publish(UplinkType.VERSION, versionOf(signed, owned.get(3), "1.1"));
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> given().get("/api/v1/devices/" + signed + "/" + owned.get(3))
                            .then()
                            .body("version", equalTo("1.1"))
                            .body("gatewayId", equalTo(victim)));
        }
    }

    /** One hostile claim of one of eight kinds, and the code it must get. */
    private static Claim claim(
            Random random,
            int n,
            String signed,
            String dynamic,
            String victim,
            String attacker,
            java.util.Deque<String> owned,
            java.util.Deque<String> free,
            Map<String, String> secrets) {
        long now = System.currentTimeMillis();
        String invented = attacker + "-x" + n;
        int kind = random.nextInt(8);
        if ((kind == 4 && free.isEmpty()) || (kind >= 1 && kind <= 5 && kind != 4 && owned.isEmpty())) {
            kind = 0;
        }
        String d = kind >= 1 && kind <= 5 && kind != 4 ? owned.pop() : null;
        String f = kind == 4 ? free.pop() : null;
        return switch (kind) {
            case 0 -> new Claim(entry(signed, invented, null), signed, invented, "UNKNOWN_DEVICE");
            case 1 -> new Claim(entry(signed, d, null), signed, d, "NOT_OWNER");
            case 2 ->
                new Claim(entry(signed, d, Registry.auth(victim, signed, d, secrets.get(d))), signed, d, "NOT_OWNER");
            case 3 ->
                new Claim(
                        entry(signed, d, Registry.auth(attacker, signed, d, secrets.get(d), now - 3_600_000L - n)),
                        signed,
                        d,
                        "NOT_OWNER");
            case 4 ->
                new Claim(
                        entry(signed, f, Registry.auth(attacker, signed, f, secrets.get(f), now + 3_600_000L + n)),
                        signed,
                        f,
                        "NOT_OWNER");
            case 5 ->
                new Claim(
                        entry(signed, d, Registry.auth(attacker, signed, d, Long.toHexString(random.nextLong()))),
                        signed,
                        d,
                        "NOT_OWNER");
            case 6 ->
                new Claim(entry("no-such-product", invented, null), "no-such-product", invented, "UNKNOWN_DEVICE");
            default ->
                new Claim(
                        entry(dynamic, invented, Registry.registration(attacker, dynamic, invented, "f".repeat(64))),
                        dynamic,
                        invented,
                        "UNKNOWN_DEVICE");
        };
    }

    private static java.util.Deque<String> deck(List<String> keys, Random random) {
        List<String> shuffled = new ArrayList<>(keys);
        java.util.Collections.shuffle(shuffled, random);
        return new java.util.ArrayDeque<>(shuffled);
    }

    private static String entry(String productKey, String deviceKey, String auth) {
        return Gateways.device(productKey, deviceKey, "1.0", true, auth);
    }

    private static String versionOf(String productKey, String deviceKey, String version) {
        return "{\"msgId\":\"" + Gateways.msgId() + "\",\"ts\":1,\"productKey\":\"" + productKey + "\",\"deviceKey\":\""
                + deviceKey + "\",\"version\":\"" + version + "\"}";
    }

    private long[] snapshot() {
        return new long[] {
            Gateways.count(pool, "SELECT count(*) FROM product"),
            Gateways.count(pool, "SELECT count(*) FROM device"),
            Gateways.count(pool, "SELECT count(*) FROM sub_device"),
            Gateways.count(pool, "SELECT count(*) FROM sub_device WHERE gateway_id IS NOT NULL"),
            Gateways.count(pool, "SELECT coalesce(sum(seq), 0) FROM sub_device"),
            Gateways.count(pool, "SELECT count(*) FROM gateway"),
            Gateways.count(pool, "SELECT count(*) FROM outbox_message WHERE topic LIKE 'ota/internal/%'")
        };
    }
}
