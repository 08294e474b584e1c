package org.otaplatform.testkit;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttEndpoint;
import io.vertx.mqtt.MqttServer;
import io.vertx.mqtt.MqttServerOptions;
import io.vertx.mqtt.MqttTopicSubscription;
import io.vertx.mqtt.messages.MqttPublishMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A small MQTT 3.1.1 broker for machines without Mosquitto, built on the Vert.x MQTT server. It does
 * what the platform relies on: QoS 0 and 1 (QoS 2 is accepted and delivered as QoS 1), wildcards,
 * shared subscriptions ({@code $share/group/filter}, one member per message, round robin), last wills,
 * no retained messages (a client that sends one is disconnected, as Mosquitto does with the project's
 * {@code retain_available false}), and persistent sessions ({@code cleanSession=false}) that keep subscriptions,
 * queue messages while offline and re-send unacknowledged ones on reconnect. State lives in memory; it
 * is a development and test broker, not a production one.
 */
public final class EmbeddedMqttBroker {

    private static final Logger LOG = Logger.getLogger(EmbeddedMqttBroker.class.getName());

    private final Vertx vertx;
    private final MqttServer server;
    private final Map<String, Session> sessions = new HashMap<>();
    private final Map<String, Integer> sharedCursor = new HashMap<>();

