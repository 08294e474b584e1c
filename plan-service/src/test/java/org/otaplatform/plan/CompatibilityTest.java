package org.otaplatform.plan;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.internal.DeviceAttributeStates;
import org.otaplatform.contract.internal.FirmwareEvent;
import org.otaplatform.contract.wire.FirmwareType;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.TestMqttClient;

/**
 * Package compatibility (REST API, "Firmware compatibility"): a package that names hardware revisions goes only
 * to devices of those revisions, to devices of unknown revision only with {@code unknownHardware: ALLOW}; the
 * others are counted as {@code incompatible}, never pushed or answered, never failures, and the plan finishes
 * without them. A plan's packages share one hardware rule.
 */
@QuarkusTest
class CompatibilityTest {

    private static final AtomicLong SEQ = new AtomicLong(70_000);

    @Inject
    Pool pool;

    private static String key(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private String firmware(
            TestMqttClient bus, String product, String type, String source, List<String> revisions, String unknown) {
        String id = UUID.randomUUID().toString();
        Fixtures.publish(
                bus,
                InternalTopics.FIRMWARE_EVENTS,
                FirmwareEvent.CREATED,
                new FirmwareEvent(
                        id,
                        product,
                        "2.0.0",
                        FirmwareType.valueOf(type),
                        source,
                        2048,
                        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                        "c2ln",
                        "k1",
                        "UNVERIFIED",
                        null,
                        revisions,
                        unknown));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Fixtures.count(
                                pool, "SELECT count(*) FROM firmware_view WHERE firmware_id = CAST($1 AS uuid)", id)
                        == 1);
        return id;
    }

