package org.otaplatform.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A message whose handler fails is acknowledged only once the handler succeeded, if the failure is the
 * infrastructure's ({@link Failures}), however often; a failure of the work itself gets one more try. A
 * Vert.x MQTT server stands in for the broker and records the subscriber's PUBACKs.
 */
class MqttSubscriptionsRetryTest {

    private Vertx vertx;
    private StandInBroker broker;
    private MqttSubscriptions subscriptions;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final java.util.List<String> deadLetters = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void broker() throws Exception {
        vertx = Vertx.vertx();
        broker = new StandInBroker(vertx);
        BrokerConnection connection = new BrokerConnection(
                "127.0.0.1", broker.port(), 262_144, "retry-test", Optional.empty(), Optional.empty());
        DeadLetters stored = new DeadLetters(registry, null) {
            @Override
            Uni<Void> store(String subscription, String topic, byte[] payload, Throwable failure, int attempts) {
                assertThat(broker.pubacks())
                        .as("stored before it is acknowledged")
                        .isEmpty();
                deadLetters.add(topic + " " + new String(payload) + " after " + attempts + ": " + reasonOf(failure));
                return Uni.createFrom().voidItem();
            }
        };
        subscriptions = new MqttSubscriptions(vertx, connection, Optional.empty(), new NoEvents(), registry, stored);
    }

    @AfterEach
    void close() {
        subscriptions.stop(null);
        vertx.close();
    }

    @Test
    void aDatabaseThatIsAwayIsWaitedOutAndTheMessageAcknowledgedOnlyAfterItsWorkSucceeded() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        CompletableFuture<Void> succeeded = new CompletableFuture<>();
        java.util.concurrent.atomic.AtomicReference<Double> stalledAtFourth =
                new java.util.concurrent.atomic.AtomicReference<>();
        subscriptions.subscribe("retry", "ota/test", (topic, payload) -> {
            if (attempts.incrementAndGet() == 4) {
                stalledAtFourth.set(stalledSeconds("retry"));
            }
            if (attempts.get() <= 4) {
                assertThat(broker.pubacks())
                        .as("no PUBACK while the work has not succeeded")
                        .isEmpty();
                return Uni.createFrom().failure(new PgException("terminating connection", "FATAL", "57P01", null));
            }
            succeeded.complete(null);
            return Uni.createFrom().voidItem();
        });

        succeeded.get(20, TimeUnit.SECONDS);
        broker.awaitPubacks(1);
        assertThat(attempts).hasValue(5);
        assertThat(broker.pubacks()).hasSize(1);
        assertThat(stalledAtFourth.get())
                .as("the stalled gauge after three failures (0.2 + 0.4 + 0.8 s of back-off)")
                .isGreaterThanOrEqualTo(1.0);
        assertThat(stalledSeconds("retry"))
                .as("the stalled gauge once it went through")
                .isZero();
    }

    private double stalledSeconds(String subscription) {
        return registry.get("ota.messages.stalled")
                .tag("subscription", subscription)
                .gauge()
                .value();
    }

    @Test
    void aMessageItsWorkCannotApplyIsTriedThreeTimesThenKeptAsADeadLetterAndAcknowledged() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        subscriptions.subscribe("refused", "ota/test", (topic, payload) -> {
            attempts.incrementAndGet();
            return Uni.createFrom().failure(new PgException("duplicate key", "ERROR", "23505", null));
        });

        broker.awaitPubacks(1);
        assertThat(broker.pubacks()).hasSize(1);
        // three attempts, and no fourth however long we look
        org.awaitility.Awaitility.await()
                .during(java.time.Duration.ofSeconds(1))
                .atMost(java.time.Duration.ofSeconds(3))
                .until(() -> attempts.get() == 3);
        assertThat(deadLetters)
                .singleElement()
                .asString()
                .startsWith("ota/test ")
                .contains("after 3: PgException");
    }

    @Test
    void sharedSubscriptionFiltersMatchTheirTopicsForAReplay() {
        assertThat(Subscription.topicMatches("$share/dg/ota/v1/gw/+/up/#", "ota/v1/gw/g1/up/progress"))
                .isTrue();
        assertThat(Subscription.topicMatches("ota/internal/v1/device/events", "ota/internal/v1/device/events"))
                .isTrue();
        assertThat(Subscription.topicMatches("ota/v1/gw/+/up/ack", "ota/v1/gw/g1/up/progress"))
                .isFalse();
        assertThat(Subscription.topicMatches("ota/v1/gw/+/up/ack", "ota/v1/gw/g1/x/up/ack"))
                .isFalse();
    }
}
