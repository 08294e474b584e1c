package org.otaplatform.common.messaging;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.messages.MqttPublishMessage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * One subscription of {@link MqttSubscriptions}: the adapter to a Vert.x MQTT connection of its own with
 * auto-ack off, which reconnects by itself, gives what arrives to its {@link ArrivalOrder} handler, and
 * acknowledges each message (PUBACK, on the connection that delivered it) only once the handler says its
 * work committed. Why not the connector: {@code ConnectorAcknowledgementTest}.
 */
final class Subscription {

    private static final Logger LOG = Logger.getLogger(Subscription.class);
    private final Vertx vertx;
    private final MqttClientOptions options;
    private final String host;
    private final int port;
    final String clientId;
    private final String filter;
    private final BiFunction<String, byte[], Work> prepare;
    private final Function<List<Supplier<Uni<Void>>>, Uni<Void>> together;
    private final Runnable afterReconnect;
    private final BooleanSupplier stopping;
    private final DeadLetters deadLetters;
    private final ArrivalOrder handler;

    final CompletableFuture<Void> firstSubscribed = new CompletableFuture<>();
    private MqttClient client;
    private volatile boolean subscribed;
    private int failedConnects;
    /** Set once the session is being handed over or emptied: a lost connection is not replaced. */
    private volatile boolean leaving;
    /** When the last message arrived (ms); how a hand-over knows the session is empty. */
    private volatile long lastArrival;
    /** The marker topic of a drain under way (see {@link #whenDrained}), and whether it has come back. */
    private volatile String marker;

    private volatile boolean markerSeen;
    /** Messages received on this connection: what an emptied session held. */
    private long received;

    /**
     * @param options the connection's options (client id, session, account); auto-ack is turned off here
     * @param together applies a run of works in one transaction; null: every message alone
     * @param afterReconnect runs each time the subscription is back after losing its connection
     * @param stopping whether the service is shutting down (no reconnect, no retry)
     */
    Subscription(
            Vertx vertx,
            MqttClientOptions options,
            String host,
            int port,
            String filter,
            BiFunction<String, byte[], Work> prepare,
            Function<List<Supplier<Uni<Void>>>, Uni<Void>> together,
            Runnable afterReconnect,
            BooleanSupplier stopping,
            DeadLetters deadLetters) {
        this.vertx = vertx;
        options.setAutoAck(false);
        this.options = options.setMaxInflightQueue(1_000);
        this.host = host;
        this.port = port;
        this.clientId = options.getClientId();
        this.filter = filter;
        this.prepare = prepare;
        this.together = together;
        this.afterReconnect = afterReconnect;
        this.stopping = stopping;
        this.deadLetters = deadLetters;
        this.handler = new ArrivalOrder(vertx, filter, together, stopping, this::ack, deadLetters);
    }

    boolean subscribed() {
        return subscribed;
    }

    void connect() {
        if (stopping.getAsBoolean() || leaving) {
            return;
        }
        MqttClient c = MqttClient.create(vertx, options);
        client = c;
        c.publishHandler(this::received);
        c.subscribeCompletionHandler(suback -> {
            subscribed = true;
            failedConnects = 0;
            if (!firstSubscribed.complete(null)) {
                try {
                    afterReconnect.run();
                } catch (RuntimeException e) {
                    LOG.warnf(e, "after %s reconnected", clientId);
                }
            }
        });
        c.closeHandler(v -> {
            subscribed = false;
            if (!stopping.getAsBoolean() && !leaving) {
                LOG.warnf("MQTT subscription %s lost its connection; reconnecting", clientId);
                vertx.setTimer(reconnectDelay(), t -> connect());
            }
        });
        c.connect(port, host)
                .compose(ack -> c.subscribe(filter, MqttQoS.AT_LEAST_ONCE.value()))
                .onSuccess(id -> LOG.infof(
                        "subscribed %s to %s (%s session)",
                        clientId, filter, options.isCleanSession() ? "clean" : "persistent"))
                .onFailure(e -> {
                    LOG.warnf("MQTT subscription %s cannot connect: %s", clientId, e.getMessage());
                    if (client == c && !c.isConnected()) {
                        vertx.setTimer(reconnectDelay(), t -> connect());
                    }
                });
    }

