package org.otaplatform.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.otaplatform.simulator.Fleet;
import org.otaplatform.simulator.Stats;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.PostgresServer;
import org.otaplatform.testkit.ServiceProcess;

/**
 * Scale-in mid-campaign with persistent broker sessions (stable instance ids, as a StatefulSet gives):
 * plan-service and device-gateway-service run two replicas each over 1,000 sub-devices; then plan-service's
 * second replica is stopped as Kubernetes scales in (SIGTERM: it hands its share over) and
 * device-gateway-service's second replica is killed and never comes back (a lost node: its session holds
 * its share of the gateways' reports and the upgrade commands until the other replica empties it, 15 s
 * later here). Nothing is lost or late by more than that: every device is upgraded on its first attempt,
 * no task timed out, no second flash order, both departed replicas' broker sessions are gone and only the
 * staying replicas remain on the roll.
 */
class ScaleInIT {

    private static final int GATEWAYS = 40;
    private static final int DEVICES = 25;
    private static final int FLEET = GATEWAYS * DEVICES;
    private static final Duration HANDOVER_AFTER = Duration.ofSeconds(15);
    private static final Pattern CLIENT_ID = Pattern.compile("subscribed (\\S+) to \\S+ \\(persistent session\\)");

    private static MqttBroker broker;
    private static Platform platform;
    private static ServiceProcess planB;
    private static ServiceProcess gatewayB;

    @BeforeAll
    static void start() throws Exception {
        // a broker of its own: the persistent sessions of this test must not meet another test's
        broker = MqttBroker.startRestartable(Platform.freshDirectory(Path.of("target", "scalein-broker")));
        Platform.freshDirectory(Path.of("target", "scalein-logs"));
        platform = new Platform(
                PostgresServer.shared(),
                broker,
                "a",
                "scalein-logs",
                Map.of(),
                Map.of("OTA_MQTT_HANDOVER_AFTER", HANDOVER_AFTER.toSeconds() + "s"));
        planB = platform.replica(platform.plan, "b");
        gatewayB = platform.replica(platform.gateway, "b");
    }

    @AfterAll
    static void stop() {
        for (ServiceProcess replica : new ServiceProcess[] {planB, gatewayB}) {
            if (replica != null) {
                replica.close();
            }
        }
        if (platform != null) {
            platform.close();
        }
        if (broker != null) {
            broker.stop();
        }
    }

    @Test
    void scalingInMidCampaignLosesNothingAndDelaysNothingBeyondTheHandover() throws Exception {
        String product = "scalein-" + UUID.randomUUID().toString().substring(0, 6);
        try (Fleet fleet = platform.fleet(Platform.fleetOptions(broker, "sci", product)
                .gateways(GATEWAYS)
                .devicesPerGateway(DEVICES)
                .flashTime(Duration.ofSeconds(1))
                .build())) {
            String firmware = platform.uploadFirmware(product, "2.0.0", 64 * 1024);
            String plan = platform.createPlan(
                    product,
                    product,
                    firmware,
                    "\"mode\":\"SILENT\",\"maxConcurrentPerGateway\":4,\"ackTimeoutSeconds\":60,"
                            + "\"taskTimeoutSeconds\":120");
            List<String> gatewayBSessions = clientIds(gatewayB);
            List<String> planBSessions = clientIds(planB);
            assertThat(gatewayBSessions)
                    .as("device-gateway-service b's subscriptions")
                    .isNotEmpty();
            assertThat(planBSessions).as("plan-service b's subscriptions").isNotEmpty();

            platform.move(plan, "activate");
            long start = System.currentTimeMillis();
            await().atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> platform.plan(plan).getInt("stats.upToDate") >= 300);

            long scaledInAt = (System.currentTimeMillis() - start) / 1000;
            gatewayB.kill(); // gone for good, with its session's share queued on the broker
            planB.close(); // scaled in: SIGTERM, and it hands its share over before it exits

            await().atMost(Duration.ofMinutes(6))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> "FINISHED".equals(platform.plan(plan).getString("status")));
            long took = (System.currentTimeMillis() - start) / 1000;
            Stats sim = fleet.stats();
            long slowest = count(
                    platform.planDatabase,
                    "SELECT coalesce(max(extract(epoch FROM updated_at - notified_at))::bigint, 0)"
                            + " FROM upgrade_task WHERE state = 'SUCCEEDED'");
            System.out.printf(
                    "scale-in: %d devices finished in %d s; scaled in at %d s; slowest task %d s from push to"
                            + " success; simulator: %d tasks, %d repeated deliveries, %d errors%n",
                    FLEET, took, scaledInAt, slowest, sim.tasks(), sim.duplicateUpgrades(), sim.errorCount());

