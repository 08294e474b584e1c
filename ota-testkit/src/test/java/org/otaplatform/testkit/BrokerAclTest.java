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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real Mosquitto run from the deployment's configuration ({@code deploy/broker/mosquitto.conf}, its two
 * ACL files and limits) with all its listeners: a gateway may use only its own topics and only the
 * gateways' listeners, a service only the services' listener and only the internal topics it produces or
 * consumes. Needs the mosquitto binaries (Debian's package), as deployment does.
 */
class BrokerAclTest {

    private static Vertx vertx;
    private static DeployedMosquitto broker;
    private final List<MqttClient> clients = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        // what is tested is Mosquitto's own ACL with our configuration: without Mosquitto there is nothing to test
        org.junit.jupiter.api.Assumptions.assumeTrue(
                MqttBroker.mosquittoBinary().isPresent(),
                "needs Debian's mosquitto package (mosquitto, mosquitto_passwd)");
        broker = DeployedMosquitto.start(
                List.of("gw-a", "gw-b"), List.of("device-gateway-service", "plan-service", "firmware-service"));
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
            vertx.close();
        }
    }

    @AfterEach
    void disconnect() {
        for (MqttClient c : clients) {
            if (c.isConnected()) {
                c.disconnect();
            }
        }
    }

    @Test
    void aGatewayCannotPublishOnAnotherGatewaysTopicsButOnItsOwn() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        MqttClient service = service("device-gateway-service", "device-gateway-service-t1-up", seen);
        done(service.subscribe("$share/device-gateway-service/ota/v1/gw/+/up/+", 1));
        MqttClient spoofer = gateway("gw-a", new CopyOnWriteArrayList<>());

        // Mosquitto denies the publish and answers not-authorized, upon which the client drops the link
        spoofer.publish("ota/v1/gw/gw-b/up/hello", Buffer.buffer("spoofed"), MqttQoS.AT_LEAST_ONCE, false, false);
        MqttClient a = gateway("gw-a", new CopyOnWriteArrayList<>());
        done(a.publish("ota/v1/gw/gw-a/up/hello", Buffer.buffer("own"), MqttQoS.AT_LEAST_ONCE, false, false));

        await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("ota/v1/gw/gw-a/up/hello=own"));
        assertThat(seen).noneMatch(m -> m.contains("spoofed"));
    }

    @Test
    void aGatewayCannotReadAnotherGatewaysDownlink() throws Exception {
        List<String> readByA = new CopyOnWriteArrayList<>();
        List<String> readByB = new CopyOnWriteArrayList<>();
        MqttClient a = gateway("gw-a", readByA);
        MqttClient b = gateway("gw-b", readByB);
        done(a.subscribe("ota/v1/gw/gw-b/down/+", 1));
        done(a.subscribe("ota/v1/gw/+/down/+", 1));
        done(b.subscribe("ota/v1/gw/gw-b/down/+", 1));
        MqttClient service = service("device-gateway-service", "device-gateway-service-t2-out", List.of());

        done(service.publish(
                "ota/v1/gw/gw-b/down/upgrade", Buffer.buffer("for b"), MqttQoS.AT_LEAST_ONCE, false, false));

        await().atMost(Duration.ofSeconds(10)).until(() -> readByB.contains("ota/v1/gw/gw-b/down/upgrade=for b"));
        assertThat(readByA).isEmpty();
    }

    @Test
    void aGatewayCannotReachTheInternalTopicsButTheServicesCan() throws Exception {
        List<String> planSees = new CopyOnWriteArrayList<>();
        MqttClient plan = service("plan-service", "plan-service-t3-uplink", planSees);
        done(plan.subscribe("$share/plan-service/ota/internal/v1/gateway/uplink", 1));
        MqttClient a = gateway("gw-a", new CopyOnWriteArrayList<>());
        MqttClient service = service("device-gateway-service", "device-gateway-service-t3-out", List.of());

        a.publish("ota/internal/v1/gateway/uplink", Buffer.buffer("forged"), MqttQoS.AT_LEAST_ONCE, false, false);
        done(service.publish(
                "ota/internal/v1/gateway/uplink", Buffer.buffer("real"), MqttQoS.AT_LEAST_ONCE, false, false));

        await().atMost(Duration.ofSeconds(10)).until(() -> planSees.contains("ota/internal/v1/gateway/uplink=real"));
        assertThat(planSees).noneMatch(m -> m.contains("forged"));
    }

    @Test
    void eachAccountLogsInOnlyOnItsOwnListeners() throws Exception {
        // a service's account is unknown to the gateways' listeners, a gateway's to the services'
        assertThat(connect(broker.gatewayPort, "plan-service", "plan-service-t4"))
                .failsWithin(Duration.ofSeconds(10));
        assertThat(connect(broker.servicePort, "gw-a", "gw-a")).failsWithin(Duration.ofSeconds(10));
        // while each works on its own (the plain gateways' listener; TLS in GatewayTlsTest)
        assertThat(connect(broker.gatewayPort, "gw-a", "gw-a")).succeedsWithin(Duration.ofSeconds(10));
        assertThat(connect(broker.servicePort, "plan-service", "plan-service-t4"))
                .succeedsWithin(Duration.ofSeconds(10));
    }

    @Test
    void aServiceWritesOnlyWhatItProducesAndReadsOnlyWhatItConsumes() throws Exception {
        List<String> gatewaySide = new CopyOnWriteArrayList<>();
        List<String> planSide = new CopyOnWriteArrayList<>();
        List<String> firmwareSide = new CopyOnWriteArrayList<>();
        MqttClient dgs = service("device-gateway-service", "device-gateway-service-t5-commands", gatewaySide);
        done(dgs.subscribe("$share/device-gateway-service/ota/internal/v1/gateway/commands", 1));
        MqttClient plan = service("plan-service", "plan-service-t5-events", planSide);
        done(plan.subscribe("$share/plan-service/ota/internal/v1/device/events", 1));
        // what firmware-service does not consume: gateways' uplink and the platform's gateway commands
        MqttClient firmware = service("firmware-service", "firmware-service-t5-snoop", firmwareSide);
        done(firmware.subscribe("ota/v1/gw/+/up/#", 1));
        done(firmware.subscribe("ota/internal/v1/gateway/commands", 1));

        // forged: firmware-service commanding gateways, plan-service inventing device events
        service("firmware-service", "firmware-service-t5-out", List.of())
                .publish(
                        "ota/internal/v1/gateway/commands",
                        Buffer.buffer("forged command"),
                        MqttQoS.AT_LEAST_ONCE,
                        false,
                        false);
        service("plan-service", "plan-service-t5-forger", List.of())
                .publish(
                        "ota/internal/v1/device/events",
                        Buffer.buffer("forged event"),
                        MqttQoS.AT_LEAST_ONCE,
                        false,
                        false);
        // real: each from its producer, and a gateway's report
        done(service("plan-service", "plan-service-t5-out", List.of())
                .publish(
                        "ota/internal/v1/gateway/commands",
                        Buffer.buffer("real command"),
                        MqttQoS.AT_LEAST_ONCE,
                        false,
                        false));
        done(service("device-gateway-service", "device-gateway-service-t5-out", List.of())
                .publish(
                        "ota/internal/v1/device/events",
                        Buffer.buffer("real event"),
                        MqttQoS.AT_LEAST_ONCE,
                        false,
                        false));
        done(gateway("gw-a", List.of())
                .publish("ota/v1/gw/gw-a/up/progress", Buffer.buffer("report"), MqttQoS.AT_LEAST_ONCE, false, false));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> gatewaySide.contains("ota/internal/v1/gateway/commands=real command")
                        && planSide.contains("ota/internal/v1/device/events=real event"));
        assertThat(gatewaySide).containsExactly("ota/internal/v1/gateway/commands=real command");
        assertThat(planSide).containsExactly("ota/internal/v1/device/events=real event");
        assertThat(firmwareSide).isEmpty();
    }

    @Test
    void anAccountUsingAnotherServicesClientIdGetsNothingItMayNotRead() throws Exception {
        String clientId = "device-gateway-service-t6-uplink";
        MqttClient owner = MqttClient.create(
                vertx, options("device-gateway-service", clientId).setCleanSession(false));
        List<String> ownerSees = new CopyOnWriteArrayList<>();
        owner.publishHandler(m -> ownerSees.add(m.payload().toString(StandardCharsets.UTF_8)));
        done(owner.connect(broker.servicePort, "127.0.0.1"));
        // a filter of this test's own, so that no other test's subscriber shares its messages
        done(owner.subscribe("ota/v1/gw/gw-b/up/+", 1));
        done(owner.disconnect());

        // plan-service's account resumes device-gateway-service's persistent session, subscription and all
        List<String> thiefSees = new CopyOnWriteArrayList<>();
        MqttClient thief =
                MqttClient.create(vertx, options("plan-service", clientId).setCleanSession(false));
        thief.publishHandler(m -> thiefSees.add(m.payload().toString(StandardCharsets.UTF_8)));
        done(thief.connect(broker.servicePort, "127.0.0.1"));
        MqttClient b = gateway("gw-b", List.of());
        done(b.publish(
                "ota/v1/gw/gw-b/up/progress", Buffer.buffer("while taken"), MqttQoS.AT_LEAST_ONCE, false, false));
        Thread.sleep(1_000);
        done(thief.disconnect());

        // the subscription was there all along: its owner, back in its session, gets the next report (what
        // came while the session was another account's is lost to it: denied, never leaked)
        MqttClient back = MqttClient.create(
                vertx, options("device-gateway-service", clientId).setCleanSession(false));
        back.publishHandler(m -> ownerSees.add(m.payload().toString(StandardCharsets.UTF_8)));
        clients.add(back);
        done(back.connect(broker.servicePort, "127.0.0.1"));
        done(b.publish("ota/v1/gw/gw-b/up/progress", Buffer.buffer("after"), MqttQoS.AT_LEAST_ONCE, false, false));
        await().atMost(Duration.ofSeconds(10)).until(() -> ownerSees.contains("after"));
        assertThat(thiefSees).isEmpty();
        done(back.disconnect());
        // the session goes, so that it holds nothing for the other tests
        MqttClient clean = MqttClient.create(
                vertx, options("device-gateway-service", clientId).setCleanSession(true));
        done(clean.connect(broker.servicePort, "127.0.0.1"));
        done(clean.disconnect());
    }

    @Test
    void aDrainMarkerIsWrittenAndReadOnlyUnderTheConnectionsOwnClientId() throws Exception {
        String own = "ota/internal/v1/handover/plan-service-t7-uplink/";
        List<String> seen = new CopyOnWriteArrayList<>();
        MqttClient drainer = service("plan-service", "plan-service-t7-uplink", seen);
        done(drainer.subscribe(own + "#", 1));
        List<String> other = new CopyOnWriteArrayList<>();
        MqttClient snoop = service("firmware-service", "firmware-service-t7", other);
        done(snoop.subscribe("ota/internal/v1/handover/#", 1));

        snoop.publish(own + "forged", Buffer.buffer("forged"), MqttQoS.AT_LEAST_ONCE, false, false);
        done(drainer.publish(own + "marker", Buffer.buffer("drained?"), MqttQoS.AT_LEAST_ONCE, false, false));

        await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains(own + "marker=drained?"));
        assertThat(seen).containsExactly(own + "marker=drained?");
        assertThat(other).isEmpty();
    }

    @Test
    void everyInternalTopicIsWrittenByOneAccountAndReadByAnotherInBothBrokersAcls() throws Exception {
        String mosquitto = java.nio.file.Files.readString(RepoRoot.find().resolve("deploy/broker/acl-services.conf"));
        String emqx = java.nio.file.Files.readString(RepoRoot.find().resolve("deploy/overlays/prod/emqx.yaml"));
        List<String> topics = new java.util.ArrayList<>();
        for (java.lang.reflect.Field f : org.otaplatform.contract.InternalTopics.class.getFields()) {
            if (f.getType() == String.class && !f.getName().equals("ROOT")) {
                topics.add((String) f.get(null));
            }
        }
        assertThat(topics).hasSizeGreaterThanOrEqualTo(7);
        for (String topic : topics) {
            // a topic missing here works in the tests (an open broker) and is refused in every deployment
            assertThat(mosquitto).as("acl-services.conf writes " + topic).contains("topic write " + topic + "\n");
            assertThat(mosquitto).as("acl-services.conf reads " + topic).contains("topic read " + topic + "\n");
            assertThat(emqx.split("\"" + topic + "\"", -1))
                    .as("emqx.yaml's ACL publishes and subscribes " + topic)
                    .hasSizeGreaterThanOrEqualTo(3);
        }
    }

    /**
     * One stolen gateway account against the broker (issue #35): an unknown or deeper uplink topic and a
     * retained message are refused, while another gateway's reports go on reaching the platform.
     */
    @Test
    void aGatewayPublishesOnlyTheProtocolsOwnTypesAndNoRetainedMessageWhileOthersGoOn() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        MqttClient platform = service("device-gateway-service", "device-gateway-service-t8-up", seen);
        done(platform.subscribe("ota/v1/gw/+/up/#", 1));
        MqttClient other = gateway("gw-b", List.of());
        for (String topic : List.of(
                "ota/v1/gw/gw-a/up/unknown",
                "ota/v1/gw/gw-a/up/hello/deeper",
                "ota/v1/gw/gw-a/up/x/y/z/1/2/3/4/5/6/7/8",
                "ota/v1/gw/gw-a/up")) {
            // each refusal may cost the abuser its connection: a fresh one each time
            gateway("gw-a", List.of()).publish(topic, Buffer.buffer("abuse"), MqttQoS.AT_LEAST_ONCE, false, false);
            done(other.publish(
                    "ota/v1/gw/gw-b/up/progress", Buffer.buffer("campaign"), MqttQoS.AT_LEAST_ONCE, false, false));
        }
        // retained: refused and the sender disconnected, not delivered, not kept
        MqttClient retaining = gateway("gw-a", List.of());
        retaining.publish("ota/v1/gw/gw-a/up/hello", Buffer.buffer("retained"), MqttQoS.AT_LEAST_ONCE, false, true);
        await().atMost(Duration.ofSeconds(10)).until(() -> !retaining.isConnected());
        done(other.publish("ota/v1/gw/gw-b/up/progress", Buffer.buffer("still"), MqttQoS.AT_LEAST_ONCE, false, false));
        done(gateway("gw-a", List.of())
                .publish("ota/v1/gw/gw-a/up/hello", Buffer.buffer("own"), MqttQoS.AT_LEAST_ONCE, false, false));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> seen.contains("ota/v1/gw/gw-a/up/hello=own")
                        && seen.contains("ota/v1/gw/gw-b/up/progress=still"));
        assertThat(seen).noneMatch(m -> m.contains("abuse") || m.contains("retained"));
        assertThat(seen.stream().filter(m -> m.endsWith("=campaign"))).hasSize(4);
        List<String> late = new CopyOnWriteArrayList<>();
        done(service("device-gateway-service", "device-gateway-service-t8-late", late)
                .subscribe("ota/v1/gw/gw-a/up/#", 1));
        Thread.sleep(500);
        assertThat(late).isEmpty();
    }

    @Test
    void bothBrokersAdmitExactlyTheProtocolsUplinkTypesAndNoRetainedMessages() throws Exception {
        java.nio.file.Path root = RepoRoot.find();
        String acl = java.nio.file.Files.readString(root.resolve("deploy/broker/acl-gateways.conf"));
        String emqx = java.nio.file.Files.readString(root.resolve("deploy/overlays/prod/emqx.yaml"));
        String limits = java.nio.file.Files.readString(root.resolve("deploy/broker/conf.d/ota-limits.conf"));
        List<String> types = new java.util.ArrayList<>();
        for (org.otaplatform.contract.UplinkType t : org.otaplatform.contract.UplinkType.values()) {
            types.add(t.suffix());
        }
        types.add("chunk-request"); // gateway protocol v1, "Firmware over MQTT" (2026-12-06)
        List<String> written = acl.lines()
                .filter(l -> l.startsWith("pattern write "))
                .map(l -> l.substring("pattern write ota/v1/gw/%u/up/".length()))
                .toList();
        assertThat(written).containsExactlyInAnyOrderElementsOf(types);
        assertThat(acl.lines().filter(l -> l.startsWith("pattern read ")))
                .containsExactly("pattern read ota/v1/gw/%u/down/+");
        for (String type : types) {
            assertThat(emqx).contains("\"ota/v1/gw/${username}/up/" + type + "\"");
        }
        assertThat(emqx).doesNotContain("${username}/up/#").doesNotContain("${username}/down/#");
        assertThat(limits).containsPattern("(?m)^retain_available false$");
        assertThat(emqx).contains("retainer.enable = false").contains("max_subscriptions = 4");
    }

    @Test
    void aWrongPasswordIsRefused() {
        MqttClient intruder = MqttClient.create(
                vertx, new MqttClientOptions().setUsername("gw-a").setPassword("guess"));

        assertThat(intruder.connect(broker.gatewayPort, "127.0.0.1")
                        .toCompletionStage()
                        .toCompletableFuture())
                .failsWithin(Duration.ofSeconds(10));
    }

    private java.util.concurrent.CompletableFuture<?> connect(int port, String user, String clientId) {
        MqttClient c = MqttClient.create(vertx, options(user, clientId));
        clients.add(c);
        return c.connect(port, "127.0.0.1").toCompletionStage().toCompletableFuture();
    }

    private MqttClient gateway(String id, List<String> sink) throws Exception {
        return connected(broker.gatewayPort, options(id, id), sink);
    }

    private MqttClient service(String account, String clientId, List<String> sink) throws Exception {
        return connected(broker.servicePort, options(account, clientId), sink);
    }

    private MqttClient connected(int port, MqttClientOptions options, List<String> sink) throws Exception {
        MqttClient client = MqttClient.create(vertx, options);
        client.publishHandler(m -> sink.add(m.topicName() + "=" + m.payload().toString(StandardCharsets.UTF_8)));
        clients.add(client);
        done(client.connect(port, "127.0.0.1"));
        return client;
    }

    private static MqttClientOptions options(String user, String clientId) {
        return new MqttClientOptions()
                .setClientId(clientId)
                .setUsername(user)
                .setPassword(DeployedMosquitto.PASSWORD)
                .setMaxInflightQueue(100);
    }

    private static <T> T done(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
