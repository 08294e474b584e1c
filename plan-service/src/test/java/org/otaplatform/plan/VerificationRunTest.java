package org.otaplatform.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.otaplatform.plan.Fixtures.publish;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.codec.MessageCodec;
import org.otaplatform.contract.internal.DeviceState;
import org.otaplatform.contract.internal.FirmwareEvent;
import org.otaplatform.contract.internal.GatewayState;
import org.otaplatform.contract.internal.GatewayUplink;
import org.otaplatform.contract.internal.VerificationRequest;
import org.otaplatform.contract.message.SubDeviceRef;
import org.otaplatform.contract.wire.FirmwareType;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.TestMqttClient;

/** firmware-service's verification runs, carried out on exactly the named test devices. */
@QuarkusTest
class VerificationRunTest {

    @Inject
    Pool pool;

    @Test
    void aRunPassesWhenEveryTestDeviceSucceedsAndFailsWhenOneFails() throws Exception {
        assertRun(true);
        assertRun(false);
    }

    private void assertRun(boolean allSucceed) throws Exception {
        String product = "ver-" + UUID.randomUUID().toString().substring(0, 8);
        String gw = product + "-gw";
        String firmwareId = UUID.randomUUID().toString();
        String runId = UUID.randomUUID().toString();
        try (TestMqttClient bus = TestMqttClient.connect(MqttBroker.shared())
                .subscribe(InternalTopics.GATEWAY_COMMANDS)
                .subscribe(InternalTopics.VERIFICATION_RESULTS)) {
            publish(bus, InternalTopics.DEVICE_EVENTS, GatewayState.TYPE, new GatewayState(gw, true, 1));
            for (String d : List.of("t1", "t2", "other")) {
                publish(
                        bus,
                        InternalTopics.DEVICE_EVENTS,
                        DeviceState.TYPE,
                        new DeviceState(product, d, gw, true, "1.0", "ATTACHED", 1));
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> pool.preparedQuery("SELECT count(*) FROM device_view WHERE product_key = $1")
                                    .execute(Tuple.of(product))
                                    .await()
                                    .indefinitely()
                                    .iterator()
                                    .next()
                                    .getLong(0)
                            == 3);
            Fixtures.testDevices(pool, bus, product, null, "t1", "t2");
            FirmwareEvent fw = new FirmwareEvent(
                    firmwareId,
                    product,
                    "2.0",
                    FirmwareType.FULL,
                    null,
                    1024,
                    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                    "c2ln",
                    "k1",
                    "VERIFYING");

            publish(
                    bus,
                    InternalTopics.VERIFICATION_REQUESTS,
                    VerificationRequest.TYPE,
                    new VerificationRequest(
                            firmwareId,
                            runId,
                            List.of(new SubDeviceRef(product, "t1"), new SubDeviceRef(product, "t2")),
                            System.currentTimeMillis() + 600_000,
                            fw));

            await().atMost(Duration.ofSeconds(15))
                    .until(() -> upgrades(bus, product).size() == 2);
            assertThat(upgrades(bus, product).stream()
                            .map(u -> u.get("deviceKey").asText()))
                    .containsExactlyInAnyOrder("t1", "t2");
            for (JsonNode u : upgrades(bus, product)) {
                boolean ok = allSucceed || u.get("deviceKey").asText().equals("t1");
                publish(
                        bus,
                        InternalTopics.GATEWAY_UPLINK,
                        GatewayUplink.Progress.TYPE,
                        new GatewayUplink.Progress(
                                gw,
                                "p-" + u.get("taskId").asText(),
                                u.get("taskId").asText(),
                                ok ? "SUCCEEDED" : "FAILED",
                                null,
                                ok ? "2.0" : null,
                                ok ? null : "INSTALL_FAILED",
                                ok ? null : "boom"));
            }

            JsonNode result = MessageCodec.mapper()
                    .readTree(bus.await(m ->
                                    m.payload().contains(runId) && m.payload().contains("verification.completed"))
                            .payload())
                    .get("data");
            assertThat(result.get("succeeded").asBoolean()).isEqualTo(allSucceed);
            if (!allSucceed) {
                assertThat(result.get("detail").asText()).contains("t2");
            }
        }
    }