    /** Devices on 1.0.0: a1 of revision A1, b1 and b2 of B2, u1 of unknown revision. */
    private void fleet(TestMqttClient bus, String sp, String gw) {
        Fixtures.gateway(bus, gw, true, SEQ.incrementAndGet());
        for (String d : List.of("a1", "b1", "b2", "u1")) {
            Fixtures.device(bus, sp, d, gw, "1.0.0", SEQ.incrementAndGet());
        }
        Fixtures.publish(
                bus,
                InternalTopics.DEVICE_EVENTS,
                DeviceAttributeStates.TYPE,
                new DeviceAttributeStates(List.of(
                        new DeviceAttributeStates.Entry(sp, "a1", "A1", Map.of(), SEQ.incrementAndGet()),
                        new DeviceAttributeStates.Entry(sp, "b1", "B2", Map.of(), SEQ.incrementAndGet()),
                        new DeviceAttributeStates.Entry(sp, "b2", "B2", Map.of("site", "x"), SEQ.incrementAndGet()))));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Fixtures.count(pool, "SELECT count(*) FROM device_view WHERE product_key = $1", sp) == 4
                        && Fixtures.count(
                                        pool, "SELECT count(*) FROM device_attributes_view WHERE product_key = $1", sp)
                                == 3);
    }

    private static List<String> upgraded(TestMqttClient bus, String product) {
        return Fixtures.commands(bus, "gateway.upgrade", product).stream()
                .map(c -> c.get("deviceKey").asText())
                .sorted()
                .toList();
    }

    @Test
    void aPackageGoesOnlyToTheHardwareItFits() {
        String sp = key("cmp");
        String gw = sp + "-gw";
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            fleet(bus, sp, gw);
            String fw = firmware(bus, sp, "FULL", null, List.of("B2"), "REFUSE");
            String plan = Fixtures.activeSilentPlan(sp, fw, ",\"maxConcurrentPerGateway\":10");

            await().atMost(Duration.ofSeconds(15)).until(() -> upgraded(bus, sp).size() == 2);
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> upgraded(bus, sp).equals(List.of("b1", "b2")));
            given().get("/api/v1/plans/" + plan)
                    .then()
                    .body("stats.targeted", equalTo(4))
                    .body("stats.incompatible", equalTo(2))
                    .body("stats.failed", equalTo(0));

            // a device of another revision asks itself: no upgrade
            Fixtures.report(
                    bus, new org.otaplatform.contract.internal.GatewayUplink.Request(gw, "ask-a1", sp, "a1", "1.0.0"));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Fixtures.commands(bus, "gateway.reply", sp).stream()
                            .anyMatch(r -> r.path("inReplyTo").asText().equals("ask-a1")
                                    && r.path("result").asText().equals("NO_UPGRADE")));

            for (JsonNode c : Fixtures.commands(bus, "gateway.upgrade", sp)) {
                Fixtures.report(
                        bus,
                        new org.otaplatform.contract.internal.GatewayUplink.Progress(
                                gw,
                                "ok-" + c.get("deviceKey").asText(),
                                c.get("taskId").asText(),
                                "SUCCEEDED",
                                100,
                                "2.0.0",
                                null,
                                null));
            }
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(
                            () -> given().get("/api/v1/plans/" + plan).then().body("status", equalTo("FINISHED")));
            assertThat(Fixtures.count(
                            pool,
                            "SELECT count(*) FROM upgrade_task WHERE product_key = $1 AND device_key IN ('a1', 'u1')",
                            sp))
                    .isZero();
            // the device's history keeps the revision it had when its task was created
            given().get("/api/v1/devices/" + sp + "/b1/history")
                    .then()
                    .statusCode(200)
                    .body("items[0].hardwareRevision", equalTo("B2"))
                    .body("items[0].toVersion", equalTo("2.0.0"));
        }
    }

    @Test
    void aChangedCompatibilityIsWhatLaterPlansGoBy() {
        String sp = key("cmc");
        String gw = sp + "-gw";
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            fleet(bus, sp, gw);
            String fw = firmware(bus, sp, "FULL", null, List.of("B2"), "REFUSE");
            Fixtures.publish(
                    bus,
                    InternalTopics.FIRMWARE_EVENTS,
                    FirmwareEvent.COMPATIBILITY_CHANGED,
                    event(fw, sp, "UNVERIFIED", List.of("A1", "B2")));
            // a verification change sent before the compatibility change, delivered after it, keeps to its own field
            Fixtures.publish(
                    bus,
                    InternalTopics.FIRMWARE_EVENTS,
                    FirmwareEvent.VERIFICATION_CHANGED,
                    event(fw, sp, "VERIFIED", List.of("B2")));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Fixtures.count(
                                    pool,
                                    "SELECT count(*) FROM firmware_view WHERE firmware_id = CAST($1 AS uuid)"
                                            + " AND verification = 'VERIFIED' AND hardware_revisions = '{A1,B2}'",
                                    fw)
                            == 1);

            String plan = Fixtures.activeSilentPlan(sp, fw, ",\"maxConcurrentPerGateway\":10");

            await().atMost(Duration.ofSeconds(15)).until(() -> upgraded(bus, sp).size() == 3);
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> upgraded(bus, sp).equals(List.of("a1", "b1", "b2")));
            given().get("/api/v1/plans/" + plan).then().body("stats.incompatible", equalTo(1));
        }
    }

    private static FirmwareEvent event(String id, String product, String verification, List<String> revisions) {
        return new FirmwareEvent(
                id,
                product,
                "2.0.0",
                FirmwareType.FULL,
                null,
                2048,
                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                "c2ln",
                "k1",
                verification,
                null,
                revisions,
                "REFUSE");
    }

    @Test
    void unknownHardwareMayBeAllowedAndAPlansPackagesShareOneRule() {
        String sp = key("cmu");
        String gw = sp + "-gw";
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            fleet(bus, sp, gw);
            String full = firmware(bus, sp, "FULL", null, List.of("B2"), "ALLOW");
            String delta = firmware(bus, sp, "DELTA", "1.0.0", List.of("A1", "B2"), "ALLOW");
            given().contentType(ContentType.JSON)
                    .body("{\"name\":\"" + sp + "\",\"productKey\":\"" + sp + "\",\"firmwareId\":\"" + full
                            + "\",\"firmwareIds\":[\"" + full + "\",\"" + delta + "\"],\"mode\":\"SILENT\","
                            + "\"timeZone\":\"UTC\"}")
                    .post("/api/v1/plans")
                    .then()
                    .statusCode(422)
                    .body("errors[0].field", equalTo("firmwareIds[1]"))
                    .body("errors[0].message", containsString("supports hardware"));

            String plan = Fixtures.activeSilentPlan(sp, full, ",\"maxConcurrentPerGateway\":10");
            await().atMost(Duration.ofSeconds(15)).until(() -> upgraded(bus, sp).equals(List.of("b1", "b2", "u1")));
            given().get("/api/v1/plans/" + plan).then().body("stats.incompatible", equalTo(1));
        }
    }

    /**
     * Holds: a device on hold and the sub-devices of a gateway on hold are never pushed, counted as onHold; a
     * released device goes out.
     */
    @Test
    void noPlanTouchesADeviceOrAGatewayOnHold() {
        String sp = key("hld");
        String gp = sp + "-gwp";
        String gw1 = sp + "-g1";
        String gw2 = sp + "-g2";
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            for (String gw : List.of(gw1, gw2)) {
                Fixtures.publish(
                        bus,
                        InternalTopics.DEVICE_EVENTS,
                        org.otaplatform.contract.internal.GatewayState.TYPE,
                        new org.otaplatform.contract.internal.GatewayState(
                                gw, true, SEQ.incrementAndGet(), gp, "1.0.0"));
            }
            Fixtures.device(bus, sp, "a1", gw1, "1.0.0", SEQ.incrementAndGet());
            Fixtures.device(bus, sp, "b1", gw1, "1.0.0", SEQ.incrementAndGet());
            Fixtures.device(bus, sp, "c1", gw2, "1.0.0", SEQ.incrementAndGet());
            Fixtures.device(bus, sp, "c2", gw2, "1.0.0", SEQ.incrementAndGet());
            Fixtures.publish(
                    bus,
                    InternalTopics.DEVICE_EVENTS,
                    DeviceAttributeStates.TYPE,
                    new DeviceAttributeStates(List.of(
                            new DeviceAttributeStates.Entry(
                                    sp, "b1", null, Map.of(), SEQ.incrementAndGet(), "lab unit"),
                            new DeviceAttributeStates.Entry(
                                    gp, gw2, null, Map.of(), SEQ.incrementAndGet(), "customer dispute"))));
            await().atMost(Duration.ofSeconds(10))
                    .until(() ->
                            Fixtures.count(pool, "SELECT count(*) FROM device_view WHERE product_key = $1", sp) == 4
                                    && Fixtures.count(
                                                    pool,
                                                    "SELECT count(*) FROM device_attributes_view WHERE hold_reason IS NOT NULL"
                                                            + " AND device_key IN ('b1', $1)",
                                                    gw2)
                                            == 2
                                    && Fixtures.count(
                                                    pool,
                                                    "SELECT count(*) FROM gateway_view WHERE gateway_id = $1 AND product_key = $2",
                                                    gw2,
                                                    gp)
                                            == 1);
            String fw = firmware(bus, sp, "FULL", null, List.of(), null);
            String plan = Fixtures.activeSilentPlan(sp, fw, ",\"maxConcurrentPerGateway\":10");

            await().atMost(Duration.ofSeconds(15)).until(() -> upgraded(bus, sp).size() == 1);
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> upgraded(bus, sp).equals(List.of("a1")));
            given().get("/api/v1/plans/" + plan).then().body("stats.onHold", equalTo(3));

            // b1 released: it goes out; the held gateway's devices still wait
            Fixtures.publish(
                    bus,
                    InternalTopics.DEVICE_EVENTS,
                    DeviceAttributeStates.TYPE,
                    new DeviceAttributeStates(List.of(
                            new DeviceAttributeStates.Entry(sp, "b1", null, Map.of(), SEQ.incrementAndGet(), null))));
            await().atMost(Duration.ofSeconds(15)).until(() -> upgraded(bus, sp).equals(List.of("a1", "b1")));
            given().get("/api/v1/plans/" + plan).then().body("stats.onHold", equalTo(2));
        }
    }
}
