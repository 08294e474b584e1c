package org.otaplatform.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.internal.DeviceAttributeStates;
import org.otaplatform.contract.internal.DeviceAttributeStates.Entry;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.TestMqttClient;

/**
 * plan-service's view of devices' targeting attributes (device.attributes): the newest entry per device by its
 * seq, whatever order and however often they arrive; a malformed message changes nothing.
 */
@QuarkusTest
class DeviceAttributesViewTest {

    @Inject
    Pool pool;

    private Map<String, Object> row(String product, String device) {
        var rows = pool.preparedQuery("SELECT hardware_revision, tags::text, seq FROM device_attributes_view"
                        + " WHERE product_key = $1 AND device_key = $2")
                .execute(Tuple.of(product, device))
                .await()
                .indefinitely();
        if (rows.size() == 0) {
            return Map.of();
        }
        var r = rows.iterator().next();
        return Map.of("revision", String.valueOf(r.getString(0)), "tags", r.getString(1), "seq", r.getLong(2));
    }

    @Test
    void theNewestEntryPerDeviceWins() {
        String pk = "att-" + UUID.randomUUID().toString().substring(0, 8);
        try (TestMqttClient bus = TestMqttClient.connect(MqttBroker.shared())) {
            Fixtures.publish(
                    bus,
                    InternalTopics.DEVICE_EVENTS,
                    DeviceAttributeStates.TYPE,
                    new DeviceAttributeStates(List.of(
                            new Entry(pk, "d1", "B2", Map.of("site", "berlin"), 10),
                            new Entry(pk, "d2", null, Map.of(), 11),
                            new Entry(pk, "d1", "B3", Map.of("site", "berlin", "hold", "lab"), 12))));
            await().atMost(Duration.ofSeconds(10)).until(() -> row(pk, "d1").containsKey("seq"));
            assertThat(row(pk, "d1"))
                    .containsEntry("revision", "B3")
                    .containsEntry("tags", "{\"hold\": \"lab\", \"site\": \"berlin\"}")
                    .containsEntry("seq", 12L);
            assertThat(row(pk, "d2")).containsEntry("revision", "null").containsEntry("tags", "{}");

            // an older entry arriving late, and a malformed message (a tag key out of the rules): nothing changes
            Fixtures.publish(
                    bus,
                    InternalTopics.DEVICE_EVENTS,
                    DeviceAttributeStates.TYPE,
                    new DeviceAttributeStates(List.of(new Entry(pk, "d1", "A1", Map.of(), 11))));
            Fixtures.publish(
                    bus,
                    InternalTopics.DEVICE_EVENTS,
                    DeviceAttributeStates.TYPE,
                    new DeviceAttributeStates(List.of(new Entry(pk, "d1", "Z9", Map.of("Bad Key", "x"), 99))));
            // a newer one then applies: the two before it were consumed (in order on one topic) and left no trace
            Fixtures.publish(
                    bus,
                    InternalTopics.DEVICE_EVENTS,
                    DeviceAttributeStates.TYPE,
                    new DeviceAttributeStates(List.of(new Entry(pk, "d2", "C1", Map.of(), 13))));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> "C1".equals(row(pk, "d2").get("revision")));
            assertThat(row(pk, "d1")).containsEntry("revision", "B3").containsEntry("seq", 12L);
        }
    }
}
