package org.otaplatform.testkit;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** A plain MQTT client for tests of the internal topics: publish, subscribe, and wait for a message. */
public final class TestMqttClient implements AutoCloseable {

    /** A message as received. */
    public record Received(String topic, String payload) {}

    private static final Vertx VERTX = Vertx.vertx();
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final MqttClient client;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    private TestMqttClient(MqttClient client) {
        this.client = client;
    }

    public static TestMqttClient connect(MqttBroker broker) {
        MqttClient client = MqttClient.create(
                VERTX,
                new MqttClientOptions()
                        .setClientId("test-" + UUID.randomUUID())
                        .setMaxMessageSize(MqttBroker.MAX_PACKET_BYTES)
                        .setMaxInflightQueue(1_000));
        TestMqttClient test = new TestMqttClient(client);
        client.publishHandler(
                m -> test.received.add(new Received(m.topicName(), m.payload().toString(StandardCharsets.UTF_8))));
        Mqtt.await(client.connect(broker.port(), broker.host()));
        return test;
    }

    public TestMqttClient subscribe(String filter) {
        Mqtt.await(client.subscribe(filter, MqttQoS.AT_LEAST_ONCE.value()));
        return this;
    }

    public void publish(String topic, byte[] payload) {
        Mqtt.await(client.publish(topic, Buffer.buffer(payload), MqttQoS.AT_LEAST_ONCE, false, false));
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** The first received message matching {@code filter}, waiting up to 15 seconds. */
    public Received await(Predicate<Received> filter) {
        Instant deadline = Instant.now().plus(TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            Optional<Received> match = received.stream().filter(filter).findFirst();
            if (match.isPresent()) {
                return match.get();
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("no matching message within " + TIMEOUT + "; received: " + received);
    }

    @Override
    public void close() {
        if (client.isConnected()) {
            Mqtt.await(client.disconnect());
        }
    }
}
