package org.otaplatform.plan;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.otaplatform.plan.Fixtures.device;
import static org.otaplatform.plan.Fixtures.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.codec.MessageCodec;
import org.otaplatform.contract.internal.DeviceState;
import org.otaplatform.contract.internal.GatewayUplink;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.TestMqttClient;

/**
 * Behaviours the plan audit (issue #22) found broken: each test failed before its fix. A request for a device
 * whose manual offer awaits confirmation; a plan without an end whose devices used up their attempts; an end
 * user's rejection that the plan overrode after the silent plans' delay; offers only for online devices; an
 * appointment window whose end nobody read. (A plan page whose device counts lagged its task counts:
 * {@link PlanPageConsistencyTest}.)
 */
@QuarkusTest
class PlanCorrectnessTest {

    @Inject
    Pool pool;

    @Test
    void aRequestForADeviceWhoseManualOfferAwaitsConfirmationGetsNoUpgradeUntilTheUserConfirms() throws Exception {
        String product = "offer-" + UUID.randomUUID().toString().substring(0, 8);
        String gw = product + "-gw";
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            String firmwareId = Fixtures.firmware(bus, product, "2.0", "UNVERIFIED");
            Fixtures.gateway(bus, gw, true, 1);
            device(bus, product, "d1", gw, "1.0", 1);
            Fixtures.awaitViews(pool, product, 1);
            String plan = Fixtures.activated(
                    "{\"name\":\"" + product + "\",\"productKey\":\"" + product + "\",\"firmwareId\":\"" + firmwareId
                            + "\",\"mode\":\"MANUAL\",\"timeZone\":\"UTC\",\"upgradeNotes\":{\"en\":\"Fixes pairing\"}}");
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> count(
                                    "SELECT count(*) FROM upgrade_task WHERE product_key = $1"
                                            + " AND state = 'AWAITING_CONFIRMATION'",
                                    product)
                            == 1);

            request(bus, gw, "before", product, "d1");
            JsonNode before = reply(bus, "before");
            assertThat(before.get("result").asText())
                    .as("an offer the end user has not confirmed is no upgrade: none would follow")
                    .isEqualTo("NO_UPGRADE");
            assertThat(before.path("taskId").isMissingNode()
                            || before.get("taskId").isNull())
                    .isTrue();

