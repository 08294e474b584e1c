package org.otaplatform.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The fall-back broker does what the platform relies on. */
class EmbeddedMqttBrokerTest {

    private static Vertx vertx;
    private static EmbeddedMqttBroker broker;
    private static int port;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        port = Ports.free();
        broker = EmbeddedMqttBroker.start("127.0.0.1", port, MqttBroker.MAX_PACKET_BYTES);
    }

    @AfterAll
    static void stop() {
        broker.stop();
        vertx.close();
    }

    @ParameterizedTest
    @CsvSource({
        "a/b/c, a/b/c, true",
        "a/+/c, a/b/c, true",
        "a/#, a/b/c, true",
        "a/#, a, true",
        "#, a/b, true",
        "a/+, a/b/c, false",
        "a/b, a/b/c, false",
        "a/b/c, a/b, false",
        "+/b, a/b, true",
        "#, $SYS/x, false",
        "ota/v1/gw/+/up/+, ota/v1/gw/gw1/up/hello, true",
        "ota/v1/gw/+/up/+, ota/v1/gw/gw1/down/error, false"
    })
    void matchesTopicFiltersAsMqttDoes(String filter, String topic, boolean expected) {
        assertThat(EmbeddedMqttBroker.matches(filter, topic)).isEqualTo(expected);
    }

    @Test
    void aSharedSubscriptionGivesEachMessageToExactlyOneMember() throws Exception {
        List<String> first = new CopyOnWriteArrayList<>();
        List<String> second = new CopyOnWriteArrayList<>();
        MqttClient a = subscriber("share-a", "$share/g/shared/+", first, true);
        MqttClient b = subscriber("share-b", "$share/g/shared/+", second, true);
        MqttClient publisher = client("share-pub", true);

        for (int i = 0; i < 100; i++) {
            done(publisher.publish("shared/x", Buffer.buffer("m" + i), MqttQoS.AT_LEAST_ONCE, false, false));
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> first.size() + second.size() == 100);
        assertThat(first).isNotEmpty().doesNotContainAnyElementsOf(second);
        assertThat(second).isNotEmpty();
        List.of(a, b, publisher).forEach(MqttClient::disconnect);
    }

    @Test
    void aPersistentSessionGetsWhatWasPublishedWhileItWasAway() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        MqttClient consumer = subscriber("persistent-1", "away/#", received, false);
        done(consumer.disconnect());
        MqttClient publisher = client("away-pub", true);

        done(publisher.publish("away/1", Buffer.buffer("while away"), MqttQoS.AT_LEAST_ONCE, false, false));
        MqttClient back = client("persistent-1", false, received);

        await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("while away"));
        List.of(back, publisher).forEach(MqttClient::disconnect);
    }

    /** As Mosquitto with the project's limits: a retained message is refused and its sender disconnected. */
    @Test
    void aRetainedMessageIsRefusedAndItsSenderDisconnected() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        MqttClient consumer = subscriber("retain-sub", "kept/#", received, true);
        MqttClient publisher = client("retain-pub", true);

        publisher.publish("kept/1", Buffer.buffer("retained"), MqttQoS.AT_LEAST_ONCE, false, true);
        await().atMost(Duration.ofSeconds(10)).until(() -> !publisher.isConnected());
        MqttClient honest = client("retain-pub-2", true);
        done(honest.publish("kept/2", Buffer.buffer("plain"), MqttQoS.AT_LEAST_ONCE, false, false));
        await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("plain"));
        // neither delivered now nor kept for a later subscriber
        List<String> later = new CopyOnWriteArrayList<>();
        MqttClient late = subscriber("retain-late", "kept/#", later, true);
        Thread.sleep(300);
        assertThat(received).containsExactly("plain");
        assertThat(later).isEmpty();
        List.of(consumer, honest, late).forEach(MqttClient::disconnect);
    }

    @Test
    void theLastWillIsPublishedWhenAClientVanishesButNotOnACleanDisconnect() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        MqttClient watcher = subscriber("will-watcher", "will/#", received, true);
        MqttClient polite = MqttClient.create(
                vertx,
                new MqttClientOptions()
                        .setClientId("will-gw-polite")
                        .setWillFlag(true)
                        .setWillTopic("will/polite/offline")
                        .setWillMessageBytes(Buffer.buffer("polite"))
                        .setWillQoS(1));
        done(polite.connect(port, "127.0.0.1"));
        done(polite.disconnect());

        connectWithWillAndDropTheSocket("will-gw-crash", "will/crash/offline", "{}");

        await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("{}"));
        assertThat(received).doesNotContain("polite");
        watcher.disconnect();
    }

    /** A raw MQTT 3.1.1 CONNECT with a will, then the socket closed without DISCONNECT: a crash. */
    private static void connectWithWillAndDropTheSocket(String clientId, String willTopic, String will)
            throws Exception {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.write(new byte[] {0, 4, 'M', 'Q', 'T', 'T', 4, 0x0E, 0, 60});
        for (String field : List.of(clientId, willTopic, will)) {
            byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
            body.write(bytes.length >> 8);
            body.write(bytes.length & 0xFF);
            body.write(bytes);
        }
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            var out = socket.getOutputStream();
            out.write(0x10);
            out.write(body.size());
            body.writeTo(out);
            out.flush();
            byte[] connack = socket.getInputStream().readNBytes(4);
            assertThat(connack[0]).isEqualTo((byte) 0x20);
        }
    }

    private MqttClient subscriber(String id, String filter, List<String> sink, boolean clean) throws Exception {
        MqttClient client = client(id, clean, sink);
        done(client.subscribe(filter, 1));
        return client;
    }

    private MqttClient client(String id, boolean clean) throws Exception {
        return client(id, clean, new CopyOnWriteArrayList<>());
    }

    private MqttClient client(String id, boolean clean, List<String> sink) throws Exception {
        MqttClient client = MqttClient.create(
                vertx,
                new MqttClientOptions().setClientId(id).setCleanSession(clean).setMaxInflightQueue(1_000));
        client.publishHandler(m -> sink.add(m.payload().toString(StandardCharsets.UTF_8)));
        done(client.connect(port, "127.0.0.1"));
        return client;
    }

    private static <T> T done(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
