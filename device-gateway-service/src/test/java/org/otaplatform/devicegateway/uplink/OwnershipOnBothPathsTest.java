package org.otaplatform.devicegateway.uplink;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.otaplatform.common.reactive.SafeContext;
import org.otaplatform.contract.UplinkType;
import org.otaplatform.contract.codec.Decoded;
import org.otaplatform.contract.codec.MessageCodec;
import org.otaplatform.contract.message.UplinkMessage;
import org.otaplatform.contract.wire.ErrorCode;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.TestGateway;

/**
 * The same hostile reports ({@code version}, {@code ack}, {@code progress}) alone ({@link UplinkService}, which
 * gives them to {@link UplinkBatch} as a run of one) and in a run after a valid report ({@link UplinkBatch}):
 * each is refused with the same code both ways, and neither changes anything.
 */
@QuarkusTest
class OwnershipOnBothPathsTest {

    @Inject
    UplinkService oneByOne;

    @Inject
    UplinkBatch setBased;

    @Inject
    Pool pool;

    @Inject
    io.vertx.core.Vertx vertx;

    private String owner;
    private String other;
    private String product;

    /** {@code owner} has {@code -mine} bound and a task for it; {@code -moved} was moved to {@code other}. */
    @BeforeEach
    void fleet() {
        owner = "gw-paths-" + UUID.randomUUID().toString().substring(0, 6);
        other = owner + "-other";
        product = "paths-" + UUID.randomUUID().toString().substring(0, 6);
        given().contentType(ContentType.JSON)
                .body(Map.of("productKey", product, "name", "P", "nodeType", "SUB_DEVICE", "bindPolicy", "FIRST_CLAIM"))
                .post("/api/v1/products")
                .then()
                .statusCode(201);
        given().contentType(ContentType.JSON)
                .body(List.of(
                        Map.of("deviceKey", owner + "-mine"),
                        Map.of("deviceKey", owner + "-moved"),
                        Map.of("deviceKey", owner + "-free"),
                        Map.of("deviceKey", other + "-theirs")))
                .post("/api/v1/products/" + product + "/devices:import")
                .then()
                .statusCode(201);
        try (TestGateway a = TestGateway.connect(MqttBroker.shared(), owner);
                TestGateway b = TestGateway.connect(MqttBroker.shared(), other)) {
            a.publish(UplinkType.HELLO, hello(owner + "-mine", owner + "-moved"));
            b.publish(UplinkType.HELLO, hello(other + "-theirs"));
            for (String[] bound : new String[][] {{owner, owner + "-moved"}, {other, other + "-theirs"}}) {
                await().atMost(Duration.ofSeconds(10))
                        .untilAsserted(() -> given().get("/api/v1/devices/" + product + "/" + bound[1])
                                .then()
                                .body("gatewayId", equalTo(bound[0])));
            }
        }
        for (String[] task : new String[][] {
            {"t-mine-" + owner, owner, owner + "-mine"},
            {"t-moved-" + owner, owner, owner + "-moved"},
            {"t-theirs-" + owner, other, other + "-theirs"}
        }) {
            pool.preparedQuery("INSERT INTO gateway_task (task_id, gateway_id, product_key, device_key, state, command)"
                            + " VALUES ($1, $2, $3, $4, 'SENT', '\\x7b7d')")
                    .execute(Tuple.of(task[0], task[1], product, task[2]))
                    .await()
                    .indefinitely();
        }
        given().put("/api/v1/gateways/" + other + "/sub-devices/" + product + "/" + owner + "-moved")
                .then()
                .statusCode(200);
    }

