package org.otaplatform.simulator;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.messages.MqttPublishMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.otaplatform.contract.SubDeviceProof;
import org.otaplatform.contract.Topics;
import org.otaplatform.contract.UplinkType;
import org.otaplatform.contract.codec.Decoded;
import org.otaplatform.contract.codec.MessageCodec;
import org.otaplatform.contract.message.DownlinkMessage;
import org.otaplatform.contract.message.ErrorReply;
import org.otaplatform.contract.message.Hello;
import org.otaplatform.contract.message.SubDeviceAuth;
import org.otaplatform.contract.message.Topology;
import org.otaplatform.contract.message.VersionReport;

/**
 * A gateway with a broker account and bad intentions (protocol v1, "Sub-device registration and binding"):
 * after each connect it claims sub-devices of the fleet's other gateways without a proof, with a forged one,
 * with a proof it captured from their real gateway (replayed), with a stale one, invents a sub-device, and
 * reports a version for a sub-device it does not own. Every claim must come back refused; one the platform
 * does not refuse within 15 s is an error of the run.
 */
final class RogueGateway {

    private static final long ANSWER_WITHIN_MILLIS = 15_000;

    private final Fleet fleet;
    private final Stats stats;
    final String id;
    final Context context;
    private final Random random;
    /** msgId → how many claims it made, until its error reply comes. */
    private final Map<String, Integer> awaiting = new HashMap<>();

    private MqttClient client;
    private boolean stopping;
    private long counter;

    RogueGateway(Fleet fleet, String id, Context context, long seed) {
        this.fleet = fleet;
        this.stats = fleet.stats;
        this.id = id;
        this.context = context;
        this.random = new Random(seed);
    }

    void connect() {
        if (stopping) {
            return;
        }
        MqttClientOptions o = new MqttClientOptions()
                .setClientId(id)
                .setUsername(id)
                .setPassword(fleet.options.mqttPassword())
                .setCleanSession(true)
                .setMaxMessageSize(256 * 1024);
        MqttClient c = MqttClient.create(fleet.vertx, o);
        client = c;
        c.publishHandler(this::onMessage);
        c.closeHandler(v -> {
            if (!stopping) {
                fleet.vertx.setTimer(2_000, t -> connect());
            }
        });
        c.connect(fleet.options.brokerPort(), fleet.options.brokerHost())
                .compose(ack -> c.subscribe(Topics.downlinkFilter(id), MqttQoS.AT_LEAST_ONCE.value()))
                .onSuccess(x -> attack())
                .onFailure(e -> fleet.vertx.setTimer(2_000, t -> connect()));
    }

    Future<Void> stop() {
        stopping = true;
        return client != null && client.isConnected() ? client.disconnect() : Future.succeededFuture();
    }

    /** One round of hostile claims. */
    private void attack() {
        Options options = fleet.options;
        if (options.gateways() == 0 || options.devicesPerGateway() == 0) {
            return;
        }
        long now = System.currentTimeMillis();
        String product = options.productKey();
        List<Hello.SubDeviceSnapshot> stolen = new ArrayList<>();
        java.util.Set<String> named = new java.util.HashSet<>();
        for (int i = 0; i < 5; i++) {
            String victim = victim();
            if (named.add(victim)) {
                stolen.add(new Hello.SubDeviceSnapshot(product, victim, options.version(), true));
            }
        }
        stolen.add(new Hello.SubDeviceSnapshot(product, id + "-ghost-" + counter, options.version(), true));
        send(
                UplinkType.HELLO,
                new Hello(msgId(), now, new Hello.GatewayInfo(options.gatewayProductKey(), "rogue-1.0"), stolen),
                stolen.size());

        String forged = victim();
        claim(forged, new SubDeviceAuth(now, HexFormat.of().formatHex(bytes(32))));
        String target = victim();
        String secret = fleet.secrets.get(target);
        if (secret != null) {
            // a proof its real gateway sent, captured and replayed: it names that gateway
            String owner = target.substring(0, target.lastIndexOf("-d"));
            claim(
                    target,
                    new SubDeviceAuth(
                            now, SubDeviceProof.sign(secret, SubDeviceProof.deviceText(owner, product, target, now))));
            long stale = now - 20 * 60_000L;
            claim(
                    target,
                    new SubDeviceAuth(
                            stale, SubDeviceProof.sign(secret, SubDeviceProof.deviceText(id, product, target, stale))));
        }
        send(UplinkType.VERSION, new VersionReport(msgId(), now, product, victim(), "6.6.6-rogue"), 1);
    }

    private void claim(String deviceKey, SubDeviceAuth auth) {
        send(
                UplinkType.TOPOLOGY,
                new Topology(
                        msgId(),
                        System.currentTimeMillis(),
                        List.of(new Topology.AttachedSubDevice(
                                fleet.options.productKey(), deviceKey, fleet.options.version(), auth)),
                        List.of()),
                1);
    }

    private void send(UplinkType type, Object message, int claims) {
        String msgId = message instanceof Hello h
                ? h.msgId()
                : message instanceof Topology t ? t.msgId() : ((VersionReport) message).msgId();
        awaiting.put(msgId, claims);
        stats.rogueClaims.addAndGet(claims);
        client.publish(
                Topics.uplink(id, type),
                Buffer.buffer(MessageCodec.encode(message)),
                MqttQoS.AT_LEAST_ONCE,
                false,
                false);
        fleet.vertx.setTimer(ANSWER_WITHIN_MILLIS, t -> {
            Integer unanswered = awaiting.remove(msgId);
            if (unanswered != null) {
                stats.error("rogue gateway " + id + ": " + unanswered + " claim(s) of " + type.suffix() + " " + msgId
                        + " were not refused");
            }
        });
    }

    private void onMessage(MqttPublishMessage m) {
        var topic = Topics.parse(m.topicName()).filter(t -> t.gatewayId().equals(id));
        if (topic.isEmpty() || topic.get().downlink().isEmpty()) {
            return;
        }
        Decoded<DownlinkMessage> decoded = MessageCodec.decodeDownlink(
                topic.get().downlink().get(), m.payload().getBytes());
        if (decoded instanceof Decoded.Valid<DownlinkMessage> valid && valid.message() instanceof ErrorReply error) {
            Integer claims = awaiting.remove(error.inReplyTo());
            if (claims == null) {
                return;
            }
            if (error.devices() == null) {
                stats.rogueRefused(error.code().name(), claims);
                return;
            }
            error.devices().forEach(d -> stats.rogueRefused(d.code().name(), 1));
            if (error.devices().size() < claims) {
                stats.error(
                        "rogue gateway " + id + ": " + (claims - error.devices().size()) + " of " + claims
                                + " claims of " + error.inReplyTo() + " were not refused");
            }
        }
    }

    /** A sub-device of one of the fleet's gateways. */
    private String victim() {
        Options options = fleet.options;
        return Options.deviceKey(
                options.gatewayId(random.nextInt(options.gateways())), random.nextInt(options.devicesPerGateway()));
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private String msgId() {
        return id + "-" + (++counter);
    }
}
