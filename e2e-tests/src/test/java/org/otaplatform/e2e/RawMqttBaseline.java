package org.otaplatform.e2e;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The broker with no platform in between: {@code messages} QoS 1 messages from {@code publishers}
 * connections (as many as the campaign had gateways), each keeping a few in flight, to two consumers
 * sharing one subscription (as a service's replicas do). Same broker, same client library (Vert.x MQTT).
 */
final class RawMqttBaseline {

    private static final int WINDOW = 10;
    private static final Buffer PAYLOAD = Buffer.buffer("{\"msgId\":\"m-000000\",\"ts\":1764230400000,"
            + "\"taskId\":\"0b6e4f53-8f3c-4d4f-a1a8-3f6c2f1c9a10\",\"state\":\"DOWNLOADING\",\"percent\":50}");

    private RawMqttBaseline() {}

    /** Milliseconds from the first publish to the last message received. */
    static long run(String host, int port, long messages, int publishers) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        try {
            AtomicLong received = new AtomicLong();
            CompletableFuture<Long> all = new CompletableFuture<>();
            List<MqttClient> clients = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                MqttClient consumer = MqttClient.create(
                        vertx,
                        new MqttClientOptions()
                                .setClientId("bench-raw-consumer-" + i)
                                .setMaxInflightQueue(1_000)
                                .setAutoKeepAlive(true));
                consumer.publishHandler(m -> {
                    if (received.incrementAndGet() == messages) {
                        all.complete(System.nanoTime());
                    }
                });
                await(consumer.connect(port, host).map(x -> null));
                await(consumer.subscribe("$share/bench-raw/bench/raw/+", MqttQoS.AT_LEAST_ONCE.value())
                        .map(x -> null));
                clients.add(consumer);
            }
            List<MqttClient> producers = new ArrayList<>();
            for (int i = 0; i < publishers; i++) {
                MqttClient producer = MqttClient.create(
                        vertx,
                        new MqttClientOptions().setClientId("bench-raw-" + i).setMaxInflightQueue(WINDOW * 2));
                await(producer.connect(port, host).map(x -> null));
                producers.add(producer);
            }
            long start = System.nanoTime();
            for (int i = 0; i < publishers; i++) {
                long quota = messages / publishers + (i < messages % publishers ? 1 : 0);
                startPublishing(producers.get(i), "bench/raw/" + i, quota);
            }
            long end = all.get(30, TimeUnit.MINUTES);
            for (MqttClient c : producers) {
                c.disconnect();
            }
            for (MqttClient c : clients) {
                c.disconnect();
            }
            return TimeUnit.NANOSECONDS.toMillis(end - start);
        } finally {
            vertx.close();
        }
    }

    /** Keeps {@link #WINDOW} messages in flight: each PUBACK lets the next one go. */
    private static void startPublishing(MqttClient client, String topic, long quota) {
        AtomicLong sent = new AtomicLong();
        Runnable next = () -> {
            if (sent.incrementAndGet() <= quota) {
                client.publish(topic, PAYLOAD, MqttQoS.AT_LEAST_ONCE, false, false);
            }
        };
        client.publishCompletionHandler(id -> next.run());
        for (int i = 0; i < WINDOW; i++) {
            next.run();
        }
    }

    private static void await(io.vertx.core.Future<Void> future) throws Exception {
        future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
