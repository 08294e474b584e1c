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
