package org.otaplatform.common.messaging;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttEndpoint;
import io.vertx.mqtt.MqttServer;
import io.vertx.mqtt.MqttServerOptions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A one-topic broker for tests of acknowledgements: a Vert.x MQTT server that sends every subscriber one
 * QoS 1 message on {@code ota/test} and records the PUBACKs it gets back.
 */
final class StandInBroker implements AutoCloseable {

    private final MqttServer server;
    private final List<Integer> pubacks = new CopyOnWriteArrayList<>();

    StandInBroker(Vertx vertx) throws Exception {
        server = MqttServer.create(
                vertx, new MqttServerOptions().setHost("127.0.0.1").setPort(0));
        server.endpointHandler(this::accept);
        server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

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

    int port() {
        return server.actualPort();
    }

    /** The PUBACKs received so far (their packet ids). */
    List<Integer> pubacks() {
        return pubacks;
    }

    /** Waits up to 20 s until {@code n} PUBACKs came. */
    void awaitPubacks(int n) throws InterruptedException {
        long until = System.currentTimeMillis() + 20_000;
        while (pubacks.size() < n && System.currentTimeMillis() < until) {
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
