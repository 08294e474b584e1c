package org.otaplatform.common.messaging;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Incoming MQTT, acknowledged only after the handler's work is committed. Each subscription has its own
 * connection ({@link Subscription}): messages are handled in the order the broker delivers them (those
 * waiting together, where the subscriber allows it, in one transaction: see {@link Work}), and a QoS 1
 * message is acknowledged (PUBACK) only when its handler's Uni completed, so the broker, not this process,
 * holds what is not done yet (its in-flight window is the flow control), and a handler that fails on a
 * transient fault (the database restarting) is tried again for as long as the fault lasts; one that fails
 * for a reason of its own is kept as a dead letter ({@link DeadLetters}) before it is acknowledged.
 *
 * <p>Why not quarkus-messaging-mqtt's {@code @Incoming}: its client acknowledges a QoS 1 message on
 * receipt, before the method ran (smallrye-reactive-messaging-mqtt 4.33.0, Quarkus 3.33.2), so a message
 * whose transaction fails or whose process dies before the commit would be lost; see
 * {@code ConnectorAcknowledgementTest}. The connector is still used for downlinks, where it only publishes.
 *
 * <p>With {@code ota.mqtt.instance-id} set to an id that is stable across restarts and unique among
 * replicas (a StatefulSet pod name), sessions are persistent (clean session off): what arrives while the
 * replica is down, and what it had not acknowledged when it died, is delivered when it returns. Without
 * it, sessions are clean and a crash loses the messages in flight to this replica.
 */
@ApplicationScoped
public class MqttSubscriptions {

    private static final Logger LOG = Logger.getLogger(MqttSubscriptions.class);

    private final Vertx vertx;
    private final BrokerConnection broker;
    private final String clientIdBase;
    private final String instanceId;
    private final boolean persistent;
    /** By name (the end of the client id). */
    private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
    /** How long a session must have been silent before a hand-over counts it empty. */
    static final long QUIET_MS = 1_000;

    private volatile boolean stopping;
    private final AtomicLong lastBrokerBack = new AtomicLong();
    private final Event<BrokerReconnected> brokerReconnected;
    private final MeterRegistry registry;
    private final DeadLetters deadLetters;

    MqttSubscriptions(
            Vertx vertx,
            BrokerConnection broker,
            @ConfigProperty(name = "ota.mqtt.instance-id") Optional<String> instanceId,
            Event<BrokerReconnected> brokerReconnected,
            MeterRegistry registry,
            DeadLetters deadLetters) {
        this.vertx = vertx;
        this.deadLetters = deadLetters;
        this.registry = registry;
        this.broker = broker;
        this.brokerReconnected = brokerReconnected;
        this.persistent = instanceId.filter(id -> !id.isBlank()).isPresent();
        this.instanceId = instanceId
                .filter(id -> !id.isBlank())
                .orElse(UUID.randomUUID().toString().substring(0, 8));
        this.clientIdBase = broker.application() + "-" + this.instanceId;
    }

    /**
     * Subscribes at QoS 1. {@code handler} gets (topic, payload) and returns when the message's effects are
     * committed; it runs on its own safe duplicated Vert.x context, so it may use Hibernate Reactive.
     *
     * @param name short, stable name of the subscription (part of the client id)
     */
    public void subscribe(String name, String topicFilter, BiFunction<String, byte[], Uni<Void>> handler) {
        subscribe(
                name, topicFilter, (topic, payload) -> Work.alone(() -> handler.apply(topic, payload)), null, () -> {});
    }

    /**
     * As {@link #subscribe(String, String, BiFunction)}, for a handler whose work joins the transaction it
     * finds (Panache's {@code withTransaction}, an {@link Inbox}): messages waiting together are applied in
     * one transaction ({@link Runs#inOneTransaction}).
     */
    public void subscribeInBatches(String name, String topicFilter, BiFunction<String, byte[], Uni<Void>> handler) {
        subscribe(
                name,
                topicFilter,
                (topic, payload) -> Work.either(() -> handler.apply(topic, payload)),
                Runs::inOneTransaction,
                () -> {});
    }

    /**
     * As {@link #subscribe(String, String, BiFunction, Function, Runnable)}, with each run of messages applied
     * in one Panache transaction, in order: every stretch of consecutive {@link Work.Batchable} works goes to
     * {@code setBased} (which applies their items with a few statements), every other work runs alone. How
     * many messages went set-based is counted in {@code ota.messages.set-based}, tagged with the
     * subscription's name.
     */
    public <T> void subscribeInStretches(
            String name,
            String topicFilter,
            BiFunction<String, byte[], Work> prepare,
            Function<List<T>, Uni<Void>> setBased,
            Runnable afterReconnect) {
        Counter counter = Counter.builder("ota.messages.set-based")
                .description("messages applied in set-based stretches")
                .tag("subscription", name)
                .register(registry);
        subscribe(
                name,
                topicFilter,
                prepare,
                run -> Runs.<T>inStretches(run, setBased)
                        .invoke(n -> counter.increment(n))
                        .replaceWithVoid(),
                afterReconnect);
    }

