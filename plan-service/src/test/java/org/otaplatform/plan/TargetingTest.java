package org.otaplatform.plan;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
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
import org.otaplatform.contract.internal.ProductState;
import org.otaplatform.contract.wire.FirmwareType;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.TestMqttClient;

/**
 * Fleet targeting (REST API, "Fleet targeting"): groups, static and dynamic, with their counts and members; a
 * preview that counts exactly what activation chooses; plans that target a filter and groups, FROZEN (the devices
 * that matched at activation, no others) or DYNAMIC (devices that come to match join); activation refused when the
 * packages fit none of the targeted devices; and every bad input a 422 or 409 naming what is wrong.
 */
@QuarkusTest
class TargetingTest {

    private static final AtomicLong SEQ = new AtomicLong(90_000);

    @Inject
    Pool pool;

    private static String key(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private String firmware(TestMqttClient bus, String product, List<String> revisions) {
        String id = UUID.randomUUID().toString();
        Fixtures.publish(
                bus,
                InternalTopics.FIRMWARE_EVENTS,
                FirmwareEvent.CREATED,
                new FirmwareEvent(
                        id,
                        product,
                        "2.0.0",
                        FirmwareType.FULL,
                        null,
                        2048,
                        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                        "c2ln",
                        "k1",
                        "UNVERIFIED",
                        null,
                        revisions,
                        "REFUSE"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Fixtures.count(
                                pool, "SELECT count(*) FROM firmware_view WHERE firmware_id = CAST($1 AS uuid)", id)
                        == 1);
        return id;
    }

    /** A device's attributes: its revision and tags, as device-gateway-service announces them. */
    private static DeviceAttributeStates.Entry attrs(
            String sp, String device, String revision, Map<String, String> tags) {
        return new DeviceAttributeStates.Entry(sp, device, revision, tags, SEQ.incrementAndGet());
    }

    /**
     * A SemVer product with six devices on 1.0.0 behind one gateway: d1, d2, d6 of revision A in Hamburg, d3 of A in
     * Berlin, d4 of B in Hamburg, d5 of unknown revision without tags.
     */
    private void fleet(TestMqttClient bus, String sp, String gw) {
        Fixtures.publish(
                bus,
                InternalTopics.DEVICE_EVENTS,
                ProductState.TYPE,
                new ProductState(sp, "SUB_DEVICE", "SEMVER", false, SEQ.incrementAndGet()));
        Fixtures.gateway(bus, gw, true, SEQ.incrementAndGet());
        for (String d : List.of("d1", "d2", "d3", "d4", "d5", "d6")) {
            Fixtures.device(bus, sp, d, gw, "1.0.0", SEQ.incrementAndGet());
        }
        Map<String, String> hamburg = Map.of("site", "hamburg");
        Fixtures.publish(
                bus,
                InternalTopics.DEVICE_EVENTS,
                DeviceAttributeStates.TYPE,
                new DeviceAttributeStates(List.of(
                        attrs(sp, "d1", "A", hamburg),
                        attrs(sp, "d2", "A", hamburg),
                        attrs(sp, "d3", "A", Map.of("site", "berlin")),
                        attrs(sp, "d4", "B", hamburg),
                        attrs(sp, "d6", "A", hamburg))));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Fixtures.count(pool, "SELECT count(*) FROM device_view WHERE product_key = $1", sp) == 6
                        && Fixtures.count(
                                        pool, "SELECT count(*) FROM device_attributes_view WHERE product_key = $1", sp)
                                == 5
                        && Fixtures.count(pool, "SELECT count(*) FROM product_view WHERE product_key = $1", sp) == 1);
    }

    private static List<String> upgraded(TestMqttClient bus, String product) {
        return Fixtures.commands(bus, "gateway.upgrade", product).stream()
                .map(c -> c.get("deviceKey").asText())
                .sorted()
                .toList();
    }

    private static String plan(String sp, String fw, String extra) {
        return "{\"name\":\"" + sp + "-" + UUID.randomUUID().toString().substring(0, 4) + "\",\"productKey\":\"" + sp
                + "\",\"firmwareId\":\"" + fw + "\",\"mode\":\"SILENT\",\"timeZone\":\"UTC\","
                + "\"maxConcurrentPerGateway\":10" + extra + "}";
    }

    private static String created(String body) {
        return given().contentType(ContentType.JSON)
                .body(body)
                .post("/api/v1/plans")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    private static void group(String name, String sp, String filter, String kind, int count) {
        given().contentType(ContentType.JSON)
                .body(Map.of("name", name, "productKey", sp, "filter", filter, "kind", kind))
                .post("/api/v1/groups")
                .then()
                .statusCode(201)
                .body("count", equalTo(count))
                .body("kind", equalTo(kind));
    }

    @Test
    void groupsCountTheirDevicesAndRefuseBadInput() {
        String sp = key("grp");
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            fleet(bus, sp, sp + "-gw");
            String hamburg = sp + "-hh";
            String revA = sp + "-a";
            group(hamburg, sp, "tag.site==hamburg", "STATIC", 4);
            group(revA, sp, "hardwareRevision==A", "DYNAMIC", 4);

            given().get("/api/v1/groups/" + hamburg + "/devices")
                    .then()
                    .statusCode(200)
                    .body("total", equalTo(4))
                    .body("items.deviceKey", equalTo(List.of("d1", "d2", "d4", "d6")))
                    .body("items[0].hardwareRevision", equalTo("A"))
                    .body("items[0].tags.site", equalTo("hamburg"));
            given().queryParam("productKey", sp)
                    .get("/api/v1/groups")
                    .then()
                    .statusCode(200)
                    .body("name", equalTo(List.of(revA, hamburg)));

            // a static group is what matched at creation; its members change by key only
            Fixtures.publish(
                    bus,
                    InternalTopics.DEVICE_EVENTS,
                    DeviceAttributeStates.TYPE,
                    new DeviceAttributeStates(List.of(attrs(sp, "d5", "A", Map.of("site", "hamburg")))));
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(
                            () -> given().get("/api/v1/groups/" + revA).then().body("count", equalTo(5)));
            given().get("/api/v1/groups/" + hamburg).then().body("count", equalTo(4));
            given().contentType(ContentType.JSON)
                    .body(Map.of("add", List.of("d5", "d3"), "remove", List.of("d1")))
                    .post("/api/v1/groups/" + hamburg + "/members")
                    .then()
                    .statusCode(200)
                    .body("added", equalTo(2))
                    .body("removed", equalTo(1))
                    .body("count", equalTo(5));
            given().contentType(ContentType.JSON)
                    .body(Map.of("add", List.of("d1")))
                    .post("/api/v1/groups/" + revA + "/members")
                    .then()
                    .statusCode(409)
                    .body("detail", containsString("DYNAMIC"));

            // bad input: each names its field, and nothing is created
            given().contentType(ContentType.JSON)
                    .body(Map.of("name", hamburg, "productKey", sp, "filter", "online==true", "kind", "STATIC"))
                    .post("/api/v1/groups")
                    .then()
                    .statusCode(422)
                    .body("errors[0].field", equalTo("name"))
                    .body("errors[0].message", containsString("taken"));
            given().contentType(ContentType.JSON)
                    .body(Map.of("name", sp + "-bad", "productKey", sp, "filter", "tag.site=hamburg", "kind", "STATIC"))
                    .post("/api/v1/groups")
                    .then()
                    .statusCode(422)
                    .body("errors[0].field", equalTo("filter"))
                    .body("errors[0].message", containsString("position"));
            given().contentType(ContentType.JSON)
                    .body(Map.of("name", sp + "-bad", "productKey", sp, "filter", "name==x*", "kind", "DYNAMIC"))
                    .post("/api/v1/groups")
                    .then()
                    .statusCode(422)
                    .body("errors[0].field", equalTo("filter"))
                    .body("errors[0].message", containsString("cannot be filtered on"));
            given().contentType(ContentType.JSON)
                    .body(Map.of(
                            "name", sp + "-bad", "productKey", "nope-" + sp, "filter", "online==true", "kind", "X"))
                    .post("/api/v1/groups")
                    .then()
                    .statusCode(422)
                    .body("errors.field", equalTo(List.of("kind")));
            given().get("/api/v1/groups/" + sp + "-bad").then().statusCode(404);
            assertThat(Fixtures.count(pool, "SELECT count(*) FROM device_group WHERE product_key = $1", sp))
                    .isEqualTo(2);
            assertThat(Fixtures.count(pool, "SELECT count(*) FROM audit_log WHERE resource = $1", "group/" + hamburg))
                    .isEqualTo(2);
        }
    }

    @Test
    void thePreviewCountsWhatActivationChoosesAndAFrozenPlanKeepsIt() {
        String sp = key("frz");
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            fleet(bus, sp, sp + "-gw");
            String fw = firmware(bus, sp, List.of("A"));
            String body = plan(sp, fw, ",\"target\":{\"filter\":\"tag.site==hamburg\"}");

            JsonPath preview = given().urlEncodingEnabled(false)
                    .contentType(ContentType.JSON)
                    .body(body)
                    .post("/api/v1/plans:preview")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            assertThat(preview.getInt("targeted")).isEqualTo(4);
            assertThat(preview.getInt("incompatible")).isEqualTo(1);
            assertThat(preview.getInt("willUpgrade")).isEqualTo(3);
            assertThat(preview.getInt("productDevices")).isEqualTo(6);
            assertThat(preview.getList("sample.deviceKey")).containsExactly("d1", "d2", "d6");
            assertThat(preview.getList("leftAlone.deviceKey")).containsExactly("d4");
            assertThat(preview.getList("leftAlone.reason")).containsExactly("INCOMPATIBLE");
            assertThat(Fixtures.count(pool, "SELECT count(*) FROM plan WHERE product_key = $1", sp))
                    .isZero();

            String plan = created(body);
            given().get("/api/v1/plans/" + plan + "/preview")
                    .then()
                    .statusCode(200)
                    .body("willUpgrade", equalTo(3));
            given().post("/api/v1/plans/" + plan + "/activate").then().statusCode(200);
            given().get("/api/v1/plans/" + plan)
                    .then()
                    .body("target.filter", equalTo("tag.site==hamburg"))
                    .body("membership", equalTo("FROZEN"))
                    .body("targetRecorded.matched", equalTo(4))
                    .body("targetRecorded.membership", equalTo("FROZEN"));
            await().atMost(Duration.ofSeconds(15)).until(() -> upgraded(bus, sp).equals(List.of("d1", "d2", "d6")));

            // d3 comes to match after activation: a frozen plan never touches it
            Fixtures.publish(
                    bus,
                    InternalTopics.DEVICE_EVENTS,
                    DeviceAttributeStates.TYPE,
                    new DeviceAttributeStates(List.of(attrs(sp, "d3", "A", Map.of("site", "hamburg")))));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Fixtures.count(
                                    pool,
                                    "SELECT count(*) FROM device_attributes_view WHERE product_key = $1"
                                            + " AND device_key = 'd3' AND tags ->> 'site' = 'hamburg'",
                                    sp)
                            == 1);
            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(4))
                    .until(() -> upgraded(bus, sp).equals(List.of("d1", "d2", "d6")));
            given().get("/api/v1/plans/" + plan)
                    .then()
                    .body("stats.targeted", equalTo(4))
                    .body("stats.incompatible", equalTo(1));
            given().get("/api/v1/plans/" + plan + "/preview").then().body("targeted", equalTo(4));
        }
    }

    @Test
    void aWaveTakesTheDevicesItsFilterMatchesAndTheRestFollow() {
        String sp = key("wvf");
        String gw = sp + "-gw";
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            fleet(bus, sp, gw);
            String fw = firmware(bus, sp, List.of());
            String body = plan(
                    sp,
                    fw,
                    ",\"waves\":[{\"name\":\"berlin first\",\"filter\":\"tag.site==berlin,hardwareRevision==B\"},"
                            + "{\"name\":\"rest\"}]");

            JsonPath preview = given().urlEncodingEnabled(false)
                    .contentType(ContentType.JSON)
                    .body(body)
                    .post("/api/v1/plans:preview")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            assertThat(preview.getList("byWave.devices", Integer.class)).containsExactly(2, 4);

            String plan = created(body);
            given().post("/api/v1/plans/" + plan + "/activate").then().statusCode(200);
            // the filter's devices first, and no other while their wave runs
            await().atMost(Duration.ofSeconds(15)).until(() -> upgraded(bus, sp).equals(List.of("d3", "d4")));
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> upgraded(bus, sp).equals(List.of("d3", "d4")));
            given().get("/api/v1/plans/" + plan + "/waves")
                    .then()
                    .statusCode(200)
                    .body("[0].filter", equalTo("tag.site==berlin,hardwareRevision==B"))
                    .body("[0].members", equalTo(2))
                    .body("[0].quota", org.hamcrest.Matchers.nullValue());
            given().get("/api/v1/plans/" + plan + "/preview").then().body("byWave.devices", equalTo(List.of(2, 4)));
            // d1 comes to match the filter after activation: the waves were recorded then, it stays in the rest
            Fixtures.publish(
                    bus,
                    InternalTopics.DEVICE_EVENTS,
                    DeviceAttributeStates.TYPE,
                    new DeviceAttributeStates(List.of(attrs(sp, "d1", "B", Map.of("site", "hamburg")))));

            for (var c : Fixtures.commands(bus, "gateway.upgrade", sp)) {
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
            // the wave passes; the rest takes every other device
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> upgraded(bus, sp).equals(List.of("d1", "d2", "d3", "d4", "d5", "d6")));
            given().get("/api/v1/plans/" + plan + "/waves")
                    .then()
                    .body("state", equalTo(List.of("PASSED", "RUNNING")))
                    .body("[1].members", equalTo(4));
        }
    }

    @Test
    void aBadWaveFilterIsNamed() {
        String sp = key("wvb");
        try (TestMqttClient bus = TestMqttClient.connect(MqttBroker.shared())) {
            fleet(bus, sp, sp + "-gw");
            String fw = firmware(bus, sp, List.of());
            given().contentType(ContentType.JSON)
                    .body(plan(sp, fw, ",\"waves\":[{\"filter\":\"tag.site=berlin\"},{}]"))
                    .post("/api/v1/plans")
                    .then()
                    .statusCode(422)
                    .body("errors[0].field", equalTo("waves[0].filter"))
                    .body("errors[0].message", containsString("position"));
            given().contentType(ContentType.JSON)
                    .body(plan(sp, fw, ",\"waves\":[{\"filter\":\"online==true\",\"percent\":10},{}]"))
                    .post("/api/v1/plans")
                    .then()
                    .statusCode(422)
                    .body("errors[0].field", equalTo("waves[0]"));
            // a field plan-service cannot filter on: named at preview and at activation, nothing recorded
            String plan = created(plan(sp, fw, ",\"waves\":[{\"filter\":\"name==x*\"},{}]"));
            given().get("/api/v1/plans/" + plan + "/preview")
                    .then()
                    .statusCode(422)
                    .body("errors[0].field", equalTo("waves[0].filter"));
            given().post("/api/v1/plans/" + plan + "/activate")
                    .then()
                    .statusCode(422)
                    .body("errors[0].field", equalTo("waves[0].filter"));
            given().get("/api/v1/plans/" + plan).then().body("status", equalTo("DRAFT"));
            assertThat(Fixtures.count(
                            pool, "SELECT count(*) FROM plan_wave_member WHERE plan_id = CAST($1 AS uuid)", plan))
                    .isZero();
        }
    }

    @Test
    void aDynamicPlanTakesDevicesThatComeToMatchItsGroup() {
        String sp = key("dyn");
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            fleet(bus, sp, sp + "-gw");
            String berlin = sp + "-ber";
            group(berlin, sp, "tag.site==berlin", "DYNAMIC", 1);
            String fw = firmware(bus, sp, List.of());
            String plan =
                    created(plan(sp, fw, ",\"target\":{\"groups\":[\"" + berlin + "\"]},\"membership\":\"DYNAMIC\""));
            given().post("/api/v1/plans/" + plan + "/activate").then().statusCode(200);
            await().atMost(Duration.ofSeconds(15)).until(() -> upgraded(bus, sp).equals(List.of("d3")));

            // a group in use cannot be deleted
            given().delete("/api/v1/groups/" + berlin)
                    .then()
                    .statusCode(409)
                    .body("detail", containsString("unfinished"));

            Fixtures.publish(
                    bus,
                    InternalTopics.DEVICE_EVENTS,
                    DeviceAttributeStates.TYPE,
                    new DeviceAttributeStates(List.of(attrs(sp, "d5", null, Map.of("site", "berlin")))));
            await().atMost(Duration.ofSeconds(20)).until(() -> upgraded(bus, sp).equals(List.of("d3", "d5")));
            given().get("/api/v1/plans/" + plan).then().body("targetRecorded.matched", equalTo(2));

            given().post("/api/v1/plans/" + plan + "/terminate").then().statusCode(200);
            given().delete("/api/v1/groups/" + berlin).then().statusCode(204);
            given().get("/api/v1/groups/" + berlin).then().statusCode(404);
        }
    }

    @Test
    void activationRefusesATargetItCannotServeAndBadTargetsAreNamed() {
        String sp = key("tgr");
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            fleet(bus, sp, sp + "-gw");
            String onlyC = firmware(bus, sp, List.of("C"));
            String unfit = created(plan(sp, onlyC, ",\"target\":{\"filter\":\"tag.site==hamburg\"}"));
            given().post("/api/v1/plans/" + unfit + "/activate")
                    .then()
                    .statusCode(409)
                    .body("detail", containsString("fit none of the 4 devices"));
            given().get("/api/v1/plans/" + unfit).then().body("status", equalTo("DRAFT"));
            assertThat(Fixtures.count(pool, "SELECT count(*) FROM plan_member WHERE plan_id = CAST($1 AS uuid)", unfit))
                    .isZero();

            String fw = firmware(bus, sp, List.of());
            String nobody = created(plan(sp, fw, ",\"target\":{\"filter\":\"tag.site==paris\"}"));
            given().post("/api/v1/plans/" + nobody + "/activate")
                    .then()
                    .statusCode(409)
                    .body("detail", containsString("matches no device"));

            for (String[] bad : List.of(
                    new String[] {",\"target\":{\"filter\":\"tag.site==\"}", "target.filter"},
                    new String[] {",\"target\":{\"filter\":\"registeredAt>2026-01-01T00:00:00Z\"}", "target.filter"},
                    new String[] {",\"target\":{\"groups\":[\"no-such-" + sp + "\"]}", "target.groups[0]"},
                    new String[] {",\"target\":{\"groups\":[\"a b\"]}", "target.groups[0]"},
                    new String[] {",\"membership\":\"DYNAMIC\"", "membership"})) {
                given().urlEncodingEnabled(false)
                        .contentType(ContentType.JSON)
                        .body(plan(sp, fw, bad[0]))
                        .post("/api/v1/plans:preview")
                        .then()
                        .statusCode(422)
                        .body("errors[0].field", equalTo(bad[1]));
                given().contentType(ContentType.JSON)
                        .body(plan(sp, fw, bad[0]))
                        .post("/api/v1/plans")
                        .then()
                        .statusCode(422)
                        .body("errors", hasSize(1));
            }
            // versions are ordered under this SemVer product
            given().urlEncodingEnabled(false)
                    .contentType(ContentType.JSON)
                    .body(plan(sp, fw, ",\"target\":{\"filter\":\"version<1.5.0;hardwareRevision=in=(A,B)\"}"))
                    .post("/api/v1/plans:preview")
                    .then()
                    .statusCode(200)
                    .body("targeted", equalTo(5))
                    .body("willUpgrade", equalTo(5));
            // per wave: a canary list of one, a count of two, the rest
            given().urlEncodingEnabled(false)
                    .contentType(ContentType.JSON)
                    .body(plan(sp, fw, ",\"waves\":[{\"canary\":true,\"devices\":[\"d2\"]},{\"count\":2}]"))
                    .post("/api/v1/plans:preview")
                    .then()
                    .statusCode(200)
                    .body("willUpgrade", equalTo(6))
                    .body("byWave.name", equalTo(List.of("canary", "wave 2", "rest")))
                    .body("byWave.devices", equalTo(List.of(1, 2, 3)));
        }
    }

    /**
     * The attributes on a device's row of the view (what a filter and the preview read): an attributes entry that
     * arrives before the device's first state is not lost, and a later change follows.
     */
    @Test
    void attributesThatArriveBeforeTheDeviceAreKeptOnItsRow() {
        String sp = key("ord");
        try (TestMqttClient bus = TestMqttClient.connect(MqttBroker.shared())) {
            Fixtures.publish(
                    bus,
                    InternalTopics.DEVICE_EVENTS,
                    DeviceAttributeStates.TYPE,
                    new DeviceAttributeStates(List.of(attrs(sp, "early", "A", Map.of("site", "kiel")))));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Fixtures.count(
                                    pool, "SELECT count(*) FROM device_attributes_view WHERE product_key = $1", sp)
                            == 1);
            Fixtures.device(bus, sp, "early", sp + "-gw", "1.0.0", SEQ.incrementAndGet());
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Fixtures.count(
                                    pool,
                                    "SELECT count(*) FROM device_view WHERE product_key = $1 AND hardware_revision = 'A'"
                                            + " AND tags @> '{\"site\":\"kiel\"}'",
                                    sp)
                            == 1);
            Fixtures.publish(
                    bus,
                    InternalTopics.DEVICE_EVENTS,
                    DeviceAttributeStates.TYPE,
                    new DeviceAttributeStates(List.of(new DeviceAttributeStates.Entry(
                            sp, "early", "B", Map.of(), SEQ.incrementAndGet(), "lab unit"))));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Fixtures.count(
                                    pool,
                                    "SELECT count(*) FROM device_view WHERE product_key = $1 AND hardware_revision = 'B'"
                                            + " AND tags = '{}'::jsonb AND hold_reason = 'lab unit'",
                                    sp)
                            == 1);
        }
    }
}
