package org.otaplatform.common.messaging;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Publishing at QoS 1 on a connection of its own, where a publish completes only when the broker
 * acknowledged it (PUBACK), not when it was written to the socket: the {@link OutboxRelay} marks a
 * message published only then, and keeps a bounded number waiting for their PUBACK. A publish while the
 * connection is down, or cut before its PUBACK, fails; the message stays in the outbox and goes again.
 */
@ApplicationScoped
public class MqttPublisher {

    private static final Logger LOG = Logger.getLogger(MqttPublisher.class);
    /** Published and not acknowledged yet, at most (the relay keeps far fewer). */
    private static final int MAX_IN_FLIGHT = 10_000;

    private final Vertx vertx;
    private final BrokerConnection broker;
    private final String clientId;
    private final Map<Integer, Promise<Void>> awaitingAck = new HashMap<>();
    /** PUBACKs that overtook the completion of their own write. */
    private final Set<Integer> ackedEarly = new HashSet<>();

    private Context context;
    private MqttClient client;
    private volatile boolean connected;
    private volatile boolean stopping;

    MqttPublisher(Vertx vertx, BrokerConnection broker) {
        this.vertx = vertx;
        this.broker = broker;
        // publishing needs no session: a fresh id per process never evicts another replica's connection
        this.clientId =
                broker.application() + "-out-" + UUID.randomUUID().toString().substring(0, 8);
    }

    void start(@Observes StartupEvent event) {
        context = vertx.getOrCreateContext();
        context.runOnContext(v -> connect());
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        MqttClient c = client;
        if (c != null && c.isConnected()) {
            c.disconnect();
        }
    }

    /** Publishes at QoS 1; the Uni completes when the broker acknowledged the message. */
    public Uni<Void> publish(String topic, byte[] payload) {
        return Uni.createFrom()
                .emitter(emitter -> context.runOnContext(v -> {
                    MqttClient c = client;
                    if (!connected || c == null) {
                        emitter.fail(new java.io.IOException("not connected to the MQTT broker"));
                        return;
                    }
                    Promise<Void> acked = Promise.promise();
                    acked.future().onComplete(ar -> {
                        if (ar.succeeded()) {
                            emitter.complete(null);
                        } else {
                            emitter.fail(ar.cause());
                        }
                    });
                    try {
                        c.publish(topic, Buffer.buffer(payload), MqttQoS.AT_LEAST_ONCE, false, false)
                                .onSuccess(packetId -> {
                                    if (ackedEarly.remove(packetId)) {
                                        acked.tryComplete();
                                    } else {
                                        awaitingAck.put(packetId, acked);
                                    }
                                })
                                .onFailure(acked::tryFail);
                    } catch (RuntimeException e) {
                        acked.tryFail(e); // the client's in-flight queue is full
                    }
                }));
    }

    private void connect() {
        if (stopping) {
            return;
        }
        MqttClientOptions options =
                broker.options(clientId).setCleanSession(true).setMaxInflightQueue(MAX_IN_FLIGHT);
        MqttClient c = MqttClient.create(vertx, options);
        client = c;
        c.publishCompletionHandler(packetId -> {
            Promise<Void> acked = awaitingAck.remove(packetId);
            if (acked != null) {
                acked.tryComplete();
            } else {
                ackedEarly.add(packetId);
            }
        });
        c.closeHandler(v -> {
            connected = false;
            failAwaiting("the connection to the MQTT broker was lost before its acknowledgement");
            if (!stopping) {
                LOG.warn("MQTT publisher lost its connection; reconnecting");
                vertx.setTimer(500, t -> context.runOnContext(x -> connect()));
            }
        });
        c.connect(broker.port(), broker.host())
                .onSuccess(ack -> {
                    connected = true;
                    LOG.infof("publishing as %s", clientId);
                })
                .onFailure(e -> {
                    LOG.warnf("MQTT publisher cannot connect: %s", e.getMessage());
                    if (client == c && !c.isConnected()) {
                        vertx.setTimer(500, t -> context.runOnContext(x -> connect()));
                    }
                });
    }

    private void failAwaiting(String reason) {
        java.io.IOException failure = new java.io.IOException(reason);
        awaitingAck.values().forEach(p -> p.tryFail(failure));
        awaitingAck.clear();
        ackedEarly.clear();
    }
}
