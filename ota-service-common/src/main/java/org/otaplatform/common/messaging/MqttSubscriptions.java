package org.otaplatform.common.messaging;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.messages.MqttPublishMessage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.otaplatform.common.reactive.InOrder;
import org.otaplatform.common.reactive.SafeContext;
import org.otaplatform.common.reactive.Watchdog;

/**
 * Incoming MQTT, acknowledged only after the handler's work is committed. Each subscription has its own
 * connection: messages are handled in the order the broker delivers them (those waiting together, where
 * the subscriber allows it, in one transaction: see {@link Work}), and a QoS 1
 * message is acknowledged (PUBACK) only when its handler's Uni completed — so the broker, not this
 * process, holds what is not done yet (its in-flight window is the flow control), and a handler that
 * fails on a transient fault (the database restarting) is tried again before the message is let go.
 *
 * <p>Why not quarkus-messaging-mqtt's {@code @Incoming}: its client acknowledges a QoS 1 message on
 * receipt, before the method ran (smallrye-reactive-messaging-mqtt 4.33.0, Quarkus 3.33.2), so a message
 * whose transaction fails or whose process dies before the commit would be lost; see
 * {@code ConnectorAcknowledgementTest}. The connector is still used for downlinks, where it only publishes.
 *
 * <p>With {@code ota.mqtt.instance-id} set to an id that is stable across restarts and unique among
 * replicas (a StatefulSet pod name), sessions are persistent (clean session off): what arrives while
 * the replica is down, and what it had not acknowledged when it died, is delivered when it returns.
 * Without it, sessions are clean and a crash loses the messages in flight to this replica.
 */
@ApplicationScoped
public class MqttSubscriptions {

    private static final Logger LOG = Logger.getLogger(MqttSubscriptions.class);
    /** A message is handled in milliseconds; one without an outcome after this is retried (see Watchdog). */
    private static final java.time.Duration HANDLER_LIMIT = java.time.Duration.ofSeconds(20);

    /** Back-off between attempts of a failing handler: doubling from the first, the last repeated while a fault lasts. */
    private static final java.time.Duration FIRST_RETRY = java.time.Duration.ofMillis(200);

    private static final java.time.Duration LAST_RETRY = java.time.Duration.ofSeconds(30);

    private final Vertx vertx;
    private final BrokerConnection broker;
    private final String clientIdBase;
    private final boolean persistent;
    private final List<Subscription> subscriptions = new ArrayList<>();
    private volatile boolean stopping;
    private final java.util.concurrent.atomic.AtomicLong lastBrokerBack = new java.util.concurrent.atomic.AtomicLong();
    private final jakarta.enterprise.event.Event<BrokerReconnected> brokerReconnected;
    private final MeterRegistry registry;

    MqttSubscriptions(
            Vertx vertx,
            BrokerConnection broker,
            @ConfigProperty(name = "ota.mqtt.instance-id") Optional<String> instanceId,
            jakarta.enterprise.event.Event<BrokerReconnected> brokerReconnected,
            MeterRegistry registry) {
        this.vertx = vertx;
        this.registry = registry;
        this.broker = broker;
        this.brokerReconnected = brokerReconnected;
        this.persistent = instanceId.filter(id -> !id.isBlank()).isPresent();
        this.clientIdBase = broker.application() + "-"
                + instanceId
                        .filter(id -> !id.isBlank())
                        .orElse(UUID.randomUUID().toString().substring(0, 8));
    }

    /**
     * Subscribes at QoS 1. {@code handler} gets (topic, payload) and returns when the message's effects are
     * committed; it runs on its own safe duplicated Vert.x context, so it may use Hibernate Reactive.
     *
     * @param name short, stable name of the subscription (part of the client id)
     */
    public void subscribe(String name, String topicFilter, BiFunction<String, byte[], Uni<Void>> handler) {
        subscribe(name, topicFilter, handler, () -> {});
    }

    /**
     * As {@link #subscribe(String, String, BiFunction)}; {@code afterReconnect} runs each time the
     * subscription is back after losing its connection (not the first time): what the broker lost while
     * it restarted may need to be done again.
     */
    public void subscribe(
            String name, String topicFilter, BiFunction<String, byte[], Uni<Void>> handler, Runnable afterReconnect) {
        subscribe(
                name,
                topicFilter,
                (topic, payload) -> Work.alone(() -> handler.apply(topic, payload)),
                null,
                afterReconnect);
    }