    @Test
    void everyHostileReportIsRefusedWithTheSameCodeOnBothPaths() throws Exception {
        Map<String, ErrorCode> hostile = new java.util.LinkedHashMap<>();
        hostile.put(version(product, "nobody-" + owner), ErrorCode.UNKNOWN_DEVICE);
        hostile.put(version("no-such-product", owner + "-mine"), ErrorCode.UNKNOWN_DEVICE);
        hostile.put(version(product, other + "-theirs"), ErrorCode.NOT_OWNER);
        hostile.put(version(product, owner + "-free"), ErrorCode.NOT_OWNER);
        hostile.put(version(product, owner + "-moved"), ErrorCode.NOT_OWNER);
        hostile.put(ack("t-never-" + owner), ErrorCode.UNKNOWN_TASK);
        hostile.put(ack("t-theirs-" + owner), ErrorCode.UNKNOWN_TASK);
        hostile.put(ack("t-moved-" + owner), ErrorCode.NOT_OWNER);
        hostile.put(progress("t-theirs-" + owner, "SUCCEEDED"), ErrorCode.UNKNOWN_TASK);
        hostile.put(progress("t-moved-" + owner, "SUCCEEDED"), ErrorCode.NOT_OWNER);
        hostile.put(progress("t-moved-" + owner, "DOWNLOADING"), ErrorCode.NOT_OWNER);
        long[] before = snapshot();

        for (var entry : hostile.entrySet()) {
            UplinkMessage alone = decode(entry.getKey());
            UplinkMessage inRun = decode(entry.getKey().replace("\"msgId\":\"", "\"msgId\":\"run-"));
            UplinkMessage valid = decode(version(product, owner + "-mine"));
            assertThat(refusal(() -> oneByOne.handle(owner, alone)))
                    .as("one by one: %s", entry.getKey())
                    .isEqualTo(entry.getValue());
            assertThat(refusal(() -> Panache.withTransaction(() -> setBased.reports(
                            List.of(new UplinkBatch.Report(owner, valid), new UplinkBatch.Report(owner, inRun))))))
                    .as("set-based, after a valid report in the same run: %s", entry.getKey())
                    .isEqualTo(entry.getValue());
        }

        assertThat(snapshot()).as("nothing changed on either path").isEqualTo(before);
    }

    /** The code the work was refused with; null when it was applied. */
    private ErrorCode refusal(Supplier<Uni<Void>> work) throws Exception {
        CompletableFuture<ErrorCode> outcome = new CompletableFuture<>();
        SafeContext.run(vertx, () -> work.get().map(v -> (ErrorCode) null), outcome::complete, failure -> {
            if (failure instanceof Refusal refusal) {
                outcome.complete(refusal.code());
            } else {
                outcome.completeExceptionally(failure);
            }
        });
        return outcome.get(30, TimeUnit.SECONDS);
    }

    private static UplinkMessage decode(String json) {
        UplinkType type = json.contains("\"accept\"")
                ? UplinkType.ACK
                : json.contains("\"state\"") ? UplinkType.PROGRESS : UplinkType.VERSION;
        Decoded<UplinkMessage> decoded =
                MessageCodec.decodeUplink(type, json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return ((Decoded.Valid<UplinkMessage>) decoded).message();
    }

    private String hello(String... keys) {
        StringBuilder devices = new StringBuilder();
        for (String key : keys) {
            devices.append(devices.length() == 0 ? "" : ",")
                    .append("{\"productKey\":\"")
                    .append(product)
                    .append("\",\"deviceKey\":\"")
                    .append(key)
                    .append("\",\"version\":\"1.0\",\"online\":true}");
        }
        return "{\"msgId\":\"" + msg() + "\",\"ts\":1,\"gateway\":{\"productKey\":\"zb-gw\",\"version\":\"1\"},"
                + "\"subDevices\":[" + devices + "]}";
    }

    private static String version(String productKey, String deviceKey) {
        return "{\"msgId\":\"" + msg() + "\",\"ts\":1,\"productKey\":\"" + productKey + "\",\"deviceKey\":\""
                + deviceKey + "\",\"version\":\"6.6.6\"}";
    }

    private static String ack(String taskId) {
        return "{\"msgId\":\"" + msg() + "\",\"ts\":1,\"taskId\":\"" + taskId + "\",\"accept\":true}";
    }

    private static String progress(String taskId, String state) {
        return "{\"msgId\":\"" + msg() + "\",\"ts\":1,\"taskId\":\"" + taskId + "\",\"state\":\"" + state + "\""
                + ("SUCCEEDED".equals(state) ? ",\"version\":\"6.6.6\"" : "") + "}";
    }

    private static String msg() {
        return "m-" + UUID.randomUUID().toString().substring(0, 12);
    }

    private long[] snapshot() {
        return new long[] {
            count("SELECT count(*) FROM uplink_seen"),
            count("SELECT coalesce(sum(seq), 0) FROM sub_device"),
            count("SELECT count(*) FROM sub_device WHERE version = '6.6.6'"),
            count("SELECT count(*) FROM gateway_task WHERE state <> 'SENT'"),
            count("SELECT count(*) FROM outbox_message")
        };
    }

    private long count(String sql) {
        return pool.query(sql)
                .execute()
                .await()
                .indefinitely()
                .iterator()
                .next()
                .getLong(0);
    }
}
