package org.otaplatform.simulator;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.messages.MqttPublishMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.otaplatform.contract.Topics;
import org.otaplatform.contract.UplinkType;
import org.otaplatform.contract.codec.MessageCodec;
import org.otaplatform.contract.message.Hello;
import org.otaplatform.contract.message.Offline;

/**
 * A simulated gateway's MQTT connection, as a careful vendor builds it: client id = username = gatewayId,
 * a last will on {@code up/offline}, a full-topology {@code hello} first after every connect, and uplink
 * messages kept while offline or unconfirmed by the broker and sent again after the next hello. With
 * {@code --await-publish} one uplink message is in flight at a time: the next goes only after the broker's
 * PUBACK, as gateways in the field are built. Used on the gateway's own Vert.x context only.
 */
final class GatewayConnection {

    private record Queued(UplinkType type, Object message) {}

    private final Fleet fleet;
    private final Options options;
    private final Stats stats;
    private final String id;
    private final Random random;
    private final Consumer<MqttPublishMessage> downlink;
    private final Supplier<Hello> hello;
    private final Runnable afterHello;

    private final Deque<Queued> queued = new ArrayDeque<>();
    /** Sent and not yet acknowledged by the broker (PUBACK), by packet id: sent again after a reconnect. */
    private final Map<Integer, Queued> unconfirmed = new LinkedHashMap<>();

    private final String msgPrefix = Long.toString(System.currentTimeMillis(), 36);
    private long msgCounter;
    private MqttClient client;
    private boolean online;
    private boolean stopping;
    private boolean dropped;
    /** Uplink messages published and not yet acknowledged: at most one with {@code --await-publish}. */
    private int inFlight;

    /**
     * @param downlink what to do with each message on the gateway's downlink topics
     * @param hello the gateway's {@code hello}, built when it is sent
     * @param afterHello what the gateway does once it said hello (requests, with {@code --requests})
     */
    GatewayConnection(
            Fleet fleet,
            String id,
            Random random,
            Consumer<MqttPublishMessage> downlink,
            Supplier<Hello> hello,
            Runnable afterHello) {
        this.fleet = fleet;
        this.options = fleet.options;
        this.stats = fleet.stats;
        this.id = id;
        this.random = random;
        this.downlink = downlink;
        this.hello = hello;
        this.afterHello = afterHello;
    }

    /** A message id unique to this connection's gateway. */
    String msgId() {
        return msgPrefix + "-" + (++msgCounter);
    }

    void connect() {
        if (stopping) {
            return;
        }
        MqttClientOptions o = new MqttClientOptions()
                .setClientId(id)
                .setUsername(id)
                .setPassword(options.mqttPassword())
                .setCleanSession(true)
                .setKeepAliveInterval(30)
                .setMaxInflightQueue(1_000)
                .setMaxMessageSize(256 * 1024)
                .setWillFlag(true)
                .setWillTopic(Topics.uplink(id, UplinkType.OFFLINE))
                .setWillMessageBytes(Buffer.buffer("{}"))
                .setWillQoS(MqttQoS.AT_LEAST_ONCE.value());
        MqttClient c = MqttClient.create(fleet.vertx, o);
        client = c;
        c.publishHandler(downlink::accept);
        c.publishCompletionHandler(packetId -> {
            unconfirmed.remove(packetId);
            if (c == client) {
                inFlight = Math.max(0, inFlight - 1);
                sendQueued();
            }
        });
        c.closeHandler(v -> onClosed(c));
        c.connect(options.brokerPort(), options.brokerHost())
                .compose(ack -> c.subscribe(Topics.downlinkFilter(id), MqttQoS.AT_LEAST_ONCE.value()))
                .onSuccess(packetId -> up())
                .onFailure(e -> {
                    if (client == c && !stopping && !dropped) {
                        fleet.vertx.setTimer(1_000 + random.nextInt(1_000), t -> connect());
                    }
                });
    }

    /** Connected and subscribed: the hello goes first, then what waited. */
    private void up() {
        online = true;
        stats.gatewaysOnline.incrementAndGet();
        stats.connects.incrementAndGet();
        queued.addFirst(new Queued(UplinkType.HELLO, hello.get()));
        sendQueued();
        afterHello.run();
    }

