package org.otaplatform.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A gateway in the field reaches the deployment's broker over TLS (the 8883 listener of {@code
 * deploy/broker/mosquitto.conf}, with a certificate from a CA made for this run, as cert-manager issues
 * it in the cluster): it connects and reports when it trusts that CA and verifies the broker's name, and
 * is refused when it trusts another CA or speaks plain MQTT to the TLS port.
 */
class GatewayTlsTest {

    private static Vertx vertx;
    private static DeployedMosquitto broker;
    private static Path wrongCa;

    @BeforeAll
    static void start() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                MqttBroker.mosquittoBinary().isPresent(),
                "needs Debian's mosquitto package (mosquitto, mosquitto_passwd)");
        broker = DeployedMosquitto.start(List.of("gw-tls"), List.of("device-gateway-service"));
        Path other = Files.createTempDirectory("ota-other-ca");
        wrongCa = TestCertificates.authority(other, "someone-elses-ca");
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
            vertx.close();
        }
    }

    @Test
    void aGatewayTrustingThePlatformsCaConnectsOverTlsAndReports() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        MqttClient service = MqttClient.create(vertx, account("device-gateway-service", "device-gateway-service-tls"));
        service.publishHandler(m -> seen.add(m.topicName() + "=" + m.payload().toString(StandardCharsets.UTF_8)));
        service.connect(broker.servicePort, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        service.subscribe("$share/device-gateway-service/ota/v1/gw/+/up/+", 1)
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);

        MqttClient gateway = MqttClient.create(vertx, tls(broker.caCertificate));
        gateway.connect(broker.tlsPort, "localhost")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        gateway.publish("ota/v1/gw/gw-tls/up/hello", Buffer.buffer("over tls"), MqttQoS.AT_LEAST_ONCE, false, false)
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("ota/v1/gw/gw-tls/up/hello=over tls"));
        gateway.disconnect();
        service.disconnect();
    }

    @Test
    void aGatewayTrustingAnotherCaIsRefused() {
        MqttClient gateway = MqttClient.create(vertx, tls(wrongCa));

        assertThat(gateway.connect(broker.tlsPort, "localhost")
                        .toCompletionStage()
                        .toCompletableFuture())
                .failsWithin(Duration.ofSeconds(10))
                .withThrowableThat()
                .havingCause()
                .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
    }

    @Test
    void plainMqttOnTheTlsPortIsRefused() {
        MqttClient gateway = MqttClient.create(vertx, account("gw-tls", "gw-tls"));

        assertThat(gateway.connect(broker.tlsPort, "localhost")
                        .toCompletionStage()
                        .toCompletableFuture())
                .failsWithin(Duration.ofSeconds(10));
    }

    private static MqttClientOptions tls(Path ca) {
        MqttClientOptions options = account("gw-tls", "gw-tls");
        options.setSsl(true).setTrustOptions(new PemTrustOptions().addCertPath(ca.toString()));
        // the broker's name is checked against its certificate, as a gateway in the field must
        options.setHostnameVerificationAlgorithm("HTTPS");
        return options;
    }

    private static MqttClientOptions account(String user, String clientId) {
        return new MqttClientOptions().setClientId(clientId).setUsername(user).setPassword(DeployedMosquitto.PASSWORD);
    }
}
