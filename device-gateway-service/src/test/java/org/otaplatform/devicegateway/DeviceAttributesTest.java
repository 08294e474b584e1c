package org.otaplatform.devicegateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.TestMqttClient;

/**
 * Device attributes (REST API, "Fleet targeting"): a hardware revision and tags set one by one ({@code PATCH})
 * or in bulk ({@code devices:tag}, by filter or keys), checked field by field (a bad patch changes nothing),
 * audited, and chosen by the filter language.
 */
@QuarkusTest
class DeviceAttributesTest {

    @Inject
    Pool pool;

    private static String fleet() {
        String pk = "attr-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(ContentType.JSON)
                .body("{\"productKey\":\"" + pk + "\",\"name\":\"A\",\"nodeType\":\"SUB_DEVICE\"}")
                .post("/api/v1/products")
                .then()
                .statusCode(201);
        given().contentType(ContentType.JSON)
                .body("[{\"deviceKey\":\"d1\"},{\"deviceKey\":\"d2\"},{\"deviceKey\":\"d3\"}]")
                .post("/api/v1/products/" + pk + "/devices:import")
                .then()
                .statusCode(201);
        return pk;
    }

    private static io.restassured.response.ValidatableResponse patch(String pk, String device, String body) {
        return given().contentType(ContentType.JSON)
                .body(body)
                .patch("/api/v1/devices/" + pk + "/" + device)
                .then();
    }

    private static io.restassured.response.ValidatableResponse tag(String pk, String body) {
        return given().contentType(ContentType.JSON)
                .body(body)
                .post("/api/v1/products/" + pk + "/devices:tag")
                .then();
    }

    private static int count(String pk, String filter) {
        return given().queryParam("filter", "productKey==" + pk + ";(" + filter + ")")
                .get("/api/v1/devices")
                .then()
                .statusCode(200)
                .extract()
                .path("total");
    }