            given().contentType(ContentType.JSON)
                    .body("{\"planId\":\"" + plan + "\"}")
                    .post("/api/v1/devices/" + product + "/d1/upgrade/confirm")
                    .then()
                    .statusCode(204);
            request(bus, gw, "after", product, "d1");
            JsonNode after = reply(bus, "after");
            assertThat(after.get("result").asText()).isEqualTo("UPGRADE");
            String taskId = after.get("taskId").asText();
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> Fixtures.commands(bus, "gateway.upgrade", product).stream()
                            .anyMatch(u -> u.get("taskId").asText().equals(taskId)));
        }
    }

    @Test
    void aPlanWithoutAnEndFinishesWhenEveryTargetedDeviceRunsTheTargetOrHasNoAttemptLeft() throws Exception {
        String product = "used-" + UUID.randomUUID().toString().substring(0, 8);
        String gw = product + "-gw";
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            String firmwareId = Fixtures.firmware(bus, product, "2.0", "UNVERIFIED");
            Fixtures.gateway(bus, gw, true, 1);
            device(bus, product, "d1", gw, "1.0", 1);
            device(bus, product, "d2", gw, "1.0", 1);
            Fixtures.awaitViews(pool, product, 2);
            String plan = Fixtures.activeSilentPlan(
                    product, firmwareId, ",\"maxConcurrentPerGateway\":2,\"retry\":{\"maxAttempts\":1}");
            await().atMost(Duration.ofSeconds(15))
                    .until(() ->
                            Fixtures.commands(bus, "gateway.upgrade", product).size() == 2);
            List<JsonNode> upgrades = Fixtures.commands(bus, "gateway.upgrade", product);
            for (JsonNode upgrade : upgrades) {
                String task = upgrade.get("taskId").asText();
                boolean fails = upgrade.get("deviceKey").asText().equals("d1");
                report(
                        bus,
                        fails
                                ? new GatewayUplink.Progress(
                                        gw, "f-" + task, task, "FAILED", null, null, "INSTALL_FAILED", "test")
                                : new GatewayUplink.Progress(
                                        gw, "s-" + task, task, "SUCCEEDED", 100, "2.0", null, null));
            }
            device(bus, product, "d2", gw, "2.0", 2);

            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> given().get("/api/v1/plans/" + plan)
                            .then()
                            .body("status", equalTo("FINISHED"))
                            .body("stats.upToDate", equalTo(1))
                            .body("stats.failed", equalTo(1)));
        }
    }

    @Test
    void anEndUsersRejectionStandsUntilTheApplicationConfirmsAgain() throws Exception {
        String product = "no-" + UUID.randomUUID().toString().substring(0, 8);
        String gw = product + "-gw";
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            String plan = manualPlan(bus, product, gw, true, ",\"repushAfterRejectMinutes\":10");
            awaitTasks(product, "AWAITING_CONFIRMATION", 1);
            answer(plan, product, "d1", "reject", "").statusCode(204);
            // the silent plans' re-push delay has long passed, as far as the task says
            execute("UPDATE upgrade_task SET updated_at = now() - interval '1 day' WHERE product_key = $1", product);

            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> count("SELECT count(*) FROM upgrade_task WHERE product_key = $1", product) == 1);
            given().get("/api/v1/devices/" + product + "/d1/upgrade")
                    .then()
                    .statusCode(200)
                    .body("size()", equalTo(0));

            answer(plan, product, "d1", "confirm", "").statusCode(204);
            await().atMost(Duration.ofSeconds(15))
                    .until(() ->
                            Fixtures.commands(bus, "gateway.upgrade", product).size() == 1);
        }
    }

    @Test
    void aDeviceWhoseGatewayIsOfflineIsOfferedTheUpgradeWithThePlansPeriodAndFollowsItsProgress() throws Exception {
        String product = "away-" + UUID.randomUUID().toString().substring(0, 8);
        String gw = product + "-gw";
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            String plan = manualPlan(
                    bus, product, gw, false, ",\"startAt\":\"2020-01-01T00:00:00\",\"endAt\":\"2099-12-31T23:00:00\"");

            await().atMost(Duration.ofSeconds(15))
                    .untilAsserted(() -> given().get("/api/v1/devices/" + product + "/d1/upgrade")
                            .then()
                            .statusCode(200)
                            .body("size()", equalTo(1))
                            .body("[0].planId", equalTo(plan))
                            .body("[0].state", equalTo("AWAITING_CONFIRMATION"))
                            .body("[0].timeZone", equalTo("UTC"))
                            .body("[0].planStartAt", equalTo("2020-01-01T00:00:00"))
                            .body("[0].planEndAt", equalTo("2099-12-31T23:00:00"))
                            .body("[0].upgradeNotes.en", equalTo("Fixes pairing")));
            answer(plan, product, "d1", "confirm", "").statusCode(204);

            // the gateway comes back: the confirmed upgrade goes out, and the application sees it run
            Fixtures.gateway(bus, gw, true, 2);
            device(bus, product, "d1", gw, "1.0", 2);
            await().atMost(Duration.ofSeconds(15))
                    .until(() ->
                            Fixtures.commands(bus, "gateway.upgrade", product).size() == 1);
            String task = Fixtures.commands(bus, "gateway.upgrade", product)
                    .get(0)
                    .get("taskId")
                    .asText();
            report(bus, new GatewayUplink.Progress(gw, "p-" + task, task, "DOWNLOADING", 40, null, null, null));
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> given().get("/api/v1/devices/" + product + "/d1/upgrade")
                            .then()
                            .body("[0].taskId", equalTo(task))
                            .body("[0].state", equalTo("DOWNLOADING"))
                            .body("[0].percent", equalTo(40)));
        }
    }

    @Test
    void anAppointmentThatEndsBeforeTheUpgradeCouldBeSentIsOfferedAgainWithTheReason() throws Exception {
        String product = "appt-" + UUID.randomUUID().toString().substring(0, 8);
        String gw = product + "-gw";
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            String plan = manualPlan(bus, product, gw, true, "");
            awaitTasks(product, "AWAITING_CONFIRMATION", 1);
            java.time.Instant from = java.time.Instant.now().plus(Duration.ofHours(1));
            answer(
                            plan,
                            product,
                            "d1",
                            "confirm",
                            ",\"appointment\":{\"from\":\"" + from + "\",\"to\":\"" + from.plus(Duration.ofHours(1))
                                    + "\"}")
                    .statusCode(204);
            awaitTasks(product, "PENDING", 1);
            // the window passed while the gateway could not take it (as far as the task says)
            execute(
                    "UPDATE upgrade_task SET not_before = now() - interval '2 hours', not_after = now() - interval"
                            + " '1 hour' WHERE product_key = $1",
                    product);

            awaitTasks(product, "AWAITING_CONFIRMATION", 1);
            given().get("/api/v1/devices/" + product + "/d1/upgrade")
                    .then()
                    .body("[0].state", equalTo("AWAITING_CONFIRMATION"))
                    .body("[0].appointment", org.hamcrest.Matchers.nullValue())
                    .body("[0].note", org.hamcrest.Matchers.containsString("appointment ended"));
            assertThat(Fixtures.commands(bus, "gateway.upgrade", product))
                    .as("nothing sent outside the appointment")
                    .isEmpty();
        }
    }

    /** A manual plan to 2.0 over device d1 on 1.0, its gateway online or not; the plan's id. */
    private String manualPlan(TestMqttClient bus, String product, String gw, boolean online, String extra) {
        String firmwareId = Fixtures.firmware(bus, product, "2.0", "UNVERIFIED");
        Fixtures.gateway(bus, gw, online, 1);
        Fixtures.device(bus, new DeviceState(product, "d1", gw, online, "1.0", "ATTACHED", 1));
        Fixtures.awaitViews(pool, product, 1);
        return Fixtures.activated("{\"name\":\"" + product + "\",\"productKey\":\"" + product
                + "\",\"firmwareId\":\"" + firmwareId + "\",\"mode\":\"MANUAL\",\"timeZone\":\"UTC\","
                + "\"upgradeNotes\":{\"en\":\"Fixes pairing\"}" + extra + "}");
    }

    private static io.restassured.response.ValidatableResponse answer(
            String plan, String product, String device, String what, String extra) {
        return given().contentType(ContentType.JSON)
                .body("{\"planId\":\"" + plan + "\"" + extra + "}")
                .post("/api/v1/devices/" + product + "/" + device + "/upgrade/" + what)
                .then();
    }

    private void awaitTasks(String product, String state, int n) {
        await().atMost(Duration.ofSeconds(15))
                .until(() -> Fixtures.count(
                                pool,
                                "SELECT count(*) FROM upgrade_task WHERE product_key = $1 AND state = $2",
                                product,
                                state)
                        == n);
    }

    private void execute(String sql, String product) {
        pool.preparedQuery(sql)
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(product))
                .await()
                .indefinitely();
    }

    private static void request(TestMqttClient bus, String gw, String msgId, String product, String device) {
        report(bus, new GatewayUplink.Request(gw, msgId, product, device, "1.0"));
    }

    /** The data of plan-service's reply to the request {@code msgId}. */
    private static JsonNode reply(TestMqttClient bus, String msgId) throws Exception {
        return MessageCodec.mapper()
                .readTree(bus.await(m -> m.payload().contains("\"inReplyTo\":\"" + msgId + "\""))
                        .payload())
                .get("data");
    }

    private long count(String sql, String product) {
        return Fixtures.count(pool, sql, product);
    }
}