    /**
     * Subscribes at QoS 1, and messages waiting together are applied together: {@code prepare} looks at each
     * message once (decoding, checks that need no database) and says what to do with it; a run of messages
     * whose {@link Work} may share a transaction is given to {@code together} (their {@link Work#together()}
     * in order), which applies them in one transaction, and they are acknowledged after its commit. Should
     * the shared transaction fail, it is rolled back and each of its messages is handled alone, as if it had
     * come by itself. {@code afterReconnect} runs each time the subscription is back after losing its
     * connection (not the first time): what the broker lost while it restarted may need to be done again.
     */
    public void subscribe(
            String name,
            String topicFilter,
            BiFunction<String, byte[], Work> prepare,
            Function<List<Supplier<Uni<Void>>>, Uni<Void>> together,
            Runnable afterReconnect) {
        Subscription s = new Subscription(
                vertx,
                broker.options(clientIdBase + "-" + name).setCleanSession(!persistent),
                broker.host(),
                broker.port(),
                topicFilter,
                prepare,
                together,
                () -> {
                    brokerBack();
                    afterReconnect.run();
                },
                () -> stopping,
                deadLetters);
        synchronized (subscriptions) {
            subscriptions.put(name, s);
        }
        Gauge.builder("ota.messages.stalled", s, x -> x.stalledMillis() / 1000.0)
                .description("how long the message being handled has waited for its work to commit; meanwhile"
                        + " the broker queues this subscription's messages")
                .baseUnit("seconds")
                .tag("subscription", name)
                .register(registry);
        vertx.getOrCreateContext().runOnContext(v -> s.connect());
        if (!Context.isOnEventLoopThread()) {
            // at start-up: the service is not up before it listens (it keeps trying in the background)
            try {
                s.firstSubscribed.get(15, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                LOG.warnf("%s is not subscribed yet to %s; it keeps trying", s.clientId, topicFilter);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                LOG.warnf("%s: %s", s.clientId, e.getMessage());
            }
        }
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        synchronized (subscriptions) {
            subscriptions.values().forEach(Subscription::disconnect);
        }
    }

    /** Whether the sessions are persistent (a stable instance id), the only ones that can strand messages. */
    public boolean persistent() {
        return persistent;
    }

    /** This replica's instance id (random for clean sessions). */
    public String instanceId() {
        return instanceId;
    }

    /**
     * Before this replica leaves for good, while other replicas stay: every subscription stops taking the
     * group's messages, handles what is on its way, disconnects and discards its session (see
     * {@link SessionHandover}). Yields how many messages arrived meanwhile.
     */
    public Uni<Long> handOver() {
        return all(s -> s.handOver(QUIET_MS));
    }

    /**
     * Empties the sessions a departed replica of this service left on the broker: each of this service's
     * subscriptions, under that replica's client id, handles what the session held (see {@link
     * SessionHandover}). Fails if the replica takes its sessions back meanwhile. Yields the messages handled.
     */
    public Uni<Long> empty(String departedInstanceId) {
        String base = broker.application() + "-" + departedInstanceId + "-";
        return all((name, s) -> s.forSession(base + name).empty(QUIET_MS));
    }

    /** Removes a departed replica's (emptied) sessions from the broker. */
    public Uni<Long> discard(String departedInstanceId) {
        String base = broker.application() + "-" + departedInstanceId + "-";
        return all((name, s) -> s.forSession(base + name).discard().map(0L));
    }

    private Uni<Long> all(Function<Subscription, io.vertx.core.Future<Long>> each) {
        return all((name, s) -> each.apply(s));
    }

    private Uni<Long> all(BiFunction<String, Subscription, io.vertx.core.Future<Long>> each) {
        List<Uni<Long>> unis;
        synchronized (subscriptions) {
            unis = subscriptions.entrySet().stream()
                    .map(e -> Uni.createFrom()
                            .completionStage(
                                    () -> each.apply(e.getKey(), e.getValue()).toCompletionStage()))
                    .toList();
        }
        if (unis.isEmpty()) {
            return Uni.createFrom().item(0L);
        }
        return Uni.join()
                .all(unis)
                .andFailFast()
                .map(counts -> counts.stream().mapToLong(Long::longValue).sum());
    }

    /** Once per outage (the subscriptions reconnect within moments of each other). */
    private void brokerBack() {
        long now = System.currentTimeMillis();
        long last = lastBrokerBack.get();
        if (now - last > 10_000 && lastBrokerBack.compareAndSet(last, now)) {
            brokerReconnected.fire(new BrokerReconnected(Instant.ofEpochMilli(now)));
        }
    }

    /**
     * Runs a dead letter's message again through the subscription it came from, alone and once: the Uni
     * fails as the work fails (or when no subscription of this service takes the topic).
     */
    public Uni<Void> replay(String topic, byte[] payload) {
        Subscription match;
        synchronized (subscriptions) {
            match = subscriptions.values().stream()
                    .filter(s -> s.matches(topic))
                    .findFirst()
                    .orElse(null);
        }
        if (match == null) {
            return Uni.createFrom()
                    .failure(new IllegalStateException("no subscription of this service takes " + topic));
        }
        return match.replay(topic, payload);
    }

    /** Whether every subscription is connected (readiness). */
    public boolean connected() {
        synchronized (subscriptions) {
            return subscriptions.values().stream().allMatch(Subscription::subscribed);
        }
    }
}