    private EmbeddedMqttBroker(Vertx vertx, MqttServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    /** Starts the broker on host:port. */
    public static EmbeddedMqttBroker start(String host, int port, int maxMessageBytes) {
        Vertx vertx = Vertx.vertx();
        MqttServerOptions options = new MqttServerOptions()
                .setHost(host)
                .setPort(port)
                .setMaxMessageSize(maxMessageBytes)
                .setAutoClientId(true);
        MqttServer server = MqttServer.create(vertx, options);
        EmbeddedMqttBroker broker = new EmbeddedMqttBroker(vertx, server);
        server.endpointHandler(broker::connected);
        try {
            server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("cannot start the embedded MQTT broker on " + host + ":" + port, e);
        }
        return broker;
    }

    public void stop() {
        try {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warning("embedded MQTT broker did not stop cleanly: " + e.getMessage());
        }
    }

    private record Message(String topic, Buffer payload, MqttQoS qos) {}

    /** A client's session; survives disconnects when the client asked for a persistent one. */
    private static final class Session {
        final String clientId;
        final Map<String, MqttQoS> subscriptions = new LinkedHashMap<>();
        final Queue<Message> queued = new ArrayDeque<>();
        final Map<Integer, Message> unacked = new LinkedHashMap<>();
        MqttEndpoint endpoint;
        boolean clean;
        int lastPacketId;

        int nextPacketId() {
            do {
                lastPacketId = lastPacketId % 65_535 + 1;
            } while (unacked.containsKey(lastPacketId));
            return lastPacketId;
        }

        Session(String clientId) {
            this.clientId = clientId;
        }

        boolean online() {
            return endpoint != null && endpoint.isConnected();
        }
    }

    private synchronized void connected(MqttEndpoint endpoint) {
        String clientId = endpoint.clientIdentifier();
        Session session = sessions.get(clientId);
        if (session != null && session.online()) {
            // MQTT: a second connection with the same client id takes over; the first is closed
            MqttEndpoint previous = session.endpoint;
            session.endpoint = null;
            previous.close();
        }
        boolean present = session != null && !endpoint.isCleanSession() && !session.clean;
        if (session == null || endpoint.isCleanSession()) {
            session = new Session(clientId);
            sessions.put(clientId, session);
        }
        session.clean = endpoint.isCleanSession();
        session.endpoint = endpoint;
        Session current = session;
        boolean[] cleanDisconnect = {false};

        endpoint.publishAcknowledgeHandler(id -> acknowledged(current, id));
        endpoint.subscribeHandler(subscribe -> {
            List<MqttQoS> granted = new ArrayList<>();
            for (MqttTopicSubscription s : subscribe.topicSubscriptions()) {
                MqttQoS qos =
                        s.qualityOfService() == MqttQoS.EXACTLY_ONCE ? MqttQoS.AT_LEAST_ONCE : s.qualityOfService();
                granted.add(qos);
                subscribe(current, s.topicName(), qos);
            }
            endpoint.subscribeAcknowledge(subscribe.messageId(), granted);
        });
        endpoint.unsubscribeHandler(unsubscribe -> {
            unsubscribe(current, unsubscribe.topics());
            endpoint.unsubscribeAcknowledge(unsubscribe.messageId());
        });
        endpoint.publishHandler(message -> published(endpoint, message));
        endpoint.publishReleaseHandler(endpoint::publishComplete);
        endpoint.disconnectHandler(v -> cleanDisconnect[0] = true);
        endpoint.closeHandler(v -> closed(current, endpoint, cleanDisconnect[0]));
        endpoint.accept(present);
        if (present) {
            resume(current);
        }
    }

    private void published(MqttEndpoint endpoint, MqttPublishMessage message) {
        if (message.isRetain()) {
            // retained messages are refused: one account could otherwise fill the broker's memory with them
            LOG.warning(() -> "disconnecting " + endpoint.clientIdentifier() + ": it sent a retained message");
            endpoint.close();
            return;
        }
        try {
            route(new Message(message.topicName(), message.payload().copy(), capped(message.qosLevel())));
        } finally {
            switch (message.qosLevel()) {
                case AT_LEAST_ONCE -> endpoint.publishAcknowledge(message.messageId());
                case EXACTLY_ONCE -> endpoint.publishReceived(message.messageId());
                default -> {}
            }
        }
    }

    private synchronized void route(Message message) {
        Map<String, List<Session>> sharedGroups = new LinkedHashMap<>();
        Map<String, MqttQoS> sharedQos = new HashMap<>();
        for (Session session : sessions.values()) {
            MqttQoS best = null;
            for (Map.Entry<String, MqttQoS> sub : session.subscriptions.entrySet()) {
                String filter = sub.getKey();
                if (filter.startsWith("$share/")) {
                    String[] parts = filter.split("/", 3);
                    if (parts.length == 3 && matches(parts[2], message.topic())) {
                        sharedGroups
                                .computeIfAbsent(parts[1] + "/" + parts[2], k -> new ArrayList<>())
                                .add(session);
                        sharedQos.merge(
                                parts[1] + "/" + parts[2] + "#" + session.clientId,
                                sub.getValue(),
                                EmbeddedMqttBroker::max);
                    }
                } else if (matches(filter, message.topic())) {
                    best = best == null ? sub.getValue() : max(best, sub.getValue());
                }
            }
            if (best != null) {
                deliver(session, message, best);
            }
        }
        sharedGroups.forEach((group, members) -> {
            List<Session> online = members.stream().filter(Session::online).toList();
            List<Session> candidates = online.isEmpty() ? members : online;
            int cursor = sharedCursor.merge(group, 1, Integer::sum);
            Session chosen = candidates.get(Math.floorMod(cursor, candidates.size()));
            deliver(chosen, message, sharedQos.get(group + "#" + chosen.clientId));
        });
    }

    private void deliver(Session session, Message message, MqttQoS subscriptionQos) {
        MqttQoS qos = max(MqttQoS.AT_MOST_ONCE, min(message.qos(), subscriptionQos));
        Message out = new Message(message.topic(), message.payload(), qos);
        if (!session.online()) {
            if (!session.clean && qos == MqttQoS.AT_LEAST_ONCE) {
                session.queued.add(out);
            }
            return;
        }
        send(session, out, false);
    }

    private synchronized void send(Session session, Message message, boolean dup) {
        MqttEndpoint endpoint = session.endpoint;
        if (message.qos() == MqttQoS.AT_MOST_ONCE) {
            try {
                endpoint.publish(message.topic(), message.payload(), message.qos(), dup, false);
            } catch (RuntimeException e) {
                // at most once: a dead connection loses it
            }
            return;
        }
        // remembered before it is written, so that a PUBACK can never arrive before we know the id
        int packetId = session.nextPacketId();
        session.unacked.put(packetId, message);
        try {
            endpoint.publish(message.topic(), message.payload(), message.qos(), dup, false, packetId);
        } catch (RuntimeException e) {
            // the connection died and its close is not handled yet: the message stays unacknowledged and
            // is queued for the session when the close arrives
        }
    }

    private synchronized void acknowledged(Session session, int packetId) {
        session.unacked.remove(packetId);
    }

    private synchronized void resume(Session session) {
        List<Message> again = new ArrayList<>(session.unacked.values());
        session.unacked.clear();
        again.forEach(m -> send(session, m, true));
        while (!session.queued.isEmpty()) {
            send(session, session.queued.poll(), false);
        }
    }

    private synchronized void closed(Session session, MqttEndpoint endpoint, boolean cleanDisconnect) {
        if (session.endpoint != endpoint) {
            return; // taken over by a newer connection with the same client id
        }
        session.endpoint = null;
        if (!cleanDisconnect && endpoint.will() != null && endpoint.will().isWillFlag()) {
            var will = endpoint.will();
            route(new Message(
                    will.getWillTopic(),
                    will.getWillMessage() == null
                            ? Buffer.buffer()
                            : will.getWillMessage().copy(),
                    capped(MqttQoS.valueOf(will.getWillQos()))));
        }
        if (session.clean) {
            sessions.remove(session.clientId);
        } else {
            session.queued.addAll(session.unacked.values());
            session.unacked.clear();
        }
    }

    private synchronized void subscribe(Session session, String filter, MqttQoS qos) {
        session.subscriptions.put(filter, qos);
    }

    private synchronized void unsubscribe(Session session, List<String> filters) {
        filters.forEach(session.subscriptions::remove);
    }

    /** MQTT topic filter matching with {@code +} and {@code #}; {@code $} topics only match explicit filters. */
    static boolean matches(String filter, String topic) {
        if (topic.startsWith("$") && !filter.startsWith("$")) {
            return false;
        }
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= t.length) {
                return false;
            }
            if (!f[i].equals("+") && !f[i].equals(t[i])) {
                return false;
            }
        }
        return f.length == t.length;
    }

    private static MqttQoS capped(MqttQoS qos) {
        return qos == MqttQoS.EXACTLY_ONCE ? MqttQoS.AT_LEAST_ONCE : qos;
    }

    private static MqttQoS min(MqttQoS a, MqttQoS b) {
        return a.value() <= b.value() ? a : b;
    }

    private static MqttQoS max(MqttQoS a, MqttQoS b) {
        return a.value() >= b.value() ? a : b;
    }
}
