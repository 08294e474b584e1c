package org.otaplatform.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.util.Version;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.time.Duration;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The MQTT codec of Netty 4.1.133 rejected valid packets under load; this pushes a few thousand QoS 1
 * messages of mixed sizes through one connection each way and expects every one delivered intact.
 */
class MqttCodecUnderLoadTest {

    private static final int MESSAGES = 5_000;
    private static Vertx vertx;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void theBuildUsesANettyWhoseMqttCodecHoldsUnderLoad() {
        String version = Version.identify().get("netty-codec-mqtt").artifactVersion();

        assertThat(version).isEqualTo("4.1.137.Final");
    }

    @Test
    void thousandsOfMixedSizeMessagesThroughTheTestBrokerAllArriveIntact() throws Exception {
        pushThousandsThrough(MqttBroker.shared());
    }

    @Test
    void thousandsOfMixedSizeMessagesThroughTheEmbeddedBrokerAllArriveIntact() throws Exception {
        MqttBroker embedded = MqttBroker.startEmbedded(Ports.free());
        try {
            pushThousandsThrough(embedded);
        } finally {
            embedded.stop();
        }
    }

    private void pushThousandsThrough(MqttBroker broker) throws Exception {
        Set<Integer> received = ConcurrentHashMap.newKeySet();
        AtomicInteger corrupt = new AtomicInteger();
        MqttClient subscriber = connect(broker, "load-sub");
        subscriber.publishHandler(message -> {
            Buffer payload = message.payload();
            int seq = payload.length() >= 8 ? payload.getInt(0) : -1;
            int length = payload.length() >= 8 ? payload.getInt(4) : -1;
            if (seq < 0 || payload.length() != length || payload.getByte(length - 1) != (byte) seq) {
                corrupt.incrementAndGet();
                return;
            }
            received.add(seq);
        });
        subscriber
                .subscribe("ota-test/load/#", MqttQoS.AT_LEAST_ONCE.value())
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        MqttClient publisher = connect(broker, "load-pub");
        // a well-behaved client keeps its in-flight window: a permit per message until its PUBACK
        java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(500);
        publisher.publishCompletionHandler(id -> window.release());
        Random random = new Random(42);

        for (int seq = 0; seq < MESSAGES; seq++) {
            int length = seq % 10 == 0 ? 16 + random.nextInt(60_000) : 16 + random.nextInt(400);
            assertThat(window.tryAcquire(10, TimeUnit.SECONDS))
                    .as("PUBACK within 10 s")
                    .isTrue();
            Buffer payload = Buffer.buffer(new byte[length]);
            payload.setInt(0, seq);
            payload.setInt(4, length);
            payload.setByte(length - 1, (byte) seq);
            publisher
                    .publish("ota-test/load/" + (seq % 50), payload, MqttQoS.AT_LEAST_ONCE, false, false)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
        }

        await().atMost(Duration.ofSeconds(60))
                .alias("all " + MESSAGES + " messages received intact (corrupt so far: " + corrupt + ")")
                .until(() -> received.size() + corrupt.get() >= MESSAGES);
        assertThat(corrupt).hasValue(0);
        assertThat(publisher.isConnected()).isTrue();
        assertThat(subscriber.isConnected()).isTrue();
        publisher.disconnect();
        subscriber.disconnect();
    }

    private static MqttClient connect(MqttBroker broker, String clientId) throws Exception {
        MqttClientOptions options = new MqttClientOptions()
                .setClientId(clientId + "-" + System.nanoTime())
                .setMaxMessageSize(MqttBroker.MAX_PACKET_BYTES)
                .setMaxInflightQueue(1_000);
        MqttClient client = MqttClient.create(vertx, options);
        client.connect(broker.port(), broker.host())
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        return client;
    }
}
