package org.otaplatform.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttEndpoint;
import io.vertx.mqtt.MqttServer;
import io.vertx.mqtt.MqttServerOptions;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.NotificationOptions;
import jakarta.enterprise.util.TypeLiteral;
import java.lang.annotation.Annotation;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
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
    private MqttServer server;
    private MqttSubscriptions subscriptions;
    private final List<Integer> pubacks = new CopyOnWriteArrayList<>();

    @BeforeEach
    void broker() throws Exception {
        vertx = Vertx.vertx();
        server = MqttServer.create(
                vertx, new MqttServerOptions().setHost("127.0.0.1").setPort(0));
        server.endpointHandler(this::accept);
        server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        BrokerConnection broker = new BrokerConnection(
                "127.0.0.1", server.actualPort(), 262_144, "retry-test", Optional.empty(), Optional.empty());
        subscriptions =
                new MqttSubscriptions(vertx, broker, Optional.empty(), new NoEvents(), new SimpleMeterRegistry());
    }

    @AfterEach
    void close() {
        subscriptions.stop(null);
        vertx.close();
    }

    /** After a client subscribes it gets one QoS 1 message. */
    private void accept(MqttEndpoint endpoint) {
        endpoint.publishAcknowledgeHandler(pubacks::add);
        endpoint.subscribeHandler(subscribe -> {
            endpoint.subscribeAcknowledge(
                    subscribe.messageId(),
                    subscribe.topicSubscriptions().stream()
                            .map(t -> t.qualityOfService())
                            .toList());
            endpoint.publish("ota/test", Buffer.buffer("{}"), MqttQoS.AT_LEAST_ONCE, false, false);
        });
        endpoint.accept(false);
    }

    @Test
    void aDatabaseThatIsAwayIsWaitedOutAndTheMessageAcknowledgedOnlyAfterItsWorkSucceeded() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        CompletableFuture<Void> succeeded = new CompletableFuture<>();
        subscriptions.subscribe("retry", "ota/test", (topic, payload) -> {
            if (attempts.incrementAndGet() <= 4) {
                assertThat(pubacks)
                        .as("no PUBACK while the work has not succeeded")
                        .isEmpty();
                return Uni.createFrom().failure(new PgException("terminating connection", "FATAL", "57P01", null));
            }
            succeeded.complete(null);
            return Uni.createFrom().voidItem();
        });

        succeeded.get(20, TimeUnit.SECONDS);
        awaitPubacks(1);
        assertThat(attempts).hasValue(5);
        assertThat(pubacks).hasSize(1);
    }

    @Test
    void aMessageItsWorkCannotApplyIsTriedTwiceAndLetGo() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        subscriptions.subscribe("refused", "ota/test", (topic, payload) -> {
            attempts.incrementAndGet();
            return Uni.createFrom().failure(new PgException("duplicate key", "ERROR", "23505", null));
        });

        awaitPubacks(1);
        assertThat(pubacks).hasSize(1);
        Thread.sleep(1_000);
        assertThat(attempts).hasValue(2);
    }

    private void awaitPubacks(int n) throws InterruptedException {
        long until = System.currentTimeMillis() + 20_000;
        while (pubacks.size() < n && System.currentTimeMillis() < until) {
            Thread.sleep(20);
        }
    }

    /** Nobody observes a reconnection here. */
    private static final class NoEvents implements Event<BrokerReconnected> {
        @Override
        public void fire(BrokerReconnected event) {}

        @Override
        public <U extends BrokerReconnected> CompletionStage<U> fireAsync(U event) {
            return CompletableFuture.completedFuture(event);
        }

        @Override
        public <U extends BrokerReconnected> CompletionStage<U> fireAsync(U event, NotificationOptions options) {
            return CompletableFuture.completedFuture(event);
        }

        @Override
        public Event<BrokerReconnected> select(Annotation... qualifiers) {
            return this;
        }

        @Override
        public <U extends BrokerReconnected> Event<U> select(Class<U> subtype, Annotation... qualifiers) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <U extends BrokerReconnected> Event<U> select(TypeLiteral<U> subtype, Annotation... qualifiers) {
            throw new UnsupportedOperationException();
        }
    }
}
