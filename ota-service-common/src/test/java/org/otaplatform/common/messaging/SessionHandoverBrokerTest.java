package org.otaplatform.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.otaplatform.testkit.MqttBroker;

/**
 * The broker side of {@link SessionHandover} on the real broker: a departed replica's persistent session
 * holds its share of a shared subscription until a replica that stays empties it, a replica that leaves
 * while others stay hands its share over without losing a message, and a replica that comes back takes
 * its session over from the one emptying it. The database roll around it is proven by {@code ScaleInIT}.
 */
class SessionHandoverBrokerTest {

    private final MqttBroker broker = MqttBroker.shared();
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String topic = "ota/test/handover-" + run;
    private final String filter = "$share/handover-" + run + "/" + topic;
    private final String application = "handover-test-" + run;
    /** Every message handled, by payload, and by whom. */
    private final Set<String> handled = ConcurrentHashMap.newKeySet();

    private final List<MqttSubscriptions> replicas = new ArrayList<>();
    private Vertx vertx;

    @BeforeEach
    void vertx() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void close() {
        replicas.forEach(r -> r.stop(null));
        vertx.close();
    }

    @Test
    void aDepartedReplicasQueuedShareIsHandledByTheReplicaThatEmptiesItsSession() throws Exception {
        departedSession("gone");
        publish(0, 20); // only the departed session is in the group: all 20 wait in it
        MqttSubscriptions live = replica("live");
        publish(20, 40); // the broker may give the departed session its share of these too

        long emptied = live.empty("gone").await().atMost(Duration.ofSeconds(30));

        await().atMost(Duration.ofSeconds(15)).until(() -> handled.size() == 40);
        assertThat(handled).isEqualTo(payloads(0, 40));
        assertThat(emptied).as("messages the departed session held").isGreaterThanOrEqualTo(20);
        live.discard("gone").await().atMost(Duration.ofSeconds(10));
        assertThat(sessionPresent(clientId("gone")))
                .as("the departed session after the discard")
                .isFalse();

        publish(40, 60);
        await().atMost(Duration.ofSeconds(15)).until(() -> handled.size() == 60);
    }

    @Test
    void aReplicaThatLeavesWhileAnotherStaysHandsItsShareOverAndLeavesNoSession() throws Exception {
        MqttSubscriptions staying = replica("stay");
        MqttSubscriptions leaving = replica("leave");
        Future<Void> stream = vertx.executeBlocking(() -> {
            publish(0, 300);
            return null;
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() >= 10); // the stream is flowing
        leaving.handOver().await().atMost(Duration.ofSeconds(30));
        stream.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(20)).until(() -> handled.size() == 300);
        assertThat(handled).isEqualTo(payloads(0, 300));
        assertThat(sessionPresent(clientId("leave"))).as("the leaver's session").isFalse();
        assertThat(staying.connected()).isTrue();
    }

    @Test
    void aReplicaThatComesBackTakesItsSessionOverFromTheOneEmptyingIt() throws Exception {
        departedSession("back");
        publish(0, 50);
        MqttSubscriptions adopter = replica("adopter", 200); // slow: still emptying when the owner returns

        Uni<Long> emptying = adopter.empty("back").memoize().indefinitely();
        emptying.subscribe().with(n -> {}, f -> {});
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() >= 2); // the adopter is at it
        replica("back");

        assertThatThrownBy(() -> emptying.await().atMost(Duration.ofSeconds(30)))
                .hasMessageContaining("taken over");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(handled).as("handled").isEqualTo(payloads(0, 50)));
    }

    /** A replica with a persistent session (a stable instance id) on the test's shared subscription. */
    private MqttSubscriptions replica(String instanceId) {
        return replica(instanceId, 0);
    }

    private MqttSubscriptions replica(String instanceId, long millisPerMessage) {
        BrokerConnection connection = new BrokerConnection(
                broker.host(), broker.port(), 262_144, application, Optional.empty(), Optional.empty());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MqttSubscriptions replica = new MqttSubscriptions(
                vertx, connection, Optional.of(instanceId), new NoEvents(), registry, new DeadLetters(registry, null));
        replica.subscribe("probe", filter, (t, payload) -> {
            handled.add(new String(payload, StandardCharsets.UTF_8));
            return millisPerMessage == 0
                    ? Uni.createFrom().voidItem()
                    : Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(millisPerMessage));
        });
        replicas.add(replica);
        return replica;
    }

    private String clientId(String instanceId) {
        return application + "-" + instanceId + "-probe";
    }

    /** Leaves a persistent session in the group, as a replica killed without a word would. */
    private void departedSession(String instanceId) throws Exception {
        MqttClient c = MqttClient.create(vertx, options(clientId(instanceId), false));
        done(c.connect(broker.port(), broker.host()));
        done(c.subscribe(filter, MqttQoS.AT_LEAST_ONCE.value()));
        done(c.disconnect());
    }

    private boolean sessionPresent(String clientId) throws Exception {
        MqttClient c = MqttClient.create(vertx, options(clientId, false));
        boolean present = done(c.connect(broker.port(), broker.host())).isSessionPresent();
        done(c.disconnect());
        MqttClient clean = MqttClient.create(vertx, options(clientId, true));
        done(clean.connect(broker.port(), broker.host()));
        done(clean.disconnect());
        return present;
    }

    /**
     * Publishes m{from} … m{to - 1} at QoS 1 and returns once the broker acknowledged each: a publish's
     * future completes when the message is written, and a disconnect right after it would drop those the
     * broker has not read yet.
     */
    private void publish(int from, int to) throws Exception {
        MqttClient c = MqttClient.create(
                vertx, options("publisher-" + UUID.randomUUID(), true).setMaxInflightQueue(1_000));
        java.util.concurrent.atomic.AtomicInteger acknowledged = new java.util.concurrent.atomic.AtomicInteger();
        c.publishCompletionHandler(id -> acknowledged.incrementAndGet());
        done(c.connect(broker.port(), broker.host()));
        for (int i = from; i < to; i++) {
            done(c.publish(topic, Buffer.buffer("m" + i), MqttQoS.AT_LEAST_ONCE, false, false));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> acknowledged.get() == to - from);
        done(c.disconnect());
    }

    private static MqttClientOptions options(String clientId, boolean clean) {
        return new MqttClientOptions().setClientId(clientId).setCleanSession(clean);
    }

    private static Set<String> payloads(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "m" + i).collect(Collectors.toSet());
    }

    private static <T> T done(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
