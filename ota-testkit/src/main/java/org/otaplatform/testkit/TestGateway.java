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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.otaplatform.contract.DownlinkType;
import org.otaplatform.contract.GatewayTopic;
import org.otaplatform.contract.Topics;
import org.otaplatform.contract.UplinkType;

/**
 * A gateway for tests: one MQTT connection with the gateway's id as client id, subscribed to its own
 * downlink, recording everything the platform sends it.
 */
public final class TestGateway implements AutoCloseable {

    /** A downlink message as received. */
    public record Received(DownlinkType type, String topic, String payload) {}

    private static final Vertx VERTX = Vertx.vertx();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final String gatewayId;
    private final MqttClient client;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    private TestGateway(String gatewayId, MqttClient client) {
        this.gatewayId = gatewayId;
        this.client = client;
    }

    /** Connects as {@code gatewayId} with a last will on its {@code up/offline} and subscribes to its downlink. */
    public static TestGateway connect(MqttBroker broker, String gatewayId) {
        MqttClientOptions options = new MqttClientOptions()
                .setClientId(gatewayId)
                .setCleanSession(true)
                .setMaxMessageSize(MqttBroker.MAX_PACKET_BYTES)
                .setMaxInflightQueue(1_000)
                .setWillFlag(true)
                .setWillTopic(Topics.uplink(gatewayId, UplinkType.OFFLINE))
                .setWillMessageBytes(Buffer.buffer("{}"))
                .setWillQoS(MqttQoS.AT_LEAST_ONCE.value());
        MqttClient client = MqttClient.create(VERTX, options);
        TestGateway gateway = new TestGateway(gatewayId, client);
        client.publishHandler(message -> Topics.parse(message.topicName())
                .flatMap(GatewayTopic::downlink)
                .ifPresent(type -> gateway.received.add(new Received(
                        type, message.topicName(), message.payload().toString(StandardCharsets.UTF_8)))));
        Mqtt.await(client.connect(broker.port(), broker.host()));
        Mqtt.await(client.subscribe(Topics.downlinkFilter(gatewayId), MqttQoS.AT_LEAST_ONCE.value()));
        return gateway;
    }

    public String gatewayId() {
        return gatewayId;
    }

    /** Publishes raw bytes on one of this gateway's uplink topics, QoS 1, and waits for the broker's PUBACK. */
    public void publish(UplinkType type, byte[] payload) {
        publishRaw(Topics.uplink(gatewayId, type), payload);
    }

    public void publish(UplinkType type, String json) {
        publish(type, json.getBytes(StandardCharsets.UTF_8));
    }

    /** Publishes on any topic, for tests of what the platform does with topics that are not ours. */
    public void publishRaw(String topic, byte[] payload) {
        Mqtt.await(client.publish(topic, Buffer.buffer(payload), MqttQoS.AT_LEAST_ONCE, false, false));
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** The first received message of that type matching {@code filter}, waiting up to ten seconds. */
    public Received awaitDownlink(DownlinkType type, Predicate<String> filter) {
        Instant deadline = Instant.now().plus(TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            Optional<Received> match = received.stream()
                    .filter(r -> r.type() == type && filter.test(r.payload()))
                    .findFirst();
            if (match.isPresent()) {
                return match.get();
            }
            sleep(20);
        }
        throw new AssertionError("gateway " + gatewayId + " received no " + type + " matching the filter in " + TIMEOUT
                + "; received: " + received);
    }

    @Override
    public void close() {
        if (client.isConnected()) {
            Mqtt.await(client.disconnect());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