    /**
     * As {@link #subscribe(String, String, BiFunction)}, for a handler whose work joins the transaction it
     * finds (Panache's {@code withTransaction}, an {@link Inbox}): messages waiting together are applied
     * in one transaction (see {@link #subscribe(String, String, BiFunction, Function,
     * Runnable)}).
     */
    public void subscribeInBatches(String name, String topicFilter, BiFunction<String, byte[], Uni<Void>> handler) {
        subscribe(
                name,
                topicFilter,
                (topic, payload) -> Work.either(() -> handler.apply(topic, payload)),
                MqttSubscriptions::inOneTransaction,
                () -> {});
    }

    /** The default for a run of messages: each one's work in order, in one Panache transaction. */
    public static Uni<Void> inOneTransaction(List<Supplier<Uni<Void>>> run) {
        return Panache.withTransaction(() -> InOrder.each(run, Supplier::get));
    }

    /**
     * A message's work that may be applied together with others of its kind in a few set-based
     * statements ({@link #subscribeInStretches}); {@link #get()} applies it alone, inside the transaction
     * it finds.
     *
     * @param item what the set-based statements need of the message (decoded once)
     */
    public record Batchable<T>(T item, Supplier<Uni<Void>> oneByOne) implements Supplier<Uni<Void>> {
        @Override
        public Uni<Void> get() {
            return oneByOne.get();
        }
    }

    /**
     * As {@link #subscribe(String, String, BiFunction, Function, Runnable)}, with each run of messages
     * applied in one Panache transaction, in order: every stretch of consecutive {@link Batchable} works
     * goes to {@code setBased} (which applies their items with a few statements), every other work runs
     * alone. How many messages went set-based is counted in {@code ota.messages.set-based}, tagged with
     * the subscription's name.
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
                run -> MqttSubscriptions.<T>inStretches(run, setBased)
                        .invoke(n -> counter.increment(n))
                        .replaceWithVoid(),
                afterReconnect);
    }

    /** A run in one transaction, stretches set-based (see {@link #subscribeInStretches}); how many were. */
    @SuppressWarnings("unchecked")
    private static <T> Uni<Integer> inStretches(List<Supplier<Uni<Void>>> run, Function<List<T>, Uni<Void>> setBased) {
        List<List<Supplier<Uni<Void>>>> stretches = new ArrayList<>();
        for (Supplier<Uni<Void>> work : run) {
            List<Supplier<Uni<Void>>> last = stretches.isEmpty() ? null : stretches.get(stretches.size() - 1);
            if (last != null && (last.get(0) instanceof Batchable) == (work instanceof Batchable)) {
                last.add(work);
            } else {
                stretches.add(new ArrayList<>(List.of(work)));
            }
        }
        int count = (int) run.stream().filter(w -> w instanceof Batchable).count();
        return Panache.withTransaction(() -> InOrder.each(
                        stretches,
                        stretch -> stretch.get(0) instanceof Batchable
                                ? setBased.apply(stretch.stream()
                                        .map(w -> ((Batchable<T>) w).item())
                                        .toList())
                                : InOrder.each(stretch, Supplier::get)))
                .replaceWith(count);
    }

