package org.otaplatform.plan.schedule;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.internal.DeviceState;
import org.otaplatform.contract.internal.GatewayUplink;
import org.otaplatform.plan.Fixtures;
import org.otaplatform.plan.config.PlanClock;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.TestMqttClient;

/**
 * What the schedule does over minutes and hours, watched in seconds: plan-service runs by {@link PlanClock},
 * which these tests move forward (issue #22, item 9). The rollout rate, the re-push delay after a rejection,
 * the whitelist, the task timeout and the retry back-off, and an appointment's window.
 */
@QuarkusTest
class ScheduleBehaviourTest {

    /** A clock the test moves. */
    static final class MovingClock extends Clock {
        private volatile Instant now;

        MovingClock(Instant start) {
            now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Inject
    PlanClock planClock;

    @Inject
    PushScheduler scheduler;

    @Inject
    Pool pool;

    private MovingClock clock;
    private TestMqttClient bus;

    @BeforeEach
    void moveTime() {
        clock = new MovingClock(Instant.now());
        planClock.use(clock);
        bus = TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS);
    }

    @AfterEach
    void realTime() {
        planClock.use(Clock.systemUTC());
        bus.close();
    }

    @Test
    void theRolloutRateHoldsWithinTenPercentOverSixMinutesOfDevices() {
        String product = "rate-" + UUID.randomUUID().toString().substring(0, 8);
        String firmwareId = fleet(product, 12, 10);
        Instant start = clock.instant();
        String plan = Fixtures.activeSilentPlan(
                product,
                firmwareId,
                ",\"rolloutPerMinute\":20,\"maxConcurrentPerGateway\":10,\"ackTimeoutSeconds\":86400,"
                        + "\"taskTimeoutSeconds\":604800");

        for (int step = 0; step < 7 * 3; step++) {
            pass();
            clock.advance(Duration.ofSeconds(20));
        }

        Map<Long, Long> perMinute = perMinute(plan, start);
        assertThat(perMinute.values().stream().mapToLong(Long::longValue).sum())
                .as("every device notified by the seventh minute: %s", perMinute)
                .isEqualTo(120);
        for (long minute = 0; minute < 6; minute++) {
            assertThat(perMinute.getOrDefault(minute, 0L))
                    .as("notifications in minute %d of %s", minute, perMinute)
                    .isBetween(18L, 22L);
        }
    }

    @Test
    void anExponentialRolloutGrowsByItsFactorAsDevicesAreSentUpToItsMaximum() {
        String product = "exp-" + UUID.randomUUID().toString().substring(0, 8);
        String firmwareId = fleet(product, 10, 10);
        Instant start = clock.instant();
        String plan = Fixtures.activeSilentPlan(
                product,
                firmwareId,
                ",\"exponentialRollout\":{\"baseRatePerMinute\":5,\"incrementFactor\":2,"
                        + "\"increaseAfterNotified\":10,\"maxPerMinute\":20},\"maxConcurrentPerGateway\":10,"
                        + "\"ackTimeoutSeconds\":86400,\"taskTimeoutSeconds\":604800");

        for (int step = 0; step < 6 * 3; step++) {
            pass();
            clock.advance(Duration.ofSeconds(20));
        }

        // 5 a minute until 10 were sent (the first minute), then 10 a minute (the second: 5 at its start, and
        // the 10th sent raises the rate at once), then 20 from 20 sent on (40 would be next; 20 is the most)
        Map<Long, Long> perMinute = perMinute(plan, start);
        assertThat(perMinute)
                .as("notifications per minute")
                .containsEntry(0L, 5L)
                .containsEntry(1L, 10L);
        for (long minute = 2; minute < 6; minute++) {
            assertThat(perMinute.getOrDefault(minute, 0L))
                    .as("minute %d of %s", minute, perMinute)
                    .isBetween(18L, 22L);
        }
    }

    @Test
    void anExponentialRolloutIsCheckedFieldByField() {
        String product = "expv-" + UUID.randomUUID().toString().substring(0, 8);
        String firmwareId = Fixtures.firmware(bus, product, "2.0", "UNVERIFIED");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Fixtures.count(pool, "SELECT count(*) FROM firmware_view WHERE product_key = $1", product)
                        == 1);
        given().contentType(ContentType.JSON)
                .body("{\"name\":\"" + product + "\",\"productKey\":\"" + product + "\",\"firmwareId\":\""
                        + firmwareId + "\",\"mode\":\"SILENT\",\"timeZone\":\"UTC\",\"rolloutPerMinute\":5,"
                        + "\"exponentialRollout\":{\"baseRatePerMinute\":50,\"incrementFactor\":9,"
                        + "\"maxPerMinute\":10}}")
                .post("/api/v1/plans")
                .then()
                .statusCode(422)
                .body(
                        "errors.field",
                        org.hamcrest.Matchers.hasItems(
                                "exponentialRollout",
                                "exponentialRollout.incrementFactor",
                                "exponentialRollout.maxPerMinute"));
    }

