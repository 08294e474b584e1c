package org.otaplatform.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.otaplatform.simulator.Fleet;
import org.otaplatform.simulator.Stats;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.Ports;
import org.otaplatform.testkit.PostgresServer;

/**
 * A campaign of 2,000 sub-devices survives, one after another, a SIGKILL of each service (restarted at
 * once), a broker restart and a PostgreSQL restart. The platform runs on a PostgreSQL and a broker of
 * this test's own (so they can be restarted), with persistent MQTT sessions (a stable instance id per
 * service, as a StatefulSet gives). Afterwards: the plan finished, every device runs the target, the
 * statistics equal a recount from the task table, no task is left open, and no sub-device was told to
 * flash twice for one task.
 */
class FaultInjectionIT {

    private static final int GATEWAYS = 40;
    private static final int DEVICES = 50;
    private static final int FLEET = GATEWAYS * DEVICES;

    private static PostgresServer postgres;
    private static MqttBroker broker;
    private static Platform platform;

    @BeforeAll
    static void startOwnInfrastructure() throws Exception {
        Path pgData = Platform.freshDirectory(Path.of("target", "fault-pg"));
        postgres = PostgresServer.startEmbedded(Ports.free(), pgData);
        broker = MqttBroker.startRestartable(Platform.freshDirectory(Path.of("target", "fault-broker")));
        platform = new Platform(postgres, broker, "fault", "fault-logs");
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
        if (broker != null) {
            broker.stop();
        }
    }

    private record Fault(int afterUpToDate, String name, Runnable inject) {}

