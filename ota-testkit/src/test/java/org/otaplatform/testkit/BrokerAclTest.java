package org.otaplatform.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
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
 * A real Mosquitto with the deployment's password file and ACL ({@code deploy/broker/acl.conf}): a
 * gateway may use only its own topics, a service only its own. Needs the mosquitto binaries (Debian's
 * package), as deployment does.
 */
class BrokerAclTest {

    private static final String PASSWORD = "test-password";
    private static Vertx vertx;
    private static MqttBroker broker;

    @BeforeAll
    static void start() throws Exception {
        // what is tested is Mosquitto's own ACL with our configuration: without Mosquitto there is nothing to test
        org.junit.jupiter.api.Assumptions.assumeTrue(
                MqttBroker.mosquittoBinary().isPresent(),
                "needs Debian's mosquitto package (mosquitto, mosquitto_passwd)");
        Path binary = MqttBroker.mosquittoBinary().orElseThrow();
        Path dir = Files.createTempDirectory("ota-acl");
        Path passwd = dir.resolve("passwd");
        String tool = java.util.stream.Stream.of("/usr/bin/mosquitto_passwd", "/usr/local/bin/mosquitto_passwd")
                .filter(t -> Files.isExecutable(Path.of(t)))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("mosquitto_passwd is missing"));
        boolean first = true;
        for (String user : List.of("gw-a", "gw-b", "device-gateway-service", "plan-service")) {
            List<String> command = first
                    ? List.of(tool, "-c", "-b", passwd.toString(), user, PASSWORD)
                    : List.of(tool, "-b", passwd.toString(), user, PASSWORD);
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue())
                    .as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .isZero();
            first = false;
        }
        Path acl = RepoRoot.find().resolve("deploy/broker/acl.conf");
        broker = MqttBroker.startMosquitto(
                binary,
                Ports.free(),
                dir,
                String.join(
                        "\n",
                        "allow_anonymous false",
                        "password_file " + passwd,
                        "acl_file " + acl,
                        "use_username_as_clientid true",
                        ""));
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.stop();
            vertx.close();
        }
    }

    @Test
    void aGatewayCannotPublishOnAnotherGatewaysTopicsButOnItsOwn() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        MqttClient service = client("device-gateway-service", seen);
        done(service.subscribe("$share/device-gateway-service/ota/v1/gw/+/up/+", 1));
        MqttClient spoofer = client("gw-a", new CopyOnWriteArrayList<>());

        // Mosquitto denies the publish and answers not-authorized, upon which the client drops the link
        spoofer.publish("ota/v1/gw/gw-b/up/hello", Buffer.buffer("spoofed"), MqttQoS.AT_LEAST_ONCE, false, false);
        MqttClient a = client("gw-a", new CopyOnWriteArrayList<>());
        done(a.publish("ota/v1/gw/gw-a/up/hello", Buffer.buffer("own"), MqttQoS.AT_LEAST_ONCE, false, false));

        await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("ota/v1/gw/gw-a/up/hello=own"));
        assertThat(seen).noneMatch(m -> m.contains("spoofed"));
    }

    @Test
    void aGatewayCannotReadAnotherGatewaysDownlink() throws Exception {
        List<String> readByA = new CopyOnWriteArrayList<>();
        List<String> readByB = new CopyOnWriteArrayList<>();
        MqttClient a = client("gw-a", readByA);
        MqttClient b = client("gw-b", readByB);
        done(a.subscribe("ota/v1/gw/gw-b/down/+", 1));
        done(a.subscribe("ota/v1/gw/+/down/+", 1));
        done(b.subscribe("ota/v1/gw/gw-b/down/+", 1));
        MqttClient service = client("device-gateway-service", new CopyOnWriteArrayList<>());

        done(service.publish(
                "ota/v1/gw/gw-b/down/upgrade", Buffer.buffer("for b"), MqttQoS.AT_LEAST_ONCE, false, false));

        await().atMost(Duration.ofSeconds(10)).until(() -> readByB.contains("ota/v1/gw/gw-b/down/upgrade=for b"));
        assertThat(readByA).isEmpty();
    }

    @Test
    void aGatewayCannotReachTheInternalTopicsButTheServicesCan() throws Exception {
        List<String> planSees = new CopyOnWriteArrayList<>();
        MqttClient plan = client("plan-service", planSees);
        done(plan.subscribe("$share/plan-service/ota/internal/v1/gateway/uplink", 1));
        MqttClient a = client("gw-a", new CopyOnWriteArrayList<>());
        MqttClient service = client("device-gateway-service", new CopyOnWriteArrayList<>());

        a.publish("ota/internal/v1/gateway/uplink", Buffer.buffer("forged"), MqttQoS.AT_LEAST_ONCE, false, false);
        done(service.publish(
                "ota/internal/v1/gateway/uplink", Buffer.buffer("real"), MqttQoS.AT_LEAST_ONCE, false, false));

        await().atMost(Duration.ofSeconds(10)).until(() -> planSees.contains("ota/internal/v1/gateway/uplink=real"));
        assertThat(planSees).noneMatch(m -> m.contains("forged"));
    }

    @Test
    void aWrongPasswordIsRefused() {
        MqttClient intruder = MqttClient.create(
                vertx, new MqttClientOptions().setUsername("gw-a").setPassword("guess"));

        assertThat(intruder.connect(broker.port(), broker.host())
                        .toCompletionStage()
                        .toCompletableFuture())
                .failsWithin(Duration.ofSeconds(10));
    }

    private static MqttClient client(String user, List<String> sink) throws Exception {
        MqttClient client = MqttClient.create(
                vertx,
                new MqttClientOptions()
                        .setClientId(user)
                        .setUsername(user)
                        .setPassword(PASSWORD)
                        .setMaxInflightQueue(100));
        client.publishHandler(m -> sink.add(m.topicName() + "=" + m.payload().toString(StandardCharsets.UTF_8)));
        done(client.connect(broker.port(), broker.host()));
        return client;
    }

    private static <T> T done(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