    @Test
    void aDeviceTakesARevisionAndTagsOneByOne() {
        String pk = fleet();
        try (TestMqttClient internal =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.DEVICE_EVENTS)) {
            patch(pk, "d1", "{\"hardwareRevision\":\"B2\",\"tags\":{\"site\":\"berlin\"}}")
                    .statusCode(200);
            // plan-service hears of it: the device's whole attributes, in order by their own seq
            internal.await(m -> m.payload().contains("\"device.attributes\"")
                    && m.payload().contains("\"productKey\":\"" + pk + "\"")
                    && m.payload().contains("\"hardwareRevision\":\"B2\"")
                    && m.payload().contains("\"site\":\"berlin\""));
        }
        patch(pk, "d1", "{\"hardwareRevision\":\"B2\",\"tags\":{\"site\":\"berlin\",\"hold\":\"lab\"}}")
                .statusCode(200)
                .body("hardwareRevision", equalTo("B2"))
                .body("hardwareRevisionSource", equalTo("OPERATOR"))
                .body("hardwareRevisionAt", notNullValue())
                .body("tags.site", equalTo("berlin"))
                .body("tags.hold", equalTo("lab"));
        // a tag set to null is removed; what the patch leaves out stays
        patch(pk, "d1", "{\"tags\":{\"hold\":null},\"name\":\"Hall\"}")
                .statusCode(200)
                .body("tags", not(hasKey("hold")))
                .body("tags.site", equalTo("berlin"))
                .body("name", equalTo("Hall"))
                .body("hardwareRevision", equalTo("B2"));
        patch(pk, "d1", "{\"hardwareRevision\":null}")
                .statusCode(200)
                .body("hardwareRevision", nullValue())
                .body("hardwareRevisionSource", nullValue());
        assertThat(Gateways.count(
                        pool,
                        "SELECT count(*) FROM audit_log WHERE action = 'device.update' AND resource = $1",
                        "device/" + pk + "/d1"))
                .isEqualTo(4);
    }

    /**
     * An operator marks test devices (sub-devices and gateways), the only ones a package's verification may
     * upgrade; the mark travels with every later attributes event of the device, and a bad one changes nothing.
     */
    @Test
    void aDeviceOrAGatewayIsMarkedATestDevice() {
        String pk = fleet();
        String gp = "attr-gw-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(ContentType.JSON)
                .body("{\"productKey\":\"" + gp + "\",\"name\":\"G\",\"nodeType\":\"GATEWAY\"}")
                .post("/api/v1/products")
                .then()
                .statusCode(201);
        given().contentType(ContentType.JSON)
                .body("[{\"deviceKey\":\"" + gp + "-lab\"}]")
                .post("/api/v1/products/" + gp + "/devices:import")
                .then()
                .statusCode(201);
        try (TestMqttClient internal =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.DEVICE_EVENTS)) {
            patch(pk, "d1", "{\"testDevice\":true,\"tags\":{\"site\":\"lab\"}}")
                    .statusCode(200)
                    .body("testDevice", equalTo(true))
                    .body("tags.site", equalTo("lab"));
            internal.await(m -> m.payload().contains("\"device.attributes\"")
                    && m.payload().contains("\"productKey\":\"" + pk + "\",\"deviceKey\":\"d1\"")
                    && m.payload().contains("\"testDevice\":true"));
            // a later change of anything else keeps the mark in the device's whole attributes
            tag(pk, "{\"devices\":[\"d1\"],\"set\":{\"rack\":\"3\"}}").statusCode(200);
            internal.await(m -> m.payload().contains("\"device.attributes\"")
                    && m.payload().contains("\"rack\":\"3\"")
                    && m.payload().contains("\"testDevice\":true"));
            patch(gp, gp + "-lab", "{\"testDevice\":true}").statusCode(200).body("testDevice", equalTo(true));
            internal.await(m -> m.payload().contains("\"device.attributes\"")
                    && m.payload().contains("\"deviceKey\":\"" + gp + "-lab\"")
                    && m.payload().contains("\"testDevice\":true"));
        }
        patch(pk, "d1", "{\"testDevice\":\"yes\"}").statusCode(422).body("errors[0].field", equalTo("testDevice"));
        given().get("/api/v1/devices/" + pk + "/d1").then().body("testDevice", equalTo(true));
        given().get("/api/v1/devices/" + pk + "/d2").then().body("testDevice", equalTo(false));
        patch(pk, "d1", "{\"testDevice\":false}").statusCode(200).body("testDevice", equalTo(false));
        assertThat(Gateways.count(
                        pool,
                        "SELECT count(*) FROM audit_log WHERE action = 'device.update' AND resource = $1"
                                + " AND after ->> 'testDevice' = 'true'",
                        "device/" + pk + "/d1"))
                .isEqualTo(1);
    }

    @Test
    void aBadPatchNamesEveryFieldAndChangesNothing() {
        String pk = fleet();
        patch(pk, "d2", "{\"tags\":{\"site\":\"x\"}}").statusCode(200);
        var refused = patch(
                        pk,
                        "d2",
                        "{\"hardwareRevision\":\"rev B!\",\"tags\":{\"Bad\":\"x\",\"ok\":\"\",\"n\":3},\"colour\":1,"
                                + "\"name\":\"\"}")
                .statusCode(422)
                .contentType(containsString("application/problem+json"))
                .extract()
                .jsonPath();
        assertThat(refused.getList("errors.field", String.class))
                .containsExactlyInAnyOrder("colour", "name", "hardwareRevision", "tags.Bad", "tags.ok", "tags.n");
        String many =
                IntStream.range(0, 33).mapToObj(i -> "\"k" + i + "\":\"v\"").collect(Collectors.joining(","));
        patch(pk, "d2", "{\"tags\":{" + many + "}}").statusCode(422).body("errors[0].field", equalTo("tags"));
        given().get("/api/v1/devices/" + pk + "/d2")
                .then()
                .body("tags.size()", equalTo(1))
                .body("tags.site", equalTo("x"))
                .body("hardwareRevision", nullValue());
        patch(pk, "nobody", "{\"tags\":{\"a\":\"b\"}}").statusCode(404);
    }

    @Test
    void manyDevicesAreTaggedAtOnceByFilterOrKeysAndChosenByTag() {
        String pk = fleet();
        patch(pk, "d1", "{\"hardwareRevision\":\"B2\"}").statusCode(200);
        tag(pk, "{\"filter\":\"hardwareRevision==B2\",\"set\":{\"wave\":\"1\"}}")
                .statusCode(200)
                .body("matched", equalTo(1))
                .body("changed", equalTo(1));
        tag(pk, "{\"devices\":[\"d2\",\"d3\",\"d3\"],\"set\":{\"site\":\"hamburg\"}}")
                .statusCode(200)
                .body("matched", equalTo(2))
                .body("changed", equalTo(2));
        // the same again changes nothing
        tag(pk, "{\"devices\":[\"d2\",\"d3\"],\"set\":{\"site\":\"hamburg\"}}")
                .body("matched", equalTo(2))
                .body("changed", equalTo(0));
        try (TestMqttClient internal =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.DEVICE_EVENTS)) {
            tag(pk, "{\"filter\":\"deviceKey==d3\",\"remove\":[\"site\"],\"set\":{\"hold\":\"dispute\"}}")
                    .body("changed", equalTo(1));
            internal.await(m -> m.payload().contains("\"device.attributes\"")
                    && m.payload().contains("\"productKey\":\"" + pk + "\",\"deviceKey\":\"d3\"")
                    && m.payload().contains("\"hold\":\"dispute\"")
                    && !m.payload().contains("hamburg"));
        }

        assertThat(count(pk, "tag.site==hamburg")).isEqualTo(1);
        assertThat(count(pk, "tag.site=in=(hamburg,berlin),tag.wave==1")).isEqualTo(2);
        assertThat(count(pk, "tag.hold!=*")).isEqualTo(2);
        assertThat(count(pk, "hardwareRevision==B2;tag.wave==1")).isEqualTo(1);
        given().get("/api/v1/devices/" + pk + "/d3").then().body("tags.hold", equalTo("dispute"));
        assertThat(Gateways.count(
                        pool,
                        "SELECT count(*) FROM audit_log WHERE action = 'device.tag' AND resource = $1",
                        "product/" + pk + "/devices"))
                .isEqualTo(4);

        // bad requests: a clear answer, nothing changed
        tag(pk, "{\"filter\":\"tag.site=hamburg\",\"set\":{\"a\":\"b\"}}")
                .statusCode(422)
                .body("errors[0].field", equalTo("filter"))
                .body("errors[0].message", containsString("at position 8"));
        tag(pk, "{\"set\":{\"a\":\"b\"}}").statusCode(422).body("errors.field", containsInAnyOrder("filter"));
        tag(pk, "{\"devices\":[\"d1\"]}").statusCode(422).body("errors.field", containsInAnyOrder("set"));
        String many =
                IntStream.range(0, 32).mapToObj(i -> "\"k" + i + "\":\"v\"").collect(Collectors.joining(","));
        tag(pk, "{\"devices\":[\"d1\",\"d2\"],\"set\":{" + many + "}}")
                .statusCode(422)
                .body("errors[0].message", containsString("nothing was changed"));
        assertThat(count(pk, "tag.k0==v")).isZero();
        tag("no-such-product", "{\"devices\":[\"d1\"],\"set\":{\"a\":\"b\"}}").statusCode(404);
    }

    /** A hold keeps who and why, is announced to plan-service, audited, and released; a hold needs a reason. */
    @Test
    void aDeviceIsHeldWithWhoAndWhyAndReleased() {
        String pk = fleet();
        try (TestMqttClient internal =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.DEVICE_EVENTS)) {
            given().contentType(ContentType.JSON)
                    .body("{\"reason\":\"customer dispute #42\"}")
                    .put("/api/v1/devices/" + pk + "/d1/hold")
                    .then()
                    .statusCode(200)
                    .body("hold.reason", equalTo("customer dispute #42"))
                    .body("hold.by", notNullValue())
                    .body("hold.at", notNullValue());
            internal.await(m -> m.payload().contains("\"device.attributes\"")
                    && m.payload().contains("\"productKey\":\"" + pk + "\",\"deviceKey\":\"d1\"")
                    && m.payload().contains("\"hold\":\"customer dispute #42\""));
            given().delete("/api/v1/devices/" + pk + "/d1/hold")
                    .then()
                    .statusCode(200)
                    .body("hold", nullValue());
            internal.await(m -> m.payload().contains("\"device.attributes\"")
                    && m.payload().contains("\"productKey\":\"" + pk + "\",\"deviceKey\":\"d1\"")
                    && !m.payload().contains("customer dispute"));
        }
        given().contentType(ContentType.JSON)
                .body("{}")
                .put("/api/v1/devices/" + pk + "/d1/hold")
                .then()
                .statusCode(422)
                .body("errors[0].field", equalTo("reason"));
        given().contentType(ContentType.JSON)
                .body("{\"reason\":\"x\"}")
                .put("/api/v1/devices/" + pk + "/nobody/hold")
                .then()
                .statusCode(404);
        assertThat(Gateways.count(
                        pool,
                        "SELECT count(*) FROM audit_log WHERE action IN ('device.hold', 'device.release') AND resource = $1",
                        "device/" + pk + "/d1"))
                .isEqualTo(2);
    }

    /**
     * A gateway reports its sub-devices' hardware revisions in {@code hello.subDevices} and {@code topology.added}
     * entries: the registry's device shows the last one as REPORTED, and plan-service hears of it; a revision
     * outside the spec's characters is an {@code error} naming the field, and changes nothing.
     */
    @Test
    void aGatewayReportsItsSubDevicesRevisions() {
        String gw = Gateways.id("gw-rev");
        String device = gw + "-d";
        Registry.bulbs(device);
        try (TestMqttClient planService =
                        TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.DEVICE_EVENTS);
                org.otaplatform.testkit.TestGateway gateway =
                        org.otaplatform.testkit.TestGateway.connect(MqttBroker.shared(), gw)) {
            String entry = "{\"productKey\":\"zb-bulb\",\"deviceKey\":\"" + device
                    + "\",\"version\":\"1.0\",\"online\":true,\"hardwareRevision\":\"C3\"}";
            gateway.publish(org.otaplatform.contract.UplinkType.HELLO, Gateways.hello(Gateways.msgId(), entry));
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(10))
                    .untilAsserted(() -> given().get("/api/v1/devices/zb-bulb/" + device)
                            .then()
                            .body("gatewayId", equalTo(gw))
                            .body("hardwareRevision", equalTo("C3"))
                            .body("hardwareRevisionSource", equalTo("REPORTED"))
                            .body("hardwareRevisionAt", notNullValue()));
            planService.await(m -> m.payload().contains("\"device.attributes\"")
                    && m.payload().contains("\"deviceKey\":\"" + device + "\"")
                    && m.payload().contains("\"hardwareRevision\":\"C3\""));

            gateway.publish(
                    org.otaplatform.contract.UplinkType.TOPOLOGY,
                    "{\"msgId\":\"" + Gateways.msgId() + "\",\"ts\":1,\"added\":[{\"productKey\":\"zb-bulb\","
                            + "\"deviceKey\":\"" + device + "\",\"version\":\"1.0\",\"hardwareRevision\":\"C4\"}]}");
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(10))
                    .untilAsserted(() -> given().get("/api/v1/devices/zb-bulb/" + device)
                            .then()
                            .body("hardwareRevision", equalTo("C4")));

            String bad = Gateways.msgId();
            gateway.publish(
                    org.otaplatform.contract.UplinkType.TOPOLOGY,
                    "{\"msgId\":\"" + bad + "\",\"ts\":1,\"added\":[{\"productKey\":\"zb-bulb\"," + "\"deviceKey\":\""
                            + device + "\",\"version\":\"1.0\",\"hardwareRevision\":\"C 5!\"}]}");
            String error = gateway.awaitDownlink(org.otaplatform.contract.DownlinkType.ERROR, p -> p.contains(bad))
                    .payload();
            assertThat(error).contains("added[0].hardwareRevision");
            given().get("/api/v1/devices/zb-bulb/" + device).then().body("hardwareRevision", equalTo("C4"));
        }
    }

    @Test
    void anImportCarriesRevisionsAndTagsAndAnnouncesThem() {
        String pk = fleet();
        try (TestMqttClient internal =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.DEVICE_EVENTS)) {
            given().contentType("text/csv")
                    .body("deviceKey,hardwareRevision,Name,tag.site,tag.customer\n"
                            + "c1,B,Hall,berlin,acme\n"
                            + "c2,,,,acme\n"
                            + "c3\n")
                    .post("/api/v1/products/" + pk + "/devices:import")
                    .then()
                    .statusCode(201);
            given().contentType(ContentType.JSON)
                    .body("[{\"deviceKey\":\"j1\",\"hardwareRevision\":\"A\",\"tags\":{\"site\":\"rome\"}},"
                            + "{\"deviceKey\":\"j2\",\"tags\":null}]")
                    .post("/api/v1/products/" + pk + "/devices:import")
                    .then()
                    .statusCode(201);

            given().get("/api/v1/devices/" + pk + "/c1")
                    .then()
                    .body("name", equalTo("Hall"))
                    .body("hardwareRevision", equalTo("B"))
                    .body("hardwareRevisionSource", equalTo("OPERATOR"))
                    .body("hardwareRevisionAt", notNullValue())
                    .body("tags.site", equalTo("berlin"))
                    .body("tags.customer", equalTo("acme"));
            given().get("/api/v1/devices/" + pk + "/c2")
                    .then()
                    .body("hardwareRevision", nullValue())
                    .body("tags.customer", equalTo("acme"))
                    .body("tags", not(hasKey("site")));
            given().get("/api/v1/devices/" + pk + "/j1").then().body("tags.site", equalTo("rome"));
            assertThat(count(pk, "tag.customer==acme")).isEqualTo(2);
            assertThat(count(pk, "hardwareRevision=in=(A,B)")).isEqualTo(2);
            // plan-service hears of every imported device with attributes, and of no other
            internal.await(m -> m.payload().contains("\"device.attributes\"")
                    && m.payload().contains("\"deviceKey\":\"c1\"")
                    && m.payload().contains("\"deviceKey\":\"c2\"")
                    && m.payload().contains("\"customer\":\"acme\"")
                    && !m.payload().contains("\"deviceKey\":\"c3\""));
            internal.await(m -> m.payload().contains("\"device.attributes\"")
                    && m.payload().contains("\"deviceKey\":\"j1\"")
                    && m.payload().contains("\"hardwareRevision\":\"A\""));
        }
    }

    @Test
    void anImportWithBadAttributesNamesEachAndRegistersNothing() {
        String pk = fleet();
        var csv = given().contentType("text/csv")
                .body("deviceKey,hardwareRevision,tag.site\n" + "e1,rev B!,x\n" + "e2,A," + "y".repeat(129) + "\n")
                .post("/api/v1/products/" + pk + "/devices:import")
                .then()
                .statusCode(422)
                .contentType(containsString("application/problem+json"))
                .extract()
                .jsonPath();
        assertThat(csv.getList("errors.field", String.class))
                .containsExactlyInAnyOrder("line 2.hardwareRevision", "line 3.tag.site");
        given().contentType("text/csv")
                .body("deviceKey,tag.Site\ne3,x\n")
                .post("/api/v1/products/" + pk + "/devices:import")
                .then()
                .statusCode(422)
                .body("errors[0].field", equalTo("line 1"))
                .body("errors[0].message", containsString("tag key"));
        var json = given().contentType(ContentType.JSON)
                .body("[{\"deviceKey\":\"e4\",\"hardwareRevision\":7},"
                        + "{\"deviceKey\":\"e5\",\"tags\":{\"Bad\":\"x\",\"n\":1}},"
                        + "{\"deviceKey\":\"e6\",\"tags\":[\"x\"]}]")
                .post("/api/v1/products/" + pk + "/devices:import")
                .then()
                .statusCode(422)
                .extract()
                .jsonPath();
        assertThat(json.getList("errors.field", String.class))
                .containsExactlyInAnyOrder("[0].hardwareRevision", "[1].tags.Bad", "[1].tags.n", "[2].tags");
        for (String device : java.util.List.of("e1", "e2", "e3", "e4", "e5", "e6")) {
            given().get("/api/v1/devices/" + pk + "/" + device).then().statusCode(404);
        }
    }
}
