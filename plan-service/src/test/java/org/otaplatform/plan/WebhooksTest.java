package org.otaplatform.plan;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.codec.MessageCodec;
import org.otaplatform.plan.webhook.Webhooks;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.TestMqttClient;

/**
 * Webhooks (issue #23) against a real HTTP receiver on this machine that fails the first attempts: signed
 * deliveries, retried with backoff, listed with every attempt, sent again on request; internal targets
 * refused.
 */
@QuarkusTest
class WebhooksTest {

    /** What the receiver got: headers of interest and the body. */
    record Received(Map<String, String> headers, String body) {}

    private static final String SECRET = "a-secret-of-the-receiver";

    @Test
    void aPlansEventsReachAReceiverThatFailsTwiceSignedRetriedAndListedWithEveryAttempt() throws Exception {
        List<Received> received = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            var h = exchange.getRequestHeaders();
            received.add(new Received(
                    Map.of(
                            "event", h.getFirst("X-OTA-Event"),
                            "delivery", h.getFirst("X-OTA-Delivery"),
                            "timestamp", h.getFirst("X-OTA-Timestamp"),
                            "signature", h.getFirst("X-OTA-Signature"),
                            "host", h.getFirst("Host")),
                    body));
            // the first two attempts fail, as a receiver being deployed would
            int status = calls.incrementAndGet() <= 2 ? 503 : 204;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
        try {
            // a name, not an address: the guard resolves it once and the request goes to the address it checked
            // (the receiver listens on 127.0.0.1 only), with the name in Host
            String url = "http://localhost:" + receiver.getAddress().getPort() + "/hook";
            String subscription = given().contentType(ContentType.JSON)
                    .body(Map.of(
                            "url",
                            url,
                            "secret",
                            SECRET,
                            "eventTypes",
                            List.of("plan.activated", "plan.suspended"),
                            "description",
                            "the test's receiver"))
                    .post("/api/v1/webhooks")
                    .then()
                    .statusCode(201)
                    .body("url", equalTo(url))
                    .body("secret", org.hamcrest.Matchers.nullValue())
                    .extract()
                    .path("id");

            String product = "hook-" + UUID.randomUUID().toString().substring(0, 8);
            String firmwareId;
            try (TestMqttClient bus = TestMqttClient.connect(MqttBroker.shared())) {
                firmwareId = Fixtures.firmware(bus, product, "2.0", "UNVERIFIED");
            }
            String plan = awaitCreated(product, firmwareId);
            given().post("/api/v1/plans/" + plan + "/activate").then().statusCode(200);

            // delivered on the third attempt, about 1 + 2 s later (the test's backoff base is 1 s)
            await().atMost(Duration.ofSeconds(20)).until(() -> calls.get() >= 3);
            Received last = received.get(2);
            assertThat(received)
                    .extracting(r -> r.headers().get("delivery"))
                    .containsOnly(last.headers().get("delivery"));
            assertThat(last.headers().get("event")).isEqualTo("plan.activated");
            assertThat(last.headers().get("host"))
                    .isEqualTo("localhost:" + receiver.getAddress().getPort());
            JsonNode event = MessageCodec.mapper().readTree(last.body());
            assertThat(event.get("type").asText()).isEqualTo("plan.activated");
            assertThat(event.at("/data/planId").asText()).isEqualTo(plan);
            assertThat(event.at("/data/previousStatus").asText()).isEqualTo("DRAFT");
            long timestamp = Long.parseLong(last.headers().get("timestamp"));
            assertThat(timestamp)
                    .isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(60L));
            assertThat(last.headers().get("signature"))
                    .isEqualTo("sha256=" + Webhooks.signature(SECRET, timestamp, last.body()));

            JsonPath deliveries = await().atMost(Duration.ofSeconds(10))
                    .until(
                            () -> given().get("/api/v1/webhooks/" + subscription + "/deliveries")
                                    .then()
                                    .statusCode(200)
                                    .extract()
                                    .jsonPath(),
                            page -> "DELIVERED".equals(page.getString("items[0].state")));
            assertThat(deliveries.getInt("total")).isEqualTo(1);
            assertThat(deliveries.getList("items[0].attemptLog.status", Integer.class))
                    .containsExactly(503, 503, 204);
            assertThat(deliveries.getInt("items[0].attempts")).isEqualTo(3);
            assertThat(deliveries.getString("items[0].payload.type")).isEqualTo("plan.activated");
            String delivery = deliveries.getString("items[0].id");

            // an event the subscription does not name is not sent; one it names is
            given().contentType(ContentType.JSON)
                    .body("{\"reason\":\"maintenance\"}")
                    .post("/api/v1/plans/" + plan + "/suspend")
                    .then()
                    .statusCode(200);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> received.stream()
                            .anyMatch(r -> r.headers().get("event").equals("plan.suspended")
                                    && r.body().contains("maintenance")));

            // sent again on request: same delivery id, a new attempt
            given().post("/api/v1/webhooks/" + subscription + "/deliveries/" + delivery + "/redeliver")
                    .then()
                    .statusCode(202);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> received.stream()
                                    .filter(r -> r.headers().get("delivery").equals(delivery))
                                    .count()
                            == 4);
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> given().get("/api/v1/webhooks/" + subscription + "/deliveries")
                            .then()
                            .body("items.find { it.id == '" + delivery + "' }.attemptLog.size()", equalTo(4)));
            given().queryParam("resource", "webhook/" + subscription)
                    .get("/api/v1/audit")
                    .then()
                    .body("items.action", hasItem("webhook.create"))
                    .body("items[0].after.secret", org.hamcrest.Matchers.nullValue())
                    // viewers read the audit log: the URL's path (often the receiver's token) is not on record
                    .body(
                            "items.find { it.action == 'webhook.create' }.after.url",
                            equalTo("http://localhost:" + receiver.getAddress().getPort() + "/…"));

            given().delete("/api/v1/webhooks/" + subscription).then().statusCode(204);
            given().get("/api/v1/webhooks/" + subscription).then().statusCode(404);
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void internalTargetsBadSecretsAndUnknownEventTypesAreRefusedByField() throws IOException {
        JsonPath refused = given().contentType(ContentType.JSON)
                .body(Map.of(
                        "url", "http://169.254.169.254/latest/meta-data",
                        "secret", "short",
                        "eventTypes", List.of("plan.activated", "plan.exploded")))
                .post("/api/v1/webhooks")
                .then()
                .statusCode(422)
                .extract()
                .jsonPath();
        assertThat(refused.getList("errors.field")).contains("url", "secret", "eventTypes[1]");
        assertThat(refused.getString("errors.find { it.field == 'url' }.message"))
                .contains("internal address");
        for (String url : List.of("http://10.0.0.7/hook", "ftp://example.org/hook", "http://user:pw@127.0.0.1/x")) {
            given().contentType(ContentType.JSON)
                    .body(Map.of("url", url, "secret", SECRET))
                    .post("/api/v1/webhooks")
                    .then()
                    .statusCode(422)
                    .body("errors.field", hasItem("url"));
        }
    }

    private static String awaitCreated(String product, String firmwareId) {
        String body = "{\"name\":\"" + product + "\",\"productKey\":\"" + product + "\",\"firmwareId\":\"" + firmwareId
                + "\",\"mode\":\"SILENT\",\"timeZone\":\"UTC\"}";
        return await().atMost(Duration.ofSeconds(10))
                .until(
                        () -> given().contentType(ContentType.JSON)
                                .body(body)
                                .post("/api/v1/plans")
                                .then()
                                .extract(),
                        r -> r.statusCode() == 201)
                .path("id");
    }
}
