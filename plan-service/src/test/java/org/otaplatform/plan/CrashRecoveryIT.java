package org.otaplatform.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.internal.DeviceState;
import org.otaplatform.contract.internal.InternalMessage;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.PostgresServer;
import org.otaplatform.testkit.ServiceProcess;
import org.otaplatform.testkit.TestMqttClient;

/**
 * A plan-service replica with a stable instance id (persistent MQTT sessions) is killed with SIGKILL in
 * the middle of a stream of events, and more events arrive while it is down. Restarted under the same
 * id, it applies every one of them exactly once: nothing it had not committed was acknowledged, and
 * nothing sent while it was away was lost.
 */
class CrashRecoveryIT {

    private static final int BEFORE = 3_000;
    private static final int WHILE_DOWN = 1_000;

    private static String database;
    private static ServiceProcess replica;

    @BeforeAll
    static void createDatabase() {
        database = PostgresServer.shared().createUniqueDatabase("ota_test_plan_crash");
    }

    @AfterAll
    static void cleanUp() {
        if (replica != null) {
            replica.close();
        }
        // the replica's persistent sessions would otherwise keep a share of plan-service's topics
        MqttBroker.shared()
                .discardSessions(java.util.stream.Stream.of(
                                "device-events", "firmware-events", "gateway-uplink", "verification-requests")
                        .map(name -> "plan-service-" + instanceId() + "-" + name)
                        .toList());
        if (database != null) {
            PostgresServer.shared().dropDatabase(database);
        }
    }

    private static ServiceProcess start(String name) throws Exception {
        return ServiceProcess.of(name, Path.of("target", "quarkus-app", "quarkus-run.jar"), "OTA_PLAN_PORT")
                .database("OTA_PLAN_DB", database)
                .env("OTA_INSTANCE_ID", instanceId())
                .start();
    }

    private static String instanceId() {
        return "crash-test-" + database;
    }

    @Test
    void aKilledReplicaLosesNothingItHadNotCommitted() throws Exception {
        String product = "crash-" + UUID.randomUUID().toString().substring(0, 8);
        replica = start("plan-crash-1");
        try (TestMqttClient bus = TestMqttClient.connect(MqttBroker.shared())) {
            // the stream is published while the test watches: the replica applies runs of events so fast
            // that, published first and watched afterwards, it had applied them all before the kill
            Thread stream = new Thread(() -> {
                for (int i = 0; i < BEFORE; i++) {
                    device(bus, product, i);
                }
            });
            stream.start();
            // kill it while it is still working through the stream
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> devices(product) > 0);
            replica.kill();
            long appliedBeforeKill = devices(product);
            stream.join();
            for (int i = BEFORE; i < BEFORE + WHILE_DOWN; i++) {
                device(bus, product, i);
            }
            replica = start("plan-crash-2");
            await().atMost(Duration.ofSeconds(90)).until(() -> devices(product) == BEFORE + WHILE_DOWN);
            assertThat(appliedBeforeKill).as("the kill came mid-stream").isLessThan(BEFORE);
            assertThat(count("SELECT count(*) FROM inbox_message"))
                    .as("each event applied exactly once")
                    .isEqualTo(BEFORE + WHILE_DOWN);
        }
    }

    private static void device(TestMqttClient bus, String product, int i) {
        bus.publish(
                InternalTopics.DEVICE_EVENTS,
                InternalMessage.of(
                                DeviceState.TYPE,
                                "test",
                                System.currentTimeMillis(),
                                new DeviceState(
                                        product, "d" + i, product + "-gw" + (i % 50), true, "1.0", "ATTACHED", 1))
                        .encode());
    }

    private static long devices(String product) throws Exception {
        return count("SELECT count(*) FROM device_view WHERE product_key = '" + product + "'");
    }

    private static long count(String sql) throws Exception {
        return PostgresServer.shared().count(database, sql);
    }
}