    /**
     * Back at once: every 0.1 s for the first 5 s, then every second. After a broker restart, what gateways
     * publish before this session is back may be lost (docs/reliability.md), and gateways reconnect within a
     * second or two; a refused connection attempt costs next to nothing.
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

    /**
     * The same subscription under another client id, to empty a departed replica's session
     * ({@link #empty()}): its messages are handled as this subscription's own.
     */
    Subscription forSession(String otherClientId) {
        return new Subscription(
                vertx,
                new MqttClientOptions(options).setClientId(otherClientId).setCleanSession(false),
                host,
                port,
                filter,
                prepare,
                together,
                () -> {},
                stopping,
                deadLetters);
    }

    /**
     * Hands this replica's share over to the other members of the group before it leaves for good: stops
     * taking new messages (UNSUBSCRIBE: the broker gives the group's messages to the others), handles what
     * is on its way until nothing arrived for {@code quiet}, disconnects and discards the session. Returns
     * how many messages came after the unsubscribe. On failure the session is left as it is.
     */
    Future<Long> handOver(long quiet) {
        leaving = true;
        MqttClient c = client;
        if (c == null || !c.isConnected()) {
            return Future.failedFuture(clientId + " is not connected");
        }
        received = 0;
        Promise<Long> drained = Promise.promise();
        c.closeHandler(v -> {
            subscribed = false;
            drained.tryFail(clientId + " lost its connection while handing over");
        });
        c.unsubscribeCompletionHandler(id -> whenDrained(c, quiet, drained));
        c.unsubscribe(filter).onFailure(drained::tryFail);
        return drained.future()
                .compose(n -> c.disconnect().compose(v -> discard()).map(n));
    }

    /**
     * Empties the session of a replica that is gone (this subscription came from {@link #forSession}):
     * connects as it, unsubscribes at once, handles what the session held until nothing arrived for
     * {@code quiet}, and disconnects. Fails if the connection is lost meanwhile: its owner came back and
     * took its session over, and carries on with what is left. Returns how many messages it held.
     */
    Future<Long> empty(long quiet) {
        leaving = true;
        MqttClient c = MqttClient.create(vertx, options);
        client = c;
        Promise<Long> drained = Promise.promise();
        c.publishHandler(this::received);
        c.closeHandler(v -> drained.tryFail(clientId + " was taken over (its replica is back?)"));
        c.unsubscribeCompletionHandler(id -> whenDrained(c, quiet, drained));
        c.connect(port, host).compose(ack -> c.unsubscribe(filter)).onFailure(drained::tryFail);
        return drained.future().compose(n -> c.disconnect().map(n));
    }

    /** Removes this client id's session from the broker: a clean connection, at once closed. */
    Future<Void> discard() {
        MqttClient c = MqttClient.create(vertx, new MqttClientOptions(options).setCleanSession(true));
        return c.connect(port, host).compose(ack -> c.disconnect());
    }

