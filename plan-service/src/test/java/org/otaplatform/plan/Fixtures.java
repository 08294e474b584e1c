package org.otaplatform.plan;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.codec.MessageCodec;
import org.otaplatform.contract.internal.DeviceState;
import org.otaplatform.contract.internal.FirmwareEvent;
import org.otaplatform.contract.internal.GatewayState;
import org.otaplatform.contract.internal.GatewayUplink;
import org.otaplatform.contract.internal.InternalMessage;
import org.otaplatform.contract.wire.FirmwareType;
import org.otaplatform.testkit.TestMqttClient;

/** What plan-service's tests play of the other services: their events on the internal topics. */
public final class Fixtures {

    private Fixtures() {}

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static void publish(TestMqttClient bus, String topic, String type, Object data) {
        bus.publish(
                topic,
                InternalMessage.of(type, "test", System.currentTimeMillis(), data)
                        .encode());
    }

    /** A sub-device's state as device-gateway-service announces it. */
    public static void device(TestMqttClient bus, DeviceState state) {
        publish(bus, InternalTopics.DEVICE_EVENTS, DeviceState.TYPE, state);
    }

    /** An attached, online sub-device of gateway {@code gw} running {@code version} (sequence {@code seq}). */
    public static void device(TestMqttClient bus, String product, String key, String gw, String version, long seq) {
        device(bus, new DeviceState(product, key, gw, true, version, "ATTACHED", seq));
    }

    /** A gateway's progress report as device-gateway-service forwards it. */
    public static void report(TestMqttClient bus, GatewayUplink.Progress progress) {
        publish(bus, InternalTopics.GATEWAY_UPLINK, GatewayUplink.Progress.TYPE, progress);
    }

    /** A gateway's upgrade request as device-gateway-service forwards it. */
    public static void report(TestMqttClient bus, GatewayUplink.Request request) {
        publish(bus, InternalTopics.GATEWAY_UPLINK, GatewayUplink.Request.TYPE, request);
    }

    /** Waits until plan-service's views hold the product's {@code devices} sub-devices and its one package. */
    public static void awaitViews(io.vertx.mutiny.sqlclient.Pool pool, String product, int devices) {
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .until(() -> count(pool, "SELECT count(*) FROM device_view WHERE product_key = $1", product) == devices
                        && count(pool, "SELECT count(*) FROM firmware_view WHERE product_key = $1", product) == 1);
    }

    private static final java.util.concurrent.atomic.AtomicLong ATTRIBUTE_SEQ =
            new java.util.concurrent.atomic.AtomicLong(System.currentTimeMillis());

    /**
     * The registry marks these devices of {@code product} test devices (revision {@code revision}, no tags), and
     * plan-service's view shows them so.
     */
    public static void testDevices(
            io.vertx.mutiny.sqlclient.Pool pool, TestMqttClient bus, String product, String revision, String... keys) {
        List<org.otaplatform.contract.internal.DeviceAttributeStates.Entry> entries = new java.util.ArrayList<>();
        for (String key : keys) {
            entries.add(new org.otaplatform.contract.internal.DeviceAttributeStates.Entry(
                    product, key, revision, java.util.Map.of(), ATTRIBUTE_SEQ.incrementAndGet(), null, true));
        }
        publish(
                bus,
                InternalTopics.DEVICE_EVENTS,
                org.otaplatform.contract.internal.DeviceAttributeStates.TYPE,
                new org.otaplatform.contract.internal.DeviceAttributeStates(entries));
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .until(() -> count(
                                pool,
                                "SELECT count(*) FROM device_attributes_view WHERE product_key = $1"
                                        + " AND test_device AND device_key = ANY($2)",
                                product,
                                keys)
                        == keys.length);
    }

    public static void gateway(TestMqttClient bus, String gatewayId, boolean online, long seq) {
        publish(bus, InternalTopics.DEVICE_EVENTS, GatewayState.TYPE, new GatewayState(gatewayId, online, seq));
    }

    /** A full package of the product to {@code version}, announced by firmware-service; its id. */
    public static String firmware(TestMqttClient bus, String product, String version, String verification) {
        return firmware(bus, product, version, null, verification);
    }

    /** A DELTA package of the product from {@code source} to {@code version}; its id. */
    public static String delta(TestMqttClient bus, String product, String version, String source) {
        return firmware(bus, product, version, source, "UNVERIFIED");
    }

    private static String firmware(
            TestMqttClient bus, String product, String version, String deltaFrom, String verification) {
        String firmwareId = UUID.randomUUID().toString();
        publish(
                bus,
                InternalTopics.FIRMWARE_EVENTS,
                FirmwareEvent.CREATED,
                new FirmwareEvent(
                        firmwareId,
                        product,
                        version,
                        deltaFrom == null ? FirmwareType.FULL : FirmwareType.DELTA,
                        deltaFrom,
                        2048,
                        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                        "c2ln",
                        "k1",
                        verification));
        return firmwareId;
    }

    /** Creates and activates a silent plan of the product to the firmware, with {@code extra} JSON fields. */
    public static String activeSilentPlan(String product, String firmwareId, String extra) {
        String plan =
                "{\"name\":\"" + product + "-" + UUID.randomUUID().toString().substring(0, 4)
                        + "\",\"productKey\":\"" + product + "\",\"firmwareId\":\"" + firmwareId
                        + "\",\"mode\":\"SILENT\",\"timeZone\":\"UTC\"" + extra + "}";
        return activated(plan);
    }

    /** Creates the plan and activates it; its id. */
    public static String activated(String planJson) {
        String id = given().contentType(ContentType.JSON)
                .body(planJson)
                .post("/api/v1/plans")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        given().post("/api/v1/plans/" + id + "/activate").then().statusCode(200);
        return id;
    }

    /** A single count from the service's database. */
    public static long count(io.vertx.mutiny.sqlclient.Pool pool, String sql, Object... params) {
        return pool.preparedQuery(sql)
                .execute(io.vertx.mutiny.sqlclient.Tuple.from(params))
                .await()
                .indefinitely()
                .iterator()
                .next()
                .getLong(0);
    }

    /**
     * The commands of {@code type} (e.g. {@code gateway.upgrade}) for the product's devices seen on the bus (any
     * product's: {@code product} null).
     */
    public static List<JsonNode> commands(TestMqttClient bus, String type, String product) {
        return bus.received().stream()
                .map(m -> {
                    try {
                        return MessageCodec.mapper().readTree(m.payload());
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .filter(n -> type.equals(n.path("type").asText())
                        && (product == null
                                || !n.path("data").has("productKey")
                                || n.path("data").path("productKey").asText().equals(product)))
                .map(n -> n.get("data"))
                .toList();
    }
}
