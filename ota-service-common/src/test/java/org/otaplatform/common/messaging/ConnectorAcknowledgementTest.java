package org.otaplatform.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.reactive.messaging.mqtt.session.MqttClientSession;
import io.smallrye.reactive.messaging.mqtt.session.MqttClientSessionOptions;
import io.smallrye.reactive.messaging.mqtt.session.RequestedQoS;
import io.vertx.core.Vertx;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Why {@link MqttSubscriptions} exists beside quarkus-messaging-mqtt (issue #20): can the connector
 * acknowledge a QoS 1 message only after the handler's transaction committed? An MQTT server of Vert.x
 * stands in for the broker and sees when each client sends its PUBACK; the handlers never finish.
 *
 * <p>The connector's client (smallrye-reactive-messaging-mqtt's {@code MqttClientSession}, as of Quarkus
 * 3.33.2) acknowledges on receipt, before its message handler has done anything: a message whose handler
 * then fails, or whose process dies before the commit, is lost to the broker. Nothing in the connector
 * turns the Vert.x client's auto-ack off or calls {@code MqttPublishMessage.ack()}; {@code Message.ack()}
 * of an incoming message sends nothing. A Vert.x client with {@code autoAck} off, as {@link MqttSubscriptions}
 * uses it, sends the PUBACK only when told to.
 */
class ConnectorAcknowledgementTest {

    private Vertx vertx;
    private StandInBroker broker;

    @BeforeEach
    void broker() throws Exception {
        vertx = Vertx.vertx();
        broker = new StandInBroker(vertx);
    }

    @AfterEach
    void close() {
        vertx.close();
    }

    @Test
    void theConnectorsClientAcknowledgesBeforeItsHandlerFinished() throws Exception {
        CompletableFuture<Void> received = new CompletableFuture<>();
        MqttClientSession session = MqttClientSession.create(
                vertx,
                new MqttClientSessionOptions()
                        .setHostname("127.0.0.1")
                        .setPort(broker.port())
                        .setClientId("connector-like"));
        session.messageHandler(message -> received.complete(null)); // the work never completes
        session.start();
        session.subscribe("ota/test", RequestedQoS.QOS_1);

        received.get(10, TimeUnit.SECONDS);
        broker.awaitPubacks(1);
        assertThat(broker.pubacks())
                .as("PUBACK sent though the handler never finished")
                .hasSize(1);
        session.stop();
    }

    @Test
    void aClientWithAutoAckOffAcknowledgesOnlyWhenTold() throws Exception {
        CompletableFuture<io.vertx.mqtt.messages.MqttPublishMessage> received = new CompletableFuture<>();
        MqttClientOptions options = new MqttClientOptions().setClientId("ours");
        options.setAutoAck(false); // as MqttSubscriptions
        MqttClient client = MqttClient.create(vertx, options);
        client.publishHandler(received::complete);
        onContext(c -> client.connect(broker.port(), "127.0.0.1")
                .compose(ack -> client.subscribe("ota/test", 1))
                .onComplete(ar -> {}));

        io.vertx.mqtt.messages.MqttPublishMessage message = received.get(10, TimeUnit.SECONDS);
        // no PUBACK before the work committed, however long it takes
        org.awaitility.Awaitility.await()
                .during(java.time.Duration.ofMillis(500))
                .atMost(java.time.Duration.ofSeconds(2))
                .until(() -> broker.pubacks().isEmpty());
        message.ack(); // what MqttSubscriptions does after the commit
        broker.awaitPubacks(1);
        assertThat(broker.pubacks()).hasSize(1);
    }

    private void onContext(Consumer<Void> action) {
        vertx.runOnContext(v -> action.accept(null));
    }
}
