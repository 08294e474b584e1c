package org.otaplatform.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.otaplatform.simulator.Fleet;
import org.otaplatform.simulator.Stats;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.Ports;
import org.otaplatform.testkit.PostgresServer;
import org.otaplatform.testkit.ServiceProcess;

/**
 * A campaign of 1,000 sub-devices through a database failover and an outage: PostgreSQL read-only for
 * 10 s (as a standby is during a switchover: every write fails with 25006), then unreachable for 30 s
 * (half as long again as the plan's ack timeout), then back. Nothing is lost and nothing is blamed on the gateways: every device is upgraded, no message
 * became a dead letter, every outbox drains, no task timed out, and while the database was away REST
 * answered 503 with Retry-After and readiness said the database was down.
 */
class DatabaseOutageIT {

    private static final int GATEWAYS = 40;
    private static final int DEVICES = 25;
    private static final int FLEET = GATEWAYS * DEVICES;

    private static PostgresServer postgres;
    private static MqttBroker broker;
    private static Platform platform;

    @BeforeAll
    static void startOwnInfrastructure() throws Exception {
        postgres = PostgresServer.startEmbedded(Ports.free(), Platform.freshDirectory(Path.of("target", "outage-pg")));
        broker = MqttBroker.startRestartable(Platform.freshDirectory(Path.of("target", "outage-broker")));
        Platform.freshDirectory(Path.of("target", "outage-logs")); // the logs are read for what this run wrote
        platform = new Platform(postgres, broker, "outage", "outage-logs");
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

    @Test
    void aCampaignRidesOutAReadOnlyDatabaseAndAnOutageLongerThanItsAckTimeout() throws Exception {
        String product = "outage-" + UUID.randomUUID().toString().substring(0, 6);
        try (Fleet fleet = platform.fleet(Platform.fleetOptions(broker, "out", product)
                .gateways(GATEWAYS)
                .devicesPerGateway(DEVICES)
                .flashTime(Duration.ofSeconds(1))
                .build())) {
            String firmware = platform.uploadFirmware(product, "2.0.0", 64 * 1024);
            // an outage (30 s) longer than the ack time (20 s) must not matter: the timers wait for the database
            String plan = platform.createPlan(
                    product,
                    product,
                    firmware,
                    "\"mode\":\"SILENT\",\"maxConcurrentPerGateway\":4,\"ackTimeoutSeconds\":20,"
                            + "\"taskTimeoutSeconds\":120");
            platform.move(plan, "activate");
            long start = System.currentTimeMillis();
            // mid-campaign, with upgrades waiting for their gateways' answers: what the outage must not time out
            await().atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> platform.plan(plan).getInt("stats.upToDate") >= 300
                            && count(
                                            platform.planDatabase,
                                            "SELECT count(*) FROM upgrade_task WHERE state = 'NOTIFIED'"
                                                    + " AND ack_deadline IS NOT NULL")
                                    > 0);

            readOnly(true);
            long readOnlyAt = (System.currentTimeMillis() - start) / 1000;
            Thread.sleep(10_000);
            readOnly(false);

            long downAt = (System.currentTimeMillis() - start) / 1000;
            CompletableFuture<Void> outage = CompletableFuture.runAsync(() -> postgres.restart(Duration.ofSeconds(30)));
            Thread.sleep(5_000);
            Response plans = given().baseUri(platform.plan.baseUrl()).get("/api/v1/plans");
            Response firmwareList = given().baseUri(platform.firmware.baseUrl()).get("/api/v1/firmware");
            Response ready = given().baseUri(platform.gateway.managementUrl()).get("/q/health/ready");
            outage.join();
            long backAt = (System.currentTimeMillis() - start) / 1000;

            for (Response answer : List.of(plans, firmwareList)) {
                assertThat(answer.statusCode())
                        .as("REST while the database is away")
                        .isEqualTo(503);
                assertThat(answer.contentType()).isEqualTo("application/problem+json");
                assertThat(answer.jsonPath().getString("code")).isEqualTo("UNAVAILABLE");
                assertThat(answer.header("Retry-After")).isEqualTo("5");
            }
            assertThat(ready.statusCode())
                    .as("readiness while the database is away")
                    .isEqualTo(503);
            assertThat(ready.asString()).containsIgnoringCase("DOWN").containsIgnoringCase("postgresql");

            await().atMost(Duration.ofMinutes(6))
                    .pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptions()
                    .until(() -> "FINISHED".equals(platform.plan(plan).getString("status")));
            long took = (System.currentTimeMillis() - start) / 1000;
            Stats sim = fleet.stats();
            System.out.printf(
                    "database outage: %d devices finished in %d s; read-only at %d s for 10 s, down at %d s, back"
                            + " at %d s; simulator: %d tasks, %d repeated deliveries, %d errors%n",
                    FLEET, took, readOnlyAt, downAt, backAt, sim.tasks(), sim.duplicateUpgrades(), sim.errorCount());

            var p = platform.plan(plan);
            assertThat(p.getInt("stats.upToDate"))
                    .as("devices running the target")
                    .isEqualTo(FLEET);
            assertThat(fleet.versions().values()).hasSize(FLEET).containsOnly("2.0.0");
            assertThat(count(platform.planDatabase, "SELECT count(*) FROM upgrade_task WHERE state = 'TIMED_OUT'"))
                    .as("tasks timed out because of the outage")
                    .isZero();
            assertThat(p.getInt("stats.failed")).isZero();
            assertThat(sim.errors()).as("second flash orders and refusals").isEmpty();
            for (String database : platform.databases()) {
                assertThat(count(database, "SELECT count(*) FROM dead_letter"))
                        .as("messages kept as dead letters in %s", database)
                        .isZero();
                await().atMost(Duration.ofSeconds(30))
                        .untilAsserted(() -> assertThat(count(
                                        database, "SELECT count(*) FROM outbox_message WHERE published_at IS NULL"))
                                .as("unpublished outbox rows in %s", database)
                                .isZero());
            }
            // the timeout pass accounted for the outage (it gives open tasks their time back): without it a
            // broken pass would time out nothing either, and this test would pass for the wrong reason
            assertThat(Files.readString(platform.plan.log()))
                    .as("plan-service's log")
                    .containsPattern("no timeout pass for \\d+ s .*: \\d+ open tasks get that time back");
            for (ServiceProcess service : List.of(platform.firmware, platform.plan, platform.gateway)) {
                assertThat(service.metric("ota_messages_dead_lettered_total"))
                        .as("dead letters of %s", service.name())
                        .isZero();
                assertThat(Files.readString(service.log()))
                        .as("%s's log", service.name())
                        .doesNotContain("kept as dead letter")
                        .doesNotContain("not stored");
            }
        }
    }

    /** Makes every new transaction read-only (a standby's answer, SQLSTATE 25006), or lifts that. */
    private static void readOnly(boolean on) throws Exception {
        try (Connection c = DriverManager.getConnection(
                        postgres.jdbcUrl("postgres"), postgres.user(), postgres.password());
                Statement st = c.createStatement()) {
            st.execute("SET default_transaction_read_only = off");
            st.execute(
                    on
                            ? "ALTER SYSTEM SET default_transaction_read_only = on"
                            : "ALTER SYSTEM RESET default_transaction_read_only");
            st.execute("SELECT pg_reload_conf()");
        }
    }

    private static long count(String database, String sql) throws Exception {
        return postgres.count(database, sql);
    }
}