    @Test
    void aDeviceThatRejectedIsOfferedAgainOnlyAfterTheDelay() {
        String product = "rej-" + UUID.randomUUID().toString().substring(0, 8);
        String firmwareId = fleet(product, 1, 1);
        Fixtures.activeSilentPlan(product, firmwareId, ",\"repushAfterRejectMinutes\":30,\"ackTimeoutSeconds\":600");
        pass();
        JsonNode first = awaitUpgrades(product, 1).get(0);
        ack(first, false);
        awaitState(first.get("taskId").asText(), "REJECTED");

        clock.advance(Duration.ofMinutes(29));
        pass();
        assertNoMoreUpgrades(product, 1, "offered again before the delay");

        clock.advance(Duration.ofMinutes(1).plusSeconds(1));
        pass();
        assertThat(awaitUpgrades(product, 2).get(1).get("deviceKey").asText()).isEqualTo("d1");
    }

    @Test
    void aWhitelistedPlanNeverTouchesAnyOtherDevice() {
        String product = "white-" + UUID.randomUUID().toString().substring(0, 8);
        String firmwareId = fleet(product, 1, 4);
        String plan = Fixtures.activeSilentPlan(
                product,
                firmwareId,
                ",\"whitelist\":[\"d2\",\"d4\"],\"ackTimeoutSeconds\":86400,\"taskTimeoutSeconds\":604800");
        for (int i = 0; i < 5; i++) {
            pass();
            clock.advance(Duration.ofMinutes(30));
        }
        awaitUpgrades(product, 2);
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(2))
                .until(() -> upgrades(product).size() == 2);
        assertThat(upgrades(product).stream().map(u -> u.get("deviceKey").asText()))
                .containsExactlyInAnyOrder("d2", "d4");
        given().get("/api/v1/plans/" + plan).then().statusCode(200);
        assertThat(Fixtures.count(
                        pool,
                        "SELECT count(*) FROM upgrade_task WHERE product_key = $1 AND device_key NOT IN ('d2', 'd4')",
                        product))
                .isZero();
    }

    @Test
    void aTaskPastItsTimeoutEndsTimedOutAndItsRetryWaitsForTheBackoff() {
        String product = "late-" + UUID.randomUUID().toString().substring(0, 8);
        String firmwareId = fleet(product, 1, 1);
        Fixtures.activeSilentPlan(
                product,
                firmwareId,
                ",\"taskTimeoutSeconds\":600,\"retry\":{\"maxAttempts\":2,\"backoffSeconds\":300}");
        pass();
        JsonNode first = awaitUpgrades(product, 1).get(0);
        String task = first.get("taskId").asText();
        ack(first, true); // accepted: only the task deadline can end it now
        awaitState(task, "ACCEPTED");

        clock.advance(Duration.ofSeconds(599));
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(3))
                .until(() -> state(task).equals("ACCEPTED"));
        clock.advance(Duration.ofSeconds(2));
        awaitState(task, "TIMED_OUT");

        clock.advance(Duration.ofSeconds(299));
        pass();
        assertNoMoreUpgrades(product, 1, "a second attempt inside the back-off");
        clock.advance(Duration.ofSeconds(2));
        pass();
        JsonNode second = awaitUpgrades(product, 2).get(1);
        assertThat(Fixtures.count(
                        pool, "SELECT count(*) FROM upgrade_task WHERE product_key = $1 AND attempt = 2", product))
                .isEqualTo(1);
        assertThat(second.get("deviceKey").asText()).isEqualTo("d1");
    }

    @Test
    void anAppointedUpgradeIsSentInsideItsWindowAndNotBefore() {
        String product = "when-" + UUID.randomUUID().toString().substring(0, 8);
        String firmwareId = fleet(product, 1, 1);
        String plan = Fixtures.activated("{\"name\":\"" + product + "\",\"productKey\":\"" + product
                + "\",\"firmwareId\":\"" + firmwareId + "\",\"mode\":\"MANUAL\",\"timeZone\":\"UTC\","
                + "\"upgradeNotes\":{\"en\":\"Overnight\"}}");
        pass();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Fixtures.count(
                                pool,
                                "SELECT count(*) FROM upgrade_task WHERE product_key = $1"
                                        + " AND state = 'AWAITING_CONFIRMATION'",
                                product)
                        == 1);
        Instant from = clock.instant().plus(Duration.ofHours(3));
        given().contentType(ContentType.JSON)
                .body("{\"planId\":\"" + plan + "\",\"appointment\":{\"from\":\"" + from + "\",\"to\":\""
                        + from.plus(Duration.ofHours(2)) + "\"}}")
                .post("/api/v1/devices/" + product + "/d1/upgrade/confirm")
                .then()
                .statusCode(204);

        clock.advance(Duration.ofHours(3).minusSeconds(1));
        pass();
        assertNoMoreUpgrades(product, 0, "sent before its window");
        clock.advance(Duration.ofSeconds(2));
        pass();
        awaitUpgrades(product, 1);
    }

    /** The plan's notifications per whole minute since {@code start} (by the plan's clock). */
    private Map<Long, Long> perMinute(String plan, Instant start) {
        Map<Long, Long> perMinute = new TreeMap<>();
        for (Row r : pool.preparedQuery("SELECT floor(extract(epoch FROM notified_at - $2) / 60)::bigint, count(*)"
                        + " FROM upgrade_task WHERE plan_id = $1 GROUP BY 1")
                .execute(Tuple.of(UUID.fromString(plan), start.atOffset(ZoneOffset.UTC)))
                .await()
                .indefinitely()) {
            perMinute.put(r.getLong(0), r.getLong(1));
        }
        return perMinute;
    }

    /** One push pass at the clock's time (the scheduler's own passes run too, by the same clock). */
    private void pass() {
        scheduler.passInTurn().await().atMost(Duration.ofSeconds(30));
    }

    /** A firmware 2.0 and {@code gateways} online gateways with {@code each} devices d1… on 1.0; the firmware. */
    private String fleet(String product, int gateways, int each) {
        String firmwareId = Fixtures.firmware(bus, product, "2.0", "UNVERIFIED");
        int n = 0;
        for (int g = 0; g < gateways; g++) {
            String gw = product + "-gw" + g;
            Fixtures.gateway(bus, gw, true, 1);
            for (int d = 0; d < each; d++) {
                Fixtures.device(bus, new DeviceState(product, "d" + ++n, gw, true, "1.0", "ATTACHED", 1));
            }
        }
        int devices = n;
        await().atMost(Duration.ofSeconds(20))
                .until(() -> Fixtures.count(pool, "SELECT count(*) FROM device_view WHERE product_key = $1", product)
                                == devices
                        && Fixtures.count(pool, "SELECT count(*) FROM firmware_view WHERE product_key = $1", product)
                                == 1);
        return firmwareId;
    }

    private void ack(JsonNode upgrade, boolean accept) {
        String task = upgrade.get("taskId").asText();
        Fixtures.publish(
                bus,
                InternalTopics.GATEWAY_UPLINK,
                GatewayUplink.Ack.TYPE,
                new GatewayUplink.Ack(
                        upgrade.get("gatewayId").asText(), "a-" + task, task, accept, accept ? null : "USER_DECLINED"));
    }

    private String state(String taskId) {
        return pool.preparedQuery("SELECT state FROM upgrade_task WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(taskId)))
                .await()
                .indefinitely()
                .iterator()
                .next()
                .getString(0);
    }

    private void awaitState(String taskId, String state) {
        await().atMost(Duration.ofSeconds(10)).until(() -> state(taskId).equals(state));
    }

    private List<JsonNode> upgrades(String product) {
        return Fixtures.commands(bus, "gateway.upgrade", product);
    }

    /** No other upgrade than the {@code n} sent so far, counting what the outbox may still have on its way. */
    private void assertNoMoreUpgrades(String product, int n, String what) {
        await().during(Duration.ofMillis(500))
                .atMost(Duration.ofSeconds(2))
                .until(() -> upgrades(product).size() == n);
        assertThat(Fixtures.count(
                        pool,
                        "SELECT count(*) FROM upgrade_task WHERE product_key = $1 AND notified_at IS NOT NULL",
                        product))
                .as(what)
                .isEqualTo(n);
    }

    private List<JsonNode> awaitUpgrades(String product, int n) {
        await().atMost(Duration.ofSeconds(10)).until(() -> upgrades(product).size() >= n);
        return upgrades(product);
    }
}