            var p = platform.plan(plan);
            assertThat(p.getInt("stats.upToDate"))
                    .as("devices running the target")
                    .isEqualTo(FLEET);
            assertThat(fleet.versions().values()).hasSize(FLEET).containsOnly("2.0.0");
            assertThat(p.getInt("stats.failed")).isZero();
            assertThat(count(platform.planDatabase, "SELECT count(*) FROM upgrade_task WHERE state = 'TIMED_OUT'"))
                    .as("tasks timed out: a message stranded in a departed session")
                    .isZero();
            assertThat(count(platform.planDatabase, "SELECT count(*) FROM upgrade_task WHERE attempt > 1"))
                    .as("devices that needed a second attempt")
                    .isZero();
            assertThat(slowest)
                    .as("the slowest task (push to success): late by no more than the hand-over")
                    .isLessThanOrEqualTo(HANDOVER_AFTER.toSeconds() + 45);
            assertThat(sim.errors()).as("second flash orders and refusals").isEmpty();

            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(roll(platform.gatewayDatabase))
                            .as("device-gateway-service's roll after b was adopted")
                            .containsExactly("a"));
            assertThat(roll(platform.planDatabase))
                    .as("plan-service's roll after b left")
                    .containsExactly("a");
            for (String clientId : concat(gatewayBSessions, planBSessions)) {
                assertThat(sessionPresent(clientId))
                        .as("the broker's session of departed %s", clientId)
                        .isFalse();
            }
            assertThat(Files.readString(planB.log())).as("plan-service b's log").contains("handed its share over");
            assertThat(Files.readString(platform.gateway.log()))
                    .as("device-gateway-service a's log")
                    .contains("broker sessions of departed replica b are emptied");
            for (String database : platform.databases()) {
                assertThat(count(database, "SELECT count(*) FROM dead_letter"))
                        .as("dead letters in %s", database)
                        .isZero();
            }
        }
    }

    /** The client ids a replica's log says it subscribed with. */
    private static List<String> clientIds(ServiceProcess replica) throws Exception {
        Matcher m = CLIENT_ID.matcher(Files.readString(replica.log()));
        return m.results().map(r -> r.group(1)).distinct().toList();
    }

    private static List<String> roll(String database) throws Exception {
        return PostgresServer.shared().strings(database, "SELECT instance_id FROM broker_member ORDER BY 1");
    }

    /** Whether the broker holds a session for this client id (and leaves none behind for asking). */
    private static boolean sessionPresent(String clientId) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            MqttClient c = MqttClient.create(
                    vertx, new MqttClientOptions().setClientId(clientId).setCleanSession(false));
            boolean present = c.connect(broker.port(), broker.host())
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS)
                    .isSessionPresent();
            c.disconnect().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            MqttClient clean = MqttClient.create(
                    vertx, new MqttClientOptions().setClientId(clientId).setCleanSession(true));
            clean.connect(broker.port(), broker.host())
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            clean.disconnect().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            return present;
        } finally {
            vertx.close();
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    private static long count(String database, String sql) throws Exception {
        return PostgresServer.shared().count(database, sql);
    }
}