    /**
     * Completes {@code done} with the messages received once the session has nothing left for this
     * subscription and all of it is handled. After the UNSUBSCRIBE nothing new is routed to the session, so
     * the session's queue is what it holds now: the connection subscribes to a topic of its own and
     * publishes a marker there, which the broker queues behind everything else the session holds; once the
     * marker has arrived and the handler is idle, nothing is left. (A quiet period alone once ended a
     * hand-over while a slow broker still held messages, which the discarded session then lost.) Should the
     * marker not come back within {@link #MARKER_WAIT_MS}, {@code quiet} ms without a message decide.
     */
    private void whenDrained(MqttClient c, long quiet, Promise<Long> done) {
        long started = System.currentTimeMillis();
        lastArrival = started;
        String topic = MARKER_TOPIC + clientId + "/" + java.util.UUID.randomUUID();
        marker = topic;
        markerSeen = false;
        c.subscribe(topic, MqttQoS.AT_LEAST_ONCE.value())
                .compose(id -> c.publish(topic, Buffer.buffer("drained?"), MqttQoS.AT_LEAST_ONCE, false, false))
                .onFailure(e -> LOG.debugf("the drain marker of %s could not be sent: %s", clientId, e.getMessage()));
        vertx.setPeriodic(Math.max(50, Math.min(250, quiet / 4)), timer -> {
            long now = System.currentTimeMillis();
            boolean markerBack = markerSeen;
            boolean quietFallback = now - started >= MARKER_WAIT_MS && now - lastArrival >= quiet;
            if (done.future().isComplete()) {
                vertx.cancelTimer(timer);
            } else if (handler.idle() && (markerBack || quietFallback)) {
                vertx.cancelTimer(timer);
                done.tryComplete(received);
            }
        });
    }

    /** Where a draining session's marker goes: a topic of its own under the services' internal prefix. */
    static final String MARKER_TOPIC = "ota/internal/v1/handover/";

    /** How long a drain waits for its marker before a quiet period decides instead. */
    static final long MARKER_WAIT_MS = 30_000;

    /** How long the message being handled has been waiting for its work to commit (0: none). */
    long stalledMillis() {
        return handler.stalledMillis();
    }

    /** On the connection's event loop: prepare, queue, and start handling if idle. */
    private void received(MqttPublishMessage message) {
        if (marker != null && marker.equals(message.topicName())) {
            markerSeen = true;
            if (message.qosLevel() != MqttQoS.AT_MOST_ONCE) {
                message.ack();
            }
            return;
        }
        lastArrival = System.currentTimeMillis();
        received++;
        byte[] payload = message.payload().getBytes();
        handler.add(new ArrivalOrder.Received(
                message.topicName(), payload, message, client, prepared(message.topicName(), payload)));
    }

    /** What to do with a message; one that cannot even be prepared becomes a dead letter. */
    private Work prepared(String topic, byte[] payload) {
        try {
            return prepare.apply(topic, payload);
        } catch (RuntimeException e) {
            LOG.errorf(e, "cannot prepare a message on %s", topic);
            return Work.alone(() -> Uni.createFrom().failure(e));
        }
    }

    /** Whether a message on {@code topic} is one of this subscription's. */
    boolean matches(String topic) {
        return !topic.contains("+") && !topic.contains("#") && topicMatches(filter, topic);
    }

    /** Runs a replayed message's work alone (no acknowledgement: it came from the dead letters). */
    Uni<Void> replay(String topic, byte[] payload) {
        return org.otaplatform.common.reactive.SafeContext.uni(
                vertx, () -> prepared(topic, payload).alone().get());
    }

    /**
     * MQTT topic filter matching: {@code +} one level, a trailing {@code #} the rest; a shared
     * subscription's {@code $share/group/} prefix is not part of the topics it matches.
     */
    static boolean topicMatches(String filter, String topic) {
        String plain = filter.startsWith("$share/") ? filter.substring(filter.indexOf('/', 7) + 1) : filter;
        String[] f = plain.split("/", -1);
        String[] t = topic.split("/", -1);
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= t.length || !(f[i].equals("+") || f[i].equals(t[i]))) {
                return false;
            }
        }
        return f.length == t.length;
    }

    /** Acknowledges a message once its effects are committed, on the connection that delivered it. */
    private void ack(ArrivalOrder.Received received) {
        MqttPublishMessage message = received.message();
        try {
            // a connection lost since: the broker re-delivers it (persistent session) or forgot it
            if (message != null
                    && message.qosLevel() != MqttQoS.AT_MOST_ONCE
                    && received.via() == client
                    && received.via().isConnected()) {
                message.ack();
            }
        } catch (RuntimeException e) {
            LOG.debugf("could not acknowledge a message on %s: %s", message.topicName(), e.getMessage());
        }
    }
}