    /**
     * As {@link #subscribe(String, String, BiFunction, Runnable)}, and messages waiting together are applied
     * together: {@code prepare} looks at each message once (decoding, checks that need no database) and
     * says what to do with it; a run of messages whose {@link Work} may share a transaction is given to
     * {@code together} (their {@link Work#together()} in order), which applies them in one transaction
     * ({@link #inOneTransaction} does it one by one; a subscriber may apply the run with a few set-based
     * statements instead), and they are acknowledged after its commit. Should the shared transaction
     * fail, it is rolled back and each of its messages is handled alone, as if it had come by itself.
     */
    public void subscribe(
            String name,
            String topicFilter,
            BiFunction<String, byte[], Work> prepare,
            Function<List<Supplier<Uni<Void>>>, Uni<Void>> together,
            Runnable afterReconnect) {
        Subscription s = new Subscription(clientIdBase + "-" + name, topicFilter, prepare, together, afterReconnect);
        synchronized (subscriptions) {
            subscriptions.add(s);
        }
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
            subscriptions.forEach(Subscription::disconnect);
        }
    }

    /** Once per outage (the subscriptions reconnect within moments of each other). */
    private void brokerBack() {
        long now = System.currentTimeMillis();
        long last = lastBrokerBack.get();
        if (now - last > 10_000 && lastBrokerBack.compareAndSet(last, now)) {
            brokerReconnected.fire(new BrokerReconnected(java.time.Instant.ofEpochMilli(now)));
        }
    }

    /** Whether every subscription is connected (readiness). */
    public boolean connected() {
        synchronized (subscriptions) {
            return subscriptions.stream().allMatch(s -> s.subscribed);
        }
    }

    /**
     * What to do with one message: {@code alone} applies it in a transaction of its own and answers it as
     * it must be answered; {@code together}, when not null, applies it inside a transaction shared with
     * the messages around it, and fails (rolling them all back) where {@code alone} would refuse it.
     */
    public record Work(Supplier<Uni<Void>> alone, Supplier<Uni<Void>> together, Runnable committedTogether) {

        /** {@code committedTogether} runs after the shared transaction that applied it committed. */
        public Work {
            committedTogether = committedTogether == null ? () -> {} : committedTogether;
        }

        /** Handled alone only. */
        public static Work alone(Supplier<Uni<Void>> alone) {
            return new Work(alone, null, null);
        }

        /** The same work alone or together: it joins the transaction it finds, or opens its own. */
        public static Work either(Supplier<Uni<Void>> work) {
            return new Work(work, work, null);
        }
    }

    /** The most messages applied in one shared transaction (the broker sends at most 100 unacknowledged). */
    private static final int MAX_BATCH = 100;

    private record Received(MqttPublishMessage message, MqttClient via, Work work) {}

    private final class Subscription {
        private final String clientId;
        private final String filter;
        private final BiFunction<String, byte[], Work> prepare;
        private final Function<List<Supplier<Uni<Void>>>, Uni<Void>> together;
        private final Runnable afterReconnect;
        /** Received and not handled yet, with the connection that delivered each (its PUBACK goes there). */
        private final Deque<Received> queue = new ArrayDeque<>();

        private final CompletableFuture<Void> firstSubscribed = new CompletableFuture<>();
        private MqttClient client;
        private volatile boolean subscribed;
        private boolean busy;
        private int failedConnects;

        Subscription(
                String clientId,
                String filter,
                BiFunction<String, byte[], Work> prepare,
                Function<List<Supplier<Uni<Void>>>, Uni<Void>> together,
                Runnable afterReconnect) {
            this.clientId = clientId;
            this.filter = filter;
            this.prepare = prepare;
            this.together = together;
            this.afterReconnect = afterReconnect;
        }

        void connect() {
            if (stopping) {
                return;
            }
            MqttClientOptions options =
                    broker.options(clientId).setCleanSession(!persistent).setMaxInflightQueue(1_000);
            options.setAutoAck(false);
            MqttClient c = MqttClient.create(vertx, options);
            client = c;
            c.publishHandler(this::received);
            c.subscribeCompletionHandler(suback -> {
                subscribed = true;
                failedConnects = 0;
                if (!firstSubscribed.complete(null)) {
                    brokerBack();
                    try {
                        afterReconnect.run();
                    } catch (RuntimeException e) {
                        LOG.warnf(e, "after %s reconnected", clientId);
                    }
                }
            });
            c.closeHandler(v -> {
                subscribed = false;
                if (!stopping) {
                    LOG.warnf("MQTT subscription %s lost its connection; reconnecting", clientId);
                    vertx.setTimer(reconnectDelay(), t -> connect());
                }
            });
            c.connect(broker.port(), broker.host())
                    .compose(ack -> c.subscribe(filter, MqttQoS.AT_LEAST_ONCE.value()))
                    .onSuccess(id -> LOG.infof(
                            "subscribed %s to %s (%s session)", clientId, filter, persistent ? "persistent" : "clean"))
                    .onFailure(e -> {
                        LOG.warnf("MQTT subscription %s cannot connect: %s", clientId, e.getMessage());
                        if (client == c && !c.isConnected()) {
                            vertx.setTimer(reconnectDelay(), t -> connect());
                        }
                    });
        }

        /**
         * Back at once: every 0.1 s for the first 5 s, then every second. After a broker restart, what
         * gateways publish before this session is back may be lost (docs/reliability.md), and gateways
         * reconnect within a second or two; a refused connection attempt costs next to nothing.
         */
        private long reconnectDelay() {
            return failedConnects++ < 50 ? 100 : 1_000;
        }

        void disconnect() {
            MqttClient c = client;
            if (c != null && c.isConnected()) {
                c.disconnect();
            }
        }

        /** On the connection's event loop: prepare, queue, and start handling if idle. */
        private void received(MqttPublishMessage message) {
            Work work;
            try {
                work = prepare.apply(message.topicName(), message.payload().getBytes());
            } catch (RuntimeException e) {
                LOG.errorf(e, "cannot prepare a message on %s; dropping it", message.topicName());
                work = Work.alone(() -> Uni.createFrom().voidItem());
            }
            queue.add(new Received(message, client, work));
            if (!busy) {
                next();
            }
        }

        private void next() {
            Received first = queue.poll();
            if (first == null) {
                busy = false;
                return;
            }
            busy = true;
            List<Received> batch = new ArrayList<>();
            batch.add(first);
            while (together != null
                    && first.work().together() != null
                    && batch.size() < MAX_BATCH
                    && queue.peek() != null
                    && queue.peek().work().together() != null) {
                batch.add(queue.poll());
            }
            Context caller = vertx.getOrCreateContext();
            Runnable done = () -> caller.runOnContext(v -> {
                try {
                    batch.forEach(this::ack);
                } finally {
                    next();
                }
            });
            if (batch.size() == 1) {
                handle(first, done);
                return;
            }
            SafeContext.run(
                    vertx,
                    () -> Watchdog.limit(
                            together.apply(
                                    batch.stream().map(r -> r.work().together()).toList()),
                            HANDLER_LIMIT,
                            "handling " + batch.size() + " messages on " + filter),
                    ok -> {
                        batch.forEach(r -> r.work().committedTogether().run());
                        done.run();
                    },
                    failure -> {
                        LOG.debugf(
                                "%d messages on %s could not be applied together (%s); handling each alone",
                                batch.size(), filter, failure.getMessage());
                        caller.runOnContext(x -> alone(batch, 0, done));
                    });
        }

        /** Handles the batch's messages one by one from {@code index}, then {@code done}. */
        private void alone(List<Received> batch, int index, Runnable done) {
            if (index == batch.size()) {
                done.run();
                return;
            }
            handle(batch.get(index), () -> alone(batch, index + 1, done));
        }

        /** Acknowledges a message once its effects are committed, on the connection that delivered it. */
        private void ack(Received received) {
            MqttPublishMessage message = received.message();
            try {
                // a connection lost since: the broker re-delivers it (persistent session) or forgot it
                if (message.qosLevel() != MqttQoS.AT_MOST_ONCE
                        && received.via() == client
                        && received.via().isConnected()) {
                    message.ack();
                }
            } catch (RuntimeException e) {
                LOG.debugf("could not acknowledge a message on %s: %s", message.topicName(), e.getMessage());
            }
        }

        /**
         * Handles one message alone, then {@code done}. A fault of the infrastructure ({@link Failures}) is
         * waited out however long it lasts (the message stays unacknowledged, so nothing behind it is lost
         * either), with a back-off; anything else gets one more try and is then let go.
         */
        private void handle(Received received, Runnable done) {
            String topic = received.message().topicName();
            java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
            java.util.function.Predicate<Throwable> again =
                    failure -> !stopping && (Failures.transient_(failure) || failures.get() < 2);
            SafeContext.<Void>uni(
                            vertx,
                            () -> Watchdog.limit(
                                    received.work().alone().get(), HANDLER_LIMIT, "handling a message on " + topic))
                    .onFailure()
                    .invoke(failures::incrementAndGet)
                    .onFailure(again)
                    .invoke(failure -> LOG.warnf(
                            "handling a message on %s failed (%s); trying again (attempt %d)",
                            topic, failure.getMessage(), failures.get() + 1))
                    .onFailure(again)
                    .retry()
                    .withBackOff(FIRST_RETRY, LAST_RETRY)
                    .indefinitely()
                    .subscribe()
                    .with(ok -> done.run(), failure -> {
                        LOG.errorf(failure, "giving up a message on %s after %d attempts", topic, failures.get());
                        done.run();
                    });
        }
    }
}