    @Test
    void aCampaignSurvivesKilledServicesABrokerRestartAndADatabaseRestart() throws Exception {
        String product = "fault-" + UUID.randomUUID().toString().substring(0, 6);
        List<Fault> faults = new ArrayList<>(List.of(
                new Fault(250, "kill -9 device-gateway-service", () -> restart(platform.gateway)),
                new Fault(550, "kill -9 plan-service", () -> restart(platform.plan)),
                new Fault(850, "kill -9 firmware-service", () -> restart(platform.firmware))));
        if (broker.kind() == MqttBroker.Kind.MOSQUITTO) {
            faults.add(new Fault(1150, "restart the broker", () -> broker.restart(Duration.ofSeconds(2))));
        } else {
            // the embedded fall-back broker (machines without Mosquitto) keeps its sessions in memory: a
            // restart of it loses them by design, which is no test of the platform
            System.out.println("fault injection: no broker restart (the embedded broker does not persist sessions)");
        }
        faults.add(new Fault(1450, "restart PostgreSQL", () -> postgres.restart(Duration.ofSeconds(2))));
        Map<String, Long> injectedAt = new LinkedHashMap<>();
        try (Fleet fleet = platform.fleet(Platform.fleetOptions(broker, "flt", product)
                .gateways(GATEWAYS)
                .devicesPerGateway(DEVICES)
                .flashTime(Duration.ofSeconds(1))
                .build())) {
            String firmware = platform.uploadFirmware(product, "2.0.0", 128 * 1024);
            String plan = platform.createPlan(
                    product,
                    product,
                    firmware,
                    "\"mode\":\"SILENT\",\"maxConcurrentPerGateway\":4,\"ackTimeoutSeconds\":60,"
                            + "\"taskTimeoutSeconds\":120,\"retry\":{\"maxAttempts\":10,\"backoffSeconds\":2}");
            platform.move(plan, "activate");
            long start = System.currentTimeMillis();
            for (Fault fault : faults) {
                await().atMost(Duration.ofMinutes(4))
                        .pollInterval(Duration.ofMillis(500))
                        .ignoreExceptions()
                        .until(() -> platform.plan(plan).getInt("stats.upToDate") >= fault.afterUpToDate());
                fault.inject().run();
                injectedAt.put(fault.name(), (System.currentTimeMillis() - start) / 1000);
            }
            await().atMost(Duration.ofMinutes(6))
                    .pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptions()
                    .until(() -> "FINISHED".equals(platform.plan(plan).getString("status")));
            long took = (System.currentTimeMillis() - start) / 1000;

            JsonPath p = platform.plan(plan);
            Map<String, Long> recount = recount(plan);
            Stats sim = fleet.stats();
            System.out.printf(
                    "fault injection: %d devices, finished in %d s; faults at %s; tasks by latest state %s; all"
                            + " tasks %s; ended tasks by error code %s; simulator: %d tasks, %d repeated deliveries, %d superseded, %d rejected as installing, %d rejected"
                            + " as already at the target, %d errors, outcomes %s%n",
                    FLEET,
                    took,
                    injectedAt,
                    recount,
                    allTasks(plan),
                    errorCodes(plan),
                    sim.tasks(),
                    sim.duplicateUpgrades(),
                    sim.superseded(),
                    sim.busyRejections(),
                    sim.alreadyRunning(),
                    sim.errorCount(),
                    sim.outcomes());

            assertThat(p.getInt("stats.targeted")).isEqualTo(FLEET);
            assertThat(p.getInt("stats.upToDate"))
                    .as("devices running the target")
                    .isEqualTo(FLEET);
            assertThat(p.getInt("stats.succeeded"))
                    .isEqualTo(recount.getOrDefault("SUCCEEDED", 0L).intValue());
            assertThat(p.getInt("stats.failed"))
                    .isEqualTo((int) (recount.getOrDefault("FAILED", 0L) + recount.getOrDefault("TIMED_OUT", 0L)));
            assertThat(p.getInt("stats.cancelled"))
                    .isEqualTo(recount.getOrDefault("CANCELLED", 0L).intValue());
            assertThat(p.getInt("stats.inProgress") + p.getInt("stats.pending")).isZero();
            assertThat(count("SELECT count(*) FROM upgrade_task WHERE state NOT IN"
                            + " ('SUCCEEDED', 'FAILED', 'REJECTED', 'CANCELLED', 'TIMED_OUT')"))
                    .as("tasks left open")
                    .isZero();
            assertThat(p.getInt("stats.rejected"))
                    .isEqualTo(recount.getOrDefault("REJECTED", 0L).intValue());
            assertThat(sim.errors()).as("second flash orders and refusals").isEmpty();
            // Every device's latest task SUCCEEDED, except where the broker lost a gateway's last reports
            // across its own restart (Mosquitto keeps no shared-subscription messages for a session that
            // is not back yet; docs/reliability.md): that task ran out of time, and the device still runs
            // the target (upToDate above, and no failure was injected). With retries 2 s apart, such a device
            // may get its next attempt before anything told plan-service its version: the gateway rejects it
            // as running the target already and reports the version, and that REJECTED is its latest task.
            assertThat(recount.keySet()).as("latest task states").isSubsetOf("SUCCEEDED", "TIMED_OUT", "REJECTED");
            assertThat(
                            count(
                                    "SELECT count(*) FROM (SELECT DISTINCT ON (device_key) state, error_message"
                                            + " FROM upgrade_task WHERE plan_id = '" + plan
                                            + "' ORDER BY device_key, attempt DESC)"
                                            + " latest WHERE state = 'REJECTED' AND coalesce(error_message, '') NOT LIKE 'already runs%'"))
                    .as("devices whose latest task was rejected for another reason than running the target")
                    .isZero();
            assertThat(recount.getOrDefault("SUCCEEDED", 0L))
                    .as("devices whose latest task SUCCEEDED")
                    .isGreaterThanOrEqualTo(FLEET * 95L / 100);
            assertThat(fleet.versions().values()).hasSize(FLEET).containsOnly("2.0.0");
        }
    }

    private static void restart(org.otaplatform.testkit.ServiceProcess service) {
        try {
            service.killAndRestart();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The latest task of each device, by state, counted in plan-service's database. */
    private static Map<String, Long> recount(String plan) throws Exception {
        return grouped(
                "SELECT state, count(*) FROM (SELECT DISTINCT ON (product_key, device_key) state FROM upgrade_task"
                        + " WHERE plan_id = '" + plan
                        + "' ORDER BY product_key, device_key, attempt DESC, created_at DESC) t"
                        + " GROUP BY state");
    }

    private static Map<String, Long> allTasks(String plan) throws Exception {
        return grouped("SELECT state, count(*) FROM upgrade_task WHERE plan_id = '" + plan + "' GROUP BY state");
    }

    private static Map<String, Long> errorCodes(String plan) throws Exception {
        return grouped("SELECT state || '/' || error_code, count(*) FROM upgrade_task WHERE plan_id = '" + plan
                + "' AND error_code IS NOT NULL GROUP BY 1 ORDER BY 1");
    }

    private static Map<String, Long> grouped(String sql) throws Exception {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection c = connection();
                ResultSet rs = c.createStatement().executeQuery(sql)) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getLong(2));
            }
        }
        return counts;
    }

    private static long count(String sql) throws Exception {
        return postgres.count(platform.planDatabase, sql);
    }

    private static Connection connection() throws Exception {
        return DriverManager.getConnection(
                postgres.jdbcUrl(platform.planDatabase), postgres.user(), postgres.password());
    }
}
