package org.otaplatform.devicegateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.DownlinkType;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.UplinkType;
import org.otaplatform.devicegateway.registry.SecretRewrap;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.TestGateway;
import org.otaplatform.testkit.TestMqttClient;

/**
 * The binding rules over MQTT and the operator's side of them over REST: a gateway speaks only for the
 * sub-devices bound to it, becomes bound by a valid proof, a first claim where the product allows it, a
 * dynamic registration, or an operator, and a refused claim changes nothing.
 */
@QuarkusTest
class BindingRulesTest {

    @Inject
    Pool pool;

    @Inject
    SecretRewrap rewrap;

    @Inject
    io.vertx.core.Vertx vertx;

    private static String signedProduct() {
        String pk = Gateways.id("signed");
        Registry.signedProduct(pk);
        return pk;
    }

    private static void awaitBound(String pk, String dk, String gatewayId) {
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() ->
                        given().get("/api/v1/devices/" + pk + "/" + dk).then().body("gatewayId", equalTo(gatewayId)));
    }

    private static String hello(String msgId, String... devices) {
        return Gateways.hello(msgId, devices);
    }

    @Test
    void aSignedProductsSubDeviceIsBoundByAValidProofAndNotWithout() {
        String pk = signedProduct();
        String gw = Gateways.id("gw-proof");
        Map<String, String> secrets = Registry.devices(given(), pk, List.of(gw + "-a"));
        try (TestGateway gateway = TestGateway.connect(MqttBroker.shared(), gw)) {
            String unproven = Gateways.msgId();
            gateway.publish(UplinkType.HELLO, hello(unproven, Gateways.device(pk, gw + "-a", "1.0", true, null)));
            assertThat(gateway.awaitDownlink(DownlinkType.ERROR, p -> p.contains(unproven))
                            .payload())
                    .contains("\"code\":\"NOT_OWNER\"")
                    .contains("no proof");
            given().get("/api/v1/gateways/" + gw).then().statusCode(404);

            gateway.publish(
                    UplinkType.HELLO,
                    hello(
                            Gateways.msgId(),
                            Gateways.device(
                                    pk,
                                    gw + "-a",
                                    "1.0",
                                    true,
                                    Registry.auth(gw, pk, gw + "-a", secrets.get(gw + "-a")))));

            awaitBound(pk, gw + "-a", gw);
            given().get("/api/v1/devices/" + pk + "/" + gw + "-a")
                    .then()
                    .body("attached", equalTo(true))
                    .body("version", equalTo("1.0"));
            // the binding is on record as the gateway's, the registration as the operator's
            given().queryParam("resource", "gateway/" + gw)
                    .get("/api/v1/audit")
                    .then()
                    .statusCode(200)
                    .body("items[0].action", equalTo("binding.claim"))
                    .body("items[0].actor", equalTo("gateway:" + gw))
                    .body("items[0].after.bound[0]", equalTo(pk + "/" + gw + "-a"));
            given().queryParam("resource", "product/" + pk)
                    .get("/api/v1/audit")
                    .then()
                    .body("items.action", org.hamcrest.Matchers.hasItems("product.create", "device.import"))
                    .body("items.find { it.action == 'device.import' }.after.devices", equalTo(1));
            given().get("/api/v1/audit/verify").then().statusCode(200).body("valid", equalTo(true));
            // bound: later hellos need no proof
            gateway.publish(
                    UplinkType.HELLO, hello(Gateways.msgId(), Gateways.device(pk, gw + "-a", "1.1", true, null)));
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> given().get("/api/v1/devices/" + pk + "/" + gw + "-a")
                            .then()
                            .body("version", equalTo("1.1")));
        }
    }

    @Test
    void aRefusedHelloChangesNothingAndNamesEveryRefusedEntry() {
        String pk = signedProduct();
        String owner = Gateways.id("gw-has");
        String intruder = Gateways.id("gw-wants");
        Map<String, String> secrets = Registry.devices(given(), pk, List.of(owner + "-a", intruder + "-own"));
        try (TestGateway a = TestGateway.connect(MqttBroker.shared(), owner);
                TestGateway b = TestGateway.connect(MqttBroker.shared(), intruder);
                TestMqttClient planService =
                        TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.DEVICE_EVENTS)) {
            a.publish(
                    UplinkType.HELLO,
                    hello(
                            Gateways.msgId(),
                            Gateways.device(
                                    pk,
                                    owner + "-a",
                                    "1.0",
                                    true,
                                    Registry.auth(owner, pk, owner + "-a", secrets.get(owner + "-a")))));
            awaitBound(pk, owner + "-a", owner);
            long eventsBefore = planService.received().size();

            String msg = Gateways.msgId();
            b.publish(
                    UplinkType.HELLO,
                    hello(
                            msg,
                            Gateways.device(
                                    pk,
                                    intruder + "-own",
                                    "1.0",
                                    true,
                                    Registry.auth(intruder, pk, intruder + "-own", secrets.get(intruder + "-own"))),
                            Gateways.device(pk, "ghost-" + msg, "1.0", true, null),
                            Gateways.device(pk, owner + "-a", "1.0", true, null)));

            String error =
                    b.awaitDownlink(DownlinkType.ERROR, p -> p.contains(msg)).payload();
            assertThat(error)
                    .contains("\"code\":\"UNKNOWN_DEVICE\"")
                    .contains("{\"productKey\":\"" + pk + "\",\"deviceKey\":\"ghost-" + msg
                            + "\",\"code\":\"UNKNOWN_DEVICE\"}")
                    .contains(
                            "{\"productKey\":\"" + pk + "\",\"deviceKey\":\"" + owner + "-a\",\"code\":\"NOT_OWNER\"}")
                    .doesNotContain(intruder + "-own\",\"code\"");
            // the valid entry of the refused message was not applied either
            given().get("/api/v1/devices/" + pk + "/" + intruder + "-own")
                    .then()
                    .body("gatewayId", nullValue());
            given().get("/api/v1/devices/" + pk + "/" + owner + "-a").then().body("gatewayId", equalTo(owner));
            given().get("/api/v1/gateways/" + intruder).then().statusCode(404);
            // no event, however long one may take
            await().during(Duration.ofMillis(300))
                    .atMost(Duration.ofSeconds(2))
                    .until(() -> planService.received().size() == eventsBefore);
        }
    }

    @Test
    void aProofIsRefusedWhenReplayedByAnotherGatewayStaleFromTheFutureOrMadeWithAnotherSecret() {
        String pk = signedProduct();
        String owner = Gateways.id("gw-orig");
        String thief = Gateways.id("gw-thief");
        String device = owner + "-d";
        Map<String, String> secrets = Registry.devices(given(), pk, List.of(device));
        String secret = secrets.get(device);
        long now = System.currentTimeMillis();
        try (TestGateway b = TestGateway.connect(MqttBroker.shared(), thief)) {
            List<String> proofs = List.of(
                    Registry.auth(owner, pk, device, secret), // made for another gateway
                    Registry.auth(thief, pk, device, secret, now - 16 * 60_000L),
                    Registry.auth(thief, pk, device, secret, now + 16 * 60_000L),
                    Registry.auth(thief, pk, device, "0".repeat(64)));
            for (String proof : proofs) {
                String msg = Gateways.msgId();
                b.publish(UplinkType.TOPOLOGY, Gateways.added(msg, pk, device, "1.0", proof));
                assertThat(b.awaitDownlink(DownlinkType.ERROR, p -> p.contains(msg))
                                .payload())
                        .as(proof)
                        .contains("\"code\":\"NOT_OWNER\"");
            }
            given().get("/api/v1/devices/" + pk + "/" + device).then().body("gatewayId", nullValue());
        }
    }

    @Test
    void aFirstClaimBindsAnUnboundSubDeviceAndNoLaterClaimMovesItWithoutAProof() {
        String a = Gateways.id("gw-first");
        String b = Gateways.id("gw-second");
        String device = a + "-d";
        Registry.bulbs(device);
        try (TestGateway first = TestGateway.connect(MqttBroker.shared(), a);
                TestGateway second = TestGateway.connect(MqttBroker.shared(), b)) {
            first.publish(UplinkType.HELLO, hello(Gateways.msgId(), Gateways.device(device, "1.0", true)));
            awaitBound(Registry.BULBS, device, a);

            String msg = Gateways.msgId();
            second.publish(UplinkType.HELLO, hello(msg, Gateways.device(device, "1.0", true)));

            assertThat(second.awaitDownlink(DownlinkType.ERROR, p -> p.contains(msg))
                            .payload())
                    .contains("NOT_OWNER");
            given().get("/api/v1/devices/zb-bulb/" + device).then().body("gatewayId", equalTo(a));
        }
    }

    @Test
    void dynamicRegistrationRegistersAndBindsWithAValidProductProofOnly() {
        String pk = Gateways.id("dynreg");
        String productSecret = Registry.product(given(), pk, "SIGNED", true);
        String gw = Gateways.id("gw-dyn");
        try (TestGateway gateway = TestGateway.connect(MqttBroker.shared(), gw)) {
            String wrong = Gateways.msgId();
            gateway.publish(
                    UplinkType.HELLO,
                    hello(
                            wrong,
                            Gateways.device(
                                    pk,
                                    gw + "-new",
                                    "1.0",
                                    true,
                                    Registry.registration(gw, pk, gw + "-new", "1".repeat(64)))));
            assertThat(gateway.awaitDownlink(DownlinkType.ERROR, p -> p.contains(wrong))
                            .payload())
                    .contains("UNKNOWN_DEVICE");
            given().get("/api/v1/devices/" + pk + "/" + gw + "-new").then().statusCode(404);

            gateway.publish(
                    UplinkType.HELLO,
                    hello(
                            Gateways.msgId(),
                            Gateways.device(
                                    pk,
                                    gw + "-new",
                                    "1.0",
                                    true,
                                    Registry.registration(gw, pk, gw + "-new", productSecret))));

            awaitBound(pk, gw + "-new", gw);
            given().get("/api/v1/products/" + pk).then().body("deviceCount", equalTo(1));
        }
    }

    @Test
    void everyOtherUplinkAboutASubDeviceNotBoundToTheSenderIsNotOwner() {
        String owner = Gateways.id("gw-bound");
        String other = Gateways.id("gw-stranger");
        String device = owner + "-d";
        String unbound = owner + "-free";
        Registry.bulbs(device, unbound);
        try (TestGateway a = TestGateway.connect(MqttBroker.shared(), owner);
                TestGateway b = TestGateway.connect(MqttBroker.shared(), other)) {
            a.publish(UplinkType.HELLO, hello(Gateways.msgId(), Gateways.device(device, "1.0", true)));
            awaitBound(Registry.BULBS, device, owner);
            for (String key : List.of(device, unbound)) {
                for (UplinkType type : List.of(UplinkType.VERSION, UplinkType.REQUEST, UplinkType.STATUS)) {
                    String msg = Gateways.msgId();
                    String body = type == UplinkType.STATUS
                            ? "{\"msgId\":\"" + msg + "\",\"ts\":1,\"subDevices\":[{\"productKey\":\"zb-bulb\","
                                    + "\"deviceKey\":\"" + key + "\",\"online\":false}]}"
                            : Gateways.version(msg, key, "6.6.6");
                    b.publish(type, body);
                    assertThat(b.awaitDownlink(DownlinkType.ERROR, p -> p.contains(msg))
                                    .payload())
                            .as(type + " about " + key)
                            .contains("\"code\":\"NOT_OWNER\"");
                }
            }
            given().get("/api/v1/devices/zb-bulb/" + device)
                    .then()
                    .body("version", equalTo("1.0"))
                    .body("online", equalTo(true));
        }
    }

    @Test
    void anOperatorMovesASubDeviceItsOldGatewaysTaskEndsAndItsReportsAreRefused() {
        String a = Gateways.id("gw-old");
        String b = Gateways.id("gw-new");
        String device = a + "-d";
        Registry.bulbs(device);
        try (TestGateway oldGateway = TestGateway.connect(MqttBroker.shared(), a);
                TestGateway newGateway = TestGateway.connect(MqttBroker.shared(), b);
                TestMqttClient planService =
                        TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.DEVICE_EVENTS)) {
            oldGateway.publish(UplinkType.HELLO, hello(Gateways.msgId(), Gateways.device(device, "1.0", true)));
            newGateway.publish(UplinkType.HELLO, hello(Gateways.msgId()));
            awaitBound(Registry.BULBS, device, a);
            planService.publish(InternalTopics.GATEWAY_COMMANDS, Gateways.upgradeCommand(a, "t-" + a, device));
            oldGateway.awaitDownlink(DownlinkType.UPGRADE, p -> p.contains("t-" + a));

            given().put("/api/v1/gateways/" + b + "/sub-devices/zb-bulb/" + device)
                    .then()
                    .statusCode(200)
                    .body("gatewayId", equalTo(b))
                    .body("attached", equalTo(false));

            planService.await(m -> m.payload().contains("\"BOUND\"")
                    && m.payload().contains("\"gatewayId\":\"" + b + "\"")
                    && m.payload().contains(device));
            String msg = Gateways.msgId();
            oldGateway.publish(UplinkType.ACK, Gateways.ack(msg, "t-" + a, true));
            assertThat(oldGateway
                            .awaitDownlink(DownlinkType.ERROR, p -> p.contains(msg))
                            .payload())
                    .contains("NOT_OWNER");
            assertThat(Gateways.count(
                            pool, "SELECT count(*) FROM gateway_task WHERE task_id = $1 AND state = 'ENDED'", "t-" + a))
                    .as("not sent again after the old gateway's next hello")
                    .isEqualTo(1);
            // the new gateway lists it without a proof
            newGateway.publish(UplinkType.HELLO, hello(Gateways.msgId(), Gateways.device(device, "1.0", true)));
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> given().get("/api/v1/devices/zb-bulb/" + device)
                            .then()
                            .body("attached", equalTo(true)));
            given().put("/api/v1/gateways/" + b + "/sub-devices/zb-bulb/" + device)
                    .then()
                    .statusCode(200);
        }
    }

    @Test
    void anOperatorUnbindsAndDeletesASubDeviceAnnouncingEach() {
        String gw = Gateways.id("gw-unbind");
        String device = gw + "-d";
        Registry.bulbs(device);
        try (TestGateway gateway = TestGateway.connect(MqttBroker.shared(), gw);
                TestMqttClient planService =
                        TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.DEVICE_EVENTS)) {
            gateway.publish(UplinkType.HELLO, hello(Gateways.msgId(), Gateways.device(device, "1.0", true)));
            awaitBound(Registry.BULBS, device, gw);

            given().delete("/api/v1/gateways/other-gw/sub-devices/zb-bulb/" + device)
                    .then()
                    .statusCode(404);
            given().delete("/api/v1/gateways/" + gw + "/sub-devices/zb-bulb/" + device)
                    .then()
                    .statusCode(204);
            planService.await(
                    m -> m.payload().contains("\"UNBOUND\"") && m.payload().contains(device));
            given().get("/api/v1/devices/zb-bulb/" + device).then().body("gatewayId", nullValue());
            given().get("/api/v1/gateways/" + gw).then().body("subDeviceCount", equalTo(0));

            given().delete("/api/v1/devices/zb-bulb/" + device).then().statusCode(204);
            planService.await(
                    m -> m.payload().contains("\"DELETED\"") && m.payload().contains(device));
            String msg = Gateways.msgId();
            gateway.publish(UplinkType.VERSION, Gateways.version(msg, device, "2.0"));
            assertThat(gateway.awaitDownlink(DownlinkType.ERROR, p -> p.contains(msg))
                            .payload())
                    .contains("UNKNOWN_DEVICE");
        }
    }

    @Test
    void bindingNeedsARegisteredSubDeviceAndAKnownGateway() {
        String device = Gateways.id("lonely");
        given().put("/api/v1/gateways/gw-x/sub-devices/zb-bulb/" + device)
                .then()
                .statusCode(404);
        Registry.bulbs(device);
        given().put("/api/v1/gateways/" + Gateways.id("never") + "/sub-devices/zb-bulb/" + device)
                .then()
                .statusCode(404)
                .body("detail", org.hamcrest.Matchers.containsString("neither registered nor ever connected"));
    }

    @Test
    void aRotatedSecretProvesAndTheOldOneNoLonger() {
        String pk = signedProduct();
        String gw = Gateways.id("gw-rot");
        String device = gw + "-d";
        String old = Registry.devices(given(), pk, List.of(device)).get(device);
        String fresh = given().post("/api/v1/devices/" + pk + "/" + device + "/secret:rotate")
                .then()
                .statusCode(200)
                .extract()
                .path("deviceSecret");
        try (TestGateway gateway = TestGateway.connect(MqttBroker.shared(), gw)) {
            String msg = Gateways.msgId();
            gateway.publish(
                    UplinkType.TOPOLOGY, Gateways.added(msg, pk, device, "1.0", Registry.auth(gw, pk, device, old)));
            assertThat(gateway.awaitDownlink(DownlinkType.ERROR, p -> p.contains(msg))
                            .payload())
                    .contains("NOT_OWNER");

            gateway.publish(
                    UplinkType.TOPOLOGY,
                    Gateways.added(Gateways.msgId(), pk, device, "1.0", Registry.auth(gw, pk, device, fresh)));
            awaitBound(pk, device, gw);
        }
    }

    @Test
    void secretsSealedWithARetiredKeyAreSealedAgainWithTheActiveOneAndStillProve() throws Exception {
        String pk = signedProduct();
        String gw = Gateways.id("gw-rewrap");
        String device = gw + "-d";
        var retired = new org.otaplatform.devicegateway.registry.SecretVault(
                "test-retired:dGVzdC1vbmx5LXJldGlyZWQta2V5LTAxMjM0NTY3ODk=", null);
        String secret = retired.generate();
        Registry.devices(given(), pk, List.of(device));
        var sealed = retired.seal(pk, device, secret);
        pool.preparedQuery(
                        "UPDATE device SET secret = $3, secret_key_id = $4 WHERE product_key = $1 AND device_key = $2")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(
                        pk, device, io.vertx.core.buffer.Buffer.buffer(sealed.bytes()), sealed.keyId()))
                .await()
                .indefinitely();

        java.util.concurrent.CompletableFuture<Integer> done = new java.util.concurrent.CompletableFuture<>();
        org.otaplatform.common.reactive.SafeContext.run(
                vertx, rewrap::rewrap, done::complete, done::completeExceptionally);
        assertThat(done.get(30, java.util.concurrent.TimeUnit.SECONDS)).isPositive();

        assertThat(Gateways.count(
                        pool,
                        "SELECT count(*) FROM device WHERE product_key = $1 AND device_key = $2 AND secret_key_id = 'test-only'",
                        pk,
                        device))
                .isEqualTo(1);
        try (TestGateway gateway = TestGateway.connect(MqttBroker.shared(), gw)) {
            gateway.publish(
                    UplinkType.TOPOLOGY,
                    Gateways.added(Gateways.msgId(), pk, device, "1.0", Registry.auth(gw, pk, device, secret)));
            awaitBound(pk, device, gw);
        }
    }
}
