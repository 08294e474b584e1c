package org.otaplatform.devicegateway;

import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.TestMqttClient;

/**
 * The relay's scan: a message this replica was not told about (another replica's, or one a failed pass
 * left) is still published, once, and marked.
 */
@QuarkusTest
class OutboxRelayTest {

    @Inject
    Pool pool;

    @Test
    void aMessageCommittedByAnotherReplicaIsPublishedOnceAndMarked() {
        UUID id = UUID.randomUUID();
        String marker = "relay-scan-" + id;
        try (TestMqttClient consumer =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.DEVICE_EVENTS)) {
            // as another replica's transaction would have written it: straight into the table
            pool.preparedQuery("INSERT INTO outbox_message (id, topic, payload) VALUES ($1, $2, $3)")
                    .execute(Tuple.of(
                            id,
                            InternalTopics.DEVICE_EVENTS,
                            Buffer.buffer(("{\"marker\":\"" + marker + "\"}").getBytes(StandardCharsets.UTF_8))))
                    .await()
                    .indefinitely();

            consumer.await(m -> m.payload().contains(marker));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Gateways.count(
                                    pool,
                                    "SELECT count(*) FROM outbox_message WHERE id = $1 AND published_at IS NOT NULL",
                                    id)
                            == 1);
            // a scan (one follows a second after a scan that found something) and quick passes later, it was
            // still sent only once
            await().during(Duration.ofMillis(2_500))
                    .atMost(Duration.ofSeconds(4))
                    .until(() -> consumer.received().stream()
                                    .filter(m -> m.payload().contains(marker))
                                    .count()
                            == 1);
        }
    }
}