    /**
     * A run never reaches a device the registry has not marked a test device, nor one the package would
     * downgrade or does not fit: it is refused, and nothing is sent.
     */
    @Test
    void aRunIsRefusedForAnyDeviceItMayNotUpgrade() throws Exception {
        String product = "verr-" + UUID.randomUUID().toString().substring(0, 8);
        String gw = product + "-gw";
        try (TestMqttClient bus = TestMqttClient.connect(MqttBroker.shared())
                .subscribe(InternalTopics.GATEWAY_COMMANDS)
                .subscribe(InternalTopics.VERIFICATION_RESULTS)) {
            publish(
                    bus,
                    InternalTopics.DEVICE_EVENTS,
                    org.otaplatform.contract.internal.ProductState.TYPE,
                    new org.otaplatform.contract.internal.ProductState(
                            product, "SUB_DEVICE", "SEMVER", false, System.currentTimeMillis()));
            publish(bus, InternalTopics.DEVICE_EVENTS, GatewayState.TYPE, new GatewayState(gw, true, 1));
            for (var d : List.of(List.of("lab", "1.0.0"), List.of("field", "1.0.0"), List.of("ahead", "3.0.0"))) {
                publish(
                        bus,
                        InternalTopics.DEVICE_EVENTS,
                        DeviceState.TYPE,
                        new DeviceState(product, d.get(0), gw, true, d.get(1), "ATTACHED", 1));
            }
            Fixtures.testDevices(pool, bus, product, "B", "lab", "ahead");
            await().atMost(Duration.ofSeconds(10))
                    .until(() ->
                            Fixtures.count(pool, "SELECT count(*) FROM device_view WHERE product_key = $1", product)
                                    == 3);

            // a field device among the test devices
            JsonNode notTest = refused(bus, product, List.of("lab", "field"), "2.0.0", null);
            assertThat(notTest.get("detail").asText())
                    .contains("not test devices")
                    .contains("field");
            // 2.0.0 below the 3.0.0 a test device runs
            JsonNode downgrade = refused(bus, product, List.of("lab", "ahead"), "2.0.0", null);
            assertThat(downgrade.get("detail").asText())
                    .contains("1 downgrades")
                    .contains("ahead");
            // a package for revision A only, on B devices
            JsonNode unfit = refused(bus, product, List.of("lab"), "2.0.0", List.of("A"));
            assertThat(unfit.get("detail").asText()).contains("1 incompatible");

            assertThat(upgrades(bus, product)).isEmpty();
            assertThat(Fixtures.count(
                            pool,
                            "SELECT count(*) FROM plan WHERE product_key = $1 AND verification_run IS NOT NULL",
                            product))
                    .isZero();
        }
    }

    private JsonNode refused(
            TestMqttClient bus, String product, List<String> keys, String version, List<String> revisions)
            throws Exception {
        long deadline = System.currentTimeMillis() + 600_000;
        String firmwareId = UUID.randomUUID().toString();
        String runId = UUID.randomUUID().toString();
        FirmwareEvent fw = new FirmwareEvent(
                firmwareId,
                product,
                version,
                FirmwareType.FULL,
                null,
                1024,
                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                "c2ln",
                "k1",
                "VERIFYING",
                null,
                revisions,
                null);
        publish(
                bus,
                InternalTopics.VERIFICATION_REQUESTS,
                VerificationRequest.TYPE,
                new VerificationRequest(
                        firmwareId,
                        runId,
                        keys.stream().map(k -> new SubDeviceRef(product, k)).toList(),
                        deadline,
                        fw));
        JsonNode result = MessageCodec.mapper()
                .readTree(bus.await(
                                m -> m.payload().contains(runId) && m.payload().contains("verification.completed"))
                        .payload())
                .get("data");
        assertThat(result.get("refused").asBoolean()).isTrue();
        assertThat(result.get("succeeded").asBoolean()).isFalse();
        return result;
    }

    private static List<JsonNode> upgrades(TestMqttClient bus, String product) {
        return bus.received().stream()
                .map(m -> {
                    try {
                        return MessageCodec.mapper().readTree(m.payload());
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .filter(n -> "gateway.upgrade".equals(n.path("type").asText())
                        && n.path("data").path("productKey").asText().equals(product))
                .map(n -> n.get("data"))
                .toList();
    }
}