    private void onClosed(MqttClient closed) {
        if (closed != client) {
            return;
        }
        if (online) {
            online = false;
            stats.gatewaysOnline.decrementAndGet();
        }
        inFlight = 0;
        // what the broker never confirmed goes out again, first, after the next hello
        List<Queued> again = new ArrayList<>(unconfirmed.values());
        unconfirmed.clear();
        for (int k = again.size() - 1; k >= 0; k--) {
            queued.addFirst(again.get(k));
        }
        if (!stopping && !dropped) {
            fleet.vertx.setTimer(1_000 + random.nextInt(1_000), t -> connect()); // the broker went away
        }
    }

    /** Goes offline cleanly (publishing {@code offline} itself) for a while, then comes back. */
    void drop() {
        if (online && !stopping) {
            stats.drops.incrementAndGet();
            away(options.dropFor());
        }
    }

    /**
     * Reboots into new firmware: gone as a gateway whose power cycles goes (its {@code offline}, as its last will
     * would say), away for {@code rebootFor}, then back with a {@code hello} of what it runs then.
     */
    void reboot() {
        if (online && !stopping) {
            stats.reboots.incrementAndGet();
            away(options.rebootFor());
        }
    }

    private void away(java.time.Duration howLong) {
        dropped = true;
        MqttClient c = client;
        publishOffline(c).onComplete(ar -> c.disconnect());
        online = false;
        stats.gatewaysOnline.decrementAndGet();
        fleet.vertx.setTimer(Math.max(1, howLong.toMillis()), t -> {
            dropped = false;
            connect();
        });
    }

    /** A clean shutdown: {@code offline}, then DISCONNECT. */
    Future<Void> stop() {
        stopping = true;
        MqttClient c = client;
        if (c == null || !c.isConnected()) {
            return Future.succeededFuture();
        }
        if (online) {
            online = false;
            stats.gatewaysOnline.decrementAndGet();
        }
        return publishOffline(c).transform(ar -> c.disconnect());
    }

    private Future<Integer> publishOffline(MqttClient c) {
        return c.publish(
                Topics.uplink(id, UplinkType.OFFLINE),
                Buffer.buffer(MessageCodec.encode(new Offline(msgId(), System.currentTimeMillis()))),
                MqttQoS.AT_LEAST_ONCE,
                false,
                false);
    }

    /** The platform asked for the topology again ({@code down/resync}): a fresh {@code hello}, in turn. */
    void resync() {
        send(UplinkType.HELLO, hello.get());
    }

    /** Sends an uplink message now, or keeps it for later (offline, or another one awaiting its PUBACK). */
    void send(UplinkType type, Object message) {
        Queued q = new Queued(type, message);
        if (!online || (options.awaitPublish() && (inFlight > 0 || !queued.isEmpty()))) {
            queued.add(q);
            return;
        }
        try {
            publish(client, q);
        } catch (RuntimeException e) {
            queued.add(q); // the connection went away under us: sent after the next hello
        }
    }

    /** Sends what waited: all of it, or with {@code --await-publish} the next one once nothing is in flight. */
    private void sendQueued() {
        while (online && !queued.isEmpty() && !(options.awaitPublish() && inFlight > 0)) {
            Queued q = queued.poll();
            try {
                publish(client, q);
            } catch (RuntimeException e) {
                queued.addFirst(q);
                return;
            }
        }
    }

    private void publish(MqttClient c, Queued q) {
        inFlight++;
        try {
            c.publish(
                            Topics.uplink(id, q.type()),
                            Buffer.buffer(MessageCodec.encode(q.message())),
                            MqttQoS.AT_LEAST_ONCE,
                            false,
                            false)
                    .onSuccess(packetId -> {
                        if (c == client && c.isConnected()) {
                            unconfirmed.put(packetId, q);
                        } else {
                            queued.add(q);
                        }
                    })
                    .onFailure(e -> {
                        if (c == client) {
                            inFlight = Math.max(0, inFlight - 1);
                        }
                        queued.add(q);
                    });
        } catch (RuntimeException e) {
            inFlight--;
            throw e;
        }
    }
}
