package org.otaplatform.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.internal.DeviceState;
import org.otaplatform.contract.internal.DeviceStates;
import org.otaplatform.contract.internal.GatewayState;
import org.otaplatform.contract.internal.InternalMessage;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.TestMqttClient;

@QuarkusTest
class DeviceViewTest {

    @Inject
    Pool pool;

    @Test
    void keepsTheNewestStateOfEachDeviceWhateverOrderEventsArriveIn() {
        String device = "dv-" + UUID.randomUUID();
        try (TestMqttClient deviceGateway = TestMqttClient.connect(MqttBroker.shared())) {
            deviceGateway.publish(
                    InternalTopics.DEVICE_EVENTS,
                    event(new DeviceState("zb-bulb", device, "gw-2", true, "1.2", "VERSION", 3)));
            deviceGateway.publish(
                    InternalTopics.DEVICE_EVENTS,
                    event(new DeviceState("zb-bulb", device, "gw-1", true, "1.0", "ATTACHED", 1)));
            deviceGateway.publish(
                    InternalTopics.DEVICE_EVENTS,
                    event(new DeviceState("zb-bulb", device, "gw-2", true, "1.1", "ATTACHED", 2)));
            deviceGateway.publish(InternalTopics.DEVICE_EVENTS, event(new GatewayState("gw-2", true, 7)));
            deviceGateway.publish(InternalTopics.DEVICE_EVENTS, "garbage".getBytes());
            String marker = "dv-marker-" + UUID.randomUUID();
            deviceGateway.publish(
                    InternalTopics.DEVICE_EVENTS,
                    event(new DeviceState("zb-bulb", marker, "gw-9", false, "9", "ATTACHED", 1)));

            await().atMost(Duration.ofSeconds(10)).until(() -> device(marker) != null);
            Row row = device(device);
            assertThat(row.getString("version")).isEqualTo("1.2");
            assertThat(row.getString("gateway_id")).isEqualTo("gw-2");
            assertThat(row.getLong("seq")).isEqualTo(3);
        }
    }

    /**
     * States that arrive together are applied as a set-based run with the effects of one by one: of each
     * sub-device's states the newest counts, whatever order they come in, a redelivered one changes
     * nothing.
     */
    @Test
    void aBurstOfStatesKeepsTheNewestOfEachDevice() {
        String prefix = "dv-burst-" + UUID.randomUUID().toString().substring(0, 8);
        var counter = registry.find("ota.messages.set-based")
                .tag("subscription", "device-events")
                .counter();
        double before = counter == null ? 0 : counter.count();
        try (TestMqttClient deviceGateway = TestMqttClient.connect(MqttBroker.shared())) {
            int devices = 20;
            for (int i = 0; i < devices; i++) {
                String device = prefix + "-" + i;
                byte[] newest = event(new DeviceState("zb-bulb", device, "gw-b", true, "3." + i, "VERSION", 3));
                deviceGateway.publish(InternalTopics.DEVICE_EVENTS, newest);
                deviceGateway.publish(
                        InternalTopics.DEVICE_EVENTS,
                        event(new DeviceState("zb-bulb", device, "gw-a", true, "1.0", "ATTACHED", 1)));
                deviceGateway.publish(
                        InternalTopics.DEVICE_EVENTS,
                        event(new DeviceState("zb-bulb", device, "gw-b", false, "2.0", "ATTACHED", 2)));
                deviceGateway.publish(InternalTopics.DEVICE_EVENTS, newest); // redelivered
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> device(prefix + "-" + (devices - 1)) != null);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                for (int i = 0; i < devices; i++) {
                    Row row = device(prefix + "-" + i);
                    assertThat(row).isNotNull();
                    assertThat(row.getString("version")).isEqualTo("3." + i);
                    assertThat(row.getString("gateway_id")).isEqualTo("gw-b");
                    assertThat(row.getLong("seq")).isEqualTo(3);
                }
            });
            assertThat(registry.find("ota.messages.set-based")
                                    .tag("subscription", "device-events")
                                    .counter()
                                    .count()
                            - before)
                    .as("states of the burst went through set-based runs")
                    .isPositive();
        }
    }

    /**
     * Several states in one {@code device.states} message are each applied as alone (the newest per
     * sub-device counts, an older state in a later message changes nothing); a message with a malformed
     * state is dropped whole.
     */
    @Test
    void statesChangedTogetherArriveInOneMessageAndEachIsApplied() {
        String prefix = "dv-many-" + UUID.randomUUID().toString().substring(0, 8);
        try (TestMqttClient deviceGateway = TestMqttClient.connect(MqttBroker.shared())) {
            deviceGateway.publish(
                    InternalTopics.DEVICE_EVENTS,
                    states(
                            new DeviceState("zb-bulb", prefix + "-a", "gw-m", true, "2.0", "VERSION", 5),
                            new DeviceState("zb-bulb", prefix + "-b", "gw-m", true, "2.0", "VERSION", 6),
                            new DeviceState("zb-bulb", prefix + "-a", "gw-m", true, "1.0", "ATTACHED", 4)));
            deviceGateway.publish(
                    InternalTopics.DEVICE_EVENTS,
                    states(
                            new DeviceState("zb-bulb", prefix + "-c", "gw-m", true, "2.0", "VERSION", 7),
                            new DeviceState("zb-bulb", "not a key!", "gw-m", true, "2.0", "VERSION", 8)));
            deviceGateway.publish(
                    InternalTopics.DEVICE_EVENTS,
                    states(
                            new DeviceState("zb-bulb", prefix + "-b", "gw-m", true, "1.5", "VERSION", 3),
                            new DeviceState("zb-bulb", prefix + "-end", "gw-m", true, "1.0", "ATTACHED", 9)));

            await().atMost(Duration.ofSeconds(10)).until(() -> device(prefix + "-end") != null);
            assertThat(device(prefix + "-a").getString("version")).isEqualTo("2.0");
            assertThat(device(prefix + "-b").getString("version")).isEqualTo("2.0");
            assertThat(device(prefix + "-b").getLong("seq")).isEqualTo(6);
            assertThat(device(prefix + "-c"))
                    .as("in the message with a malformed state")
                    .isNull();
        }
    }

    private static byte[] states(DeviceState... states) {
        return InternalMessage.of(
                        DeviceStates.TYPE,
                        "device-gateway-service",
                        System.currentTimeMillis(),
                        new DeviceStates(java.util.List.of(states)))
                .encode();
    }

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    private Row device(String deviceKey) {
        var rows = pool.preparedQuery(
                        "SELECT gateway_id, version, seq FROM device_view WHERE product_key = 'zb-bulb' AND device_key = $1")
                .execute(Tuple.of(deviceKey))
                .await()
                .indefinitely();
        return rows.size() == 0 ? null : rows.iterator().next();
    }

    private static byte[] event(Object data) {
        String type = data instanceof DeviceState ? DeviceState.TYPE : GatewayState.TYPE;
        return InternalMessage.of(type, "device-gateway-service", System.currentTimeMillis(), data)
                .encode();
    }
}
