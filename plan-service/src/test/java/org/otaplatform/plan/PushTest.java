package org.otaplatform.plan;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.otaplatform.plan.Fixtures.publish;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.codec.MessageCodec;
import org.otaplatform.contract.internal.DeviceState;
import org.otaplatform.contract.internal.GatewayState;
import org.otaplatform.contract.internal.GatewayUplink;
import org.otaplatform.contract.internal.InternalMessage;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.TestMqttClient;

/** A silent plan pushes to the eligible online devices, within each gateway's concurrency. */
@QuarkusTest
class PushTest {

    @Inject
    Pool pool;

    @Inject
    MeterRegistry registry;

    @Test
    void pushesEligibleDevicesWithinTheGatewaysConcurrencyAndFollowsTheirProgress() throws Exception {
        String product = "push-" + UUID.randomUUID().toString().substring(0, 8);
        String gw1 = product + "-gw1";
        String gw2 = product + "-gw2";
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            String firmwareId = Fixtures.firmware(bus, product, "2.0", "VERIFIED");
            publish(bus, InternalTopics.DEVICE_EVENTS, GatewayState.TYPE, new GatewayState(gw1, true, 1));
            publish(bus, InternalTopics.DEVICE_EVENTS, GatewayState.TYPE, new GatewayState(gw2, true, 1));
            for (int i = 1; i <= 5; i++) {
                device(bus, product, "d" + i, gw1, true, "1.0");
            }
            device(bus, product, "d6", gw2, true, "1.0"); // blacklisted
            device(bus, product, "d7", gw2, true, "2.0"); // up to date
            device(bus, product, "d8", gw2, true, "0.9"); // not a source version
            device(bus, product, "d9", gw2, false, "1.0"); // offline
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> count("SELECT count(*) FROM device_view WHERE product_key = $1", product) == 9
                            && count("SELECT count(*) FROM firmware_view WHERE product_key = $1", product) == 1);

            String plan = "{\"name\":\"" + product + "\",\"productKey\":\"" + product + "\",\"firmwareId\":\""
                    + firmwareId + "\","
                    + "\"mode\":\"SILENT\",\"timeZone\":\"UTC\",\"sourceVersions\":[\"1.0\"],\"blacklist\":[\"d6\"],\"maxConcurrentPerGateway\":2}";
            String id = Fixtures.activated(plan);

            awaitUpgrades(bus, product, 2);
            List<JsonNode> first = upgrades(bus, product);
            assertThat(first)
                    .allMatch(c -> c.get("gatewayId").asText().equals(gw1)
                            && c.get("toVersion").asText().equals("2.0"));
            assertThat(first.stream().map(c -> c.get("deviceKey").asText())).doesNotContain("d6", "d7", "d8", "d9");

            String done = first.get(0).get("taskId").asText();
            String wrong = first.get(1).get("taskId").asText();
            report(bus, new GatewayUplink.Ack(gw1, "m1", done, true, null), GatewayUplink.Ack.TYPE);
            report(
                    bus,
                    new GatewayUplink.Progress(gw1, "m2", done, "SUCCEEDED", 100, "2.0", null, null),
                    GatewayUplink.Progress.TYPE);
            report(
                    bus,
                    new GatewayUplink.Progress(gw1, "m3", wrong, "SUCCEEDED", 100, "1.9", null, null),
                    GatewayUplink.Progress.TYPE);
            // a report for the task from another gateway changes nothing
            report(
                    bus,
                    new GatewayUplink.Progress(gw2, "m4", done, "FAILED", null, null, "OTHER", "spoofed"),
                    GatewayUplink.Progress.TYPE);

            awaitUpgrades(bus, product, 4);
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> given().get("/api/v1/plans/" + id)
                            .then()
                            .body("status", equalTo("ACTIVE"))
                            .body("stats.targeted", equalTo(7))
                            // d7 was at the target; the device that succeeded is now too
                            .body("stats.upToDate", equalTo(2))
                            .body("stats.succeeded", equalTo(1))
                            .body("stats.failed", equalTo(1))
                            .body("stats.inProgress", equalTo(2))
                            .body("stats.successRate", equalTo(0.5f)));
            given().get("/api/v1/plans/" + id + "/tasks?state=FAILED")
                    .then()
                    .body("total", equalTo(1))
                    .body("items[0].error.code", equalTo("VERSION_MISMATCH"));
            List<String> states = given().get("/api/v1/plans/" + id + "/tasks/" + done)
                    .then()
                    .statusCode(200)
                    .extract()
                    .path("events.state");
            assertThat(states).containsExactly("NOTIFIED", "ACCEPTED", "SUCCEEDED");
        }
    }

    @Test
    void terminatingCancelsWhatNoGatewayAcceptedAndLetsAcceptedTasksRunOn() throws Exception {
        String product = "term-" + UUID.randomUUID().toString().substring(0, 8);
        String gw = product + "-gw";
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            String id = activePlan(bus, product, gw, 2, 300);
            awaitUpgrades(bus, product, 2);
            String accepted = upgrades(bus, product).get(0).get("taskId").asText();
            String notified = upgrades(bus, product).get(1).get("taskId").asText();
            report(bus, new GatewayUplink.Ack(gw, "a1", accepted, true, null), GatewayUplink.Ack.TYPE);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> state(id, accepted).equals("ACCEPTED"));

            given().post("/api/v1/plans/" + id + "/terminate").then().statusCode(200);

            assertThat(state(id, notified)).isEqualTo("CANCELLED");
            assertThat(state(id, accepted)).isEqualTo("ACCEPTED");
            bus.await(m -> m.payload().contains("gateway.cancel") && m.payload().contains(notified));
            assertThat(bus.received())
                    .noneMatch(m -> m.payload().contains("gateway.cancel")
                            && m.payload().contains(accepted));
        }
    }

    @Test
    void anOutageGivesTheOpenTasksTheirTimeBackSoThatNoneTimesOutBecauseOfIt() throws Exception {
        String product = "outage-" + UUID.randomUUID().toString().substring(0, 8);
        String gw = product + "-gw";
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            String id = activePlan(bus, product, gw, 1, 10);
            String task = awaitUpgrades(bus, product, 1).get(0).get("taskId").asText();

            // as after 60 s without a timeout pass, during which the task's ack time ran out
            assertThat(ackSecondsLeftAfterAnOutage(id, task, 1, 3))
                    .as("the 60 s given back, less the 1 s overdue and the 3 s waited")
                    .isBetween(50L, 60L);
            // a task long overdue when the outage began gets at least its whole ack window (10 s) from now:
            // its answer waited in the broker, behind everything else, and is consumed only now
            assertThat(ackSecondsLeftAfterAnOutage(id, task, 100, 2))
                    .as("a whole ack window of 10 s from the pass, less the 2 s waited")
                    .isBetween(5L, 10L);
        }
    }

    /**
     * Makes it look as if no timeout pass had run for 60 s while the task's ack deadline passed {@code overdue}
     * seconds ago, checks that the task stays NOTIFIED for {@code waited} seconds of passes, and returns the
     * seconds its ack deadline is then away.
     */
    private long ackSecondsLeftAfterAnOutage(String plan, String task, int overdue, int waited) {
        pool.withTransaction(c -> c.query("UPDATE timeout_clock SET last_pass = now() - interval '60 s'")
                        .execute()
                        .flatMap(v -> c.preparedQuery(
                                        "UPDATE upgrade_task SET ack_deadline = now() - make_interval(secs => $2)"
                                                + " WHERE id = $1")
                                .execute(Tuple.of(UUID.fromString(task), (double) overdue))))
                .await()
                .indefinitely();
        await().during(Duration.ofSeconds(waited))
                .atMost(Duration.ofSeconds(waited + 2))
                .until(() -> state(plan, task).equals("NOTIFIED"));
        return pool.preparedQuery(
                        "SELECT extract(epoch FROM ack_deadline - now())::bigint FROM upgrade_task WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(task)))
                .await()
                .indefinitely()
                .iterator()
                .next()
                .getLong(0);
    }

    @Test
    void anUpgradeNotAckedInTimeTimesOutAndStaysTimedOutWhateverComesLate() throws Exception {
        String product = "ackto-" + UUID.randomUUID().toString().substring(0, 8);
        String gw = product + "-gw";
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            String id = activePlan(bus, product, gw, 1, 10);
            String task = awaitUpgrades(bus, product, 1).get(0).get("taskId").asText();

            await().atMost(Duration.ofSeconds(20)).until(() -> state(id, task).equals("TIMED_OUT"));
            bus.await(m -> m.payload().contains("gateway.cancel") && m.payload().contains(task));

            // the protocol: a report for a task in a final state is ignored, even a late success
            report(
                    bus,
                    new GatewayUplink.Progress(gw, "late-" + task, task, "SUCCEEDED", 100, "2.0", null, null),
                    GatewayUplink.Progress.TYPE);
            await().during(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> state(id, task).equals("TIMED_OUT"));
        }
    }

    @Test
    void aDeviceRequestGetsATaskAndAnUpgradeReplyOrNoUpgrade() throws Exception {
        String product = "req-" + UUID.randomUUID().toString().substring(0, 8);
        String gw = product + "-gw";
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            activePlan(bus, product, gw, 1, 300, false);
            await().pollDelay(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> true);
            assertThat(upgrades(bus, product))
                    .as("a plan that does not push actively pushes nothing by itself")
                    .isEmpty();

            report(bus, new GatewayUplink.Request(gw, "r1", product, "d1", "1.0"), GatewayUplink.Request.TYPE);
            report(bus, new GatewayUplink.Request(gw, "r2", product, "d2", "2.0"), GatewayUplink.Request.TYPE);
            report(bus, new GatewayUplink.Request(gw, "r3", product, "d3", "1.0"), GatewayUplink.Request.TYPE);

            JsonNode upgrade = MessageCodec.mapper()
                    .readTree(bus.await(m -> m.payload().contains("\"inReplyTo\":\"r1\""))
                            .payload())
                    .get("data");
            assertThat(upgrade.get("result").asText()).isEqualTo("UPGRADE");
            String taskId = upgrade.get("taskId").asText();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> upgrades(bus, product).stream()
                            .anyMatch(u -> u.get("taskId").asText().equals(taskId)));
            assertThat(bus.await(m -> m.payload().contains("\"inReplyTo\":\"r2\""))
                            .payload())
                    .contains("NO_UPGRADE");
            // d3 gets its task too, PENDING while the gateway's only slot is taken
            JsonNode pending = MessageCodec.mapper()
                    .readTree(bus.await(m -> m.payload().contains("\"inReplyTo\":\"r3\""))
                            .payload())
                    .get("data");
            assertThat(pending.get("result").asText()).isEqualTo("UPGRADE");
            assertThat(upgrades(bus, product)).hasSize(1);

            report(bus, new GatewayUplink.Request(gw, "r4", product, "d1", "1.0"), GatewayUplink.Request.TYPE);
            assertThat(bus.await(m -> m.payload().contains("\"inReplyTo\":\"r4\""))
                            .payload())
                    .contains(taskId);

            // when d1 is done, the PENDING task of d3 goes out
            report(
                    bus,
                    new GatewayUplink.Progress(gw, "p1", taskId, "SUCCEEDED", 100, "2.0", null, null),
                    GatewayUplink.Progress.TYPE);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> upgrades(bus, product).stream()
                            .anyMatch(u -> u.get("taskId")
                                    .asText()
                                    .equals(pending.get("taskId").asText())));
        }
    }

    @Test
    void aLargePlanStartsWithOneThousandTasksAndSendsMoreOnlyAsGatewaysAnswer() throws Exception {
        String product = "ramp-" + UUID.randomUUID().toString().substring(0, 8);
        int gateways = 250;
        int perGateway = 10;
        try (TestMqttClient bus = TestMqttClient.connect(MqttBroker.shared())) {
            String firmwareId = Fixtures.firmware(bus, product, "2.0", "VERIFIED");
            execute(
                    "INSERT INTO gateway_view (gateway_id, online, seq)"
                            + " SELECT $1 || '-gw' || g, true, 1 FROM generate_series(1, $2) g",
                    Tuple.of(product, gateways));
            execute(
                    "INSERT INTO device_view (product_key, device_key, gateway_id, online, version, seq)"
                            + " SELECT $1, 'd' || g || '-' || i, $1 || '-gw' || g, true, '1.0', 1"
                            + " FROM generate_series(1, $2) g, generate_series(1, $3) i",
                    Tuple.of(product, gateways, perGateway));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> count("SELECT count(*) FROM firmware_view WHERE product_key = $1", product) == 1);
            String id = Fixtures.activated(
                    "{\"name\":\"" + product + "\",\"productKey\":\"" + product + "\",\"firmwareId\":\""
                            + firmwareId + "\",\"mode\":\"SILENT\",\"timeZone\":\"UTC\",\"sourceVersions\":[\"1.0\"],"
                            + "\"maxConcurrentPerGateway\":" + perGateway + "}");

            String tasks = "SELECT count(*) FROM upgrade_task WHERE product_key = $1";
            await().atMost(Duration.ofSeconds(15)).until(() -> count(tasks, product) == 1000);
            // three passes: no gateway answered, so nothing more goes out
            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(4))
                    .until(() -> count(tasks, product) == 1000);

            // 500 acks: the window grows by 500 to 1,500 while 500 stay unanswered, so 1,000 more go out
            List<GatewayUplink.Entry> acks = pool.preparedQuery(
                            "SELECT id, gateway_id FROM upgrade_task WHERE product_key = $1 ORDER BY id LIMIT 500")
                    .execute(Tuple.of(product))
                    .map(rows -> {
                        List<GatewayUplink.Entry> entries = new java.util.ArrayList<>();
                        rows.forEach(r -> entries.add(GatewayUplink.Entry.ack(new GatewayUplink.Ack(
                                r.getString(1),
                                "ack-" + r.getUUID(0),
                                r.getUUID(0).toString(),
                                true,
                                null))));
                        return entries;
                    })
                    .await()
                    .indefinitely();
            report(bus, new GatewayUplink.Reports(acks), GatewayUplink.Reports.TYPE);
            await().atMost(Duration.ofSeconds(15)).until(() -> count(tasks, product) == 2000);
            // and no more after 500 answers, however many passes
            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(4))
                    .until(() -> count(tasks, product) == 2000);
        }
    }

    @Test
    void devicesBehindManyGatewaysWithNothingToDoAreStillFound() throws Exception {
        String product = "walk-" + UUID.randomUUID().toString().substring(0, 8);
        try (TestMqttClient bus = TestMqttClient.connect(MqttBroker.shared())) {
            String firmwareId = Fixtures.firmware(bus, product, "2.0", "VERIFIED");
            // 600 gateways in order; the first 550 have only sub-devices at the target already
            execute(
                    "INSERT INTO gateway_view (gateway_id, online, seq)"
                            + " SELECT $1 || '-gw' || lpad(g::text, 4, '0'), true, 1 FROM generate_series(1, 600) g",
                    Tuple.of(product));
            execute(
                    "INSERT INTO device_view (product_key, device_key, gateway_id, online, version, seq)"
                            + " SELECT $1, 'd' || g, $1 || '-gw' || lpad(g::text, 4, '0'), true,"
                            + " CASE WHEN g <= 550 THEN '2.0' ELSE '1.0' END, 1 FROM generate_series(1, 600) g",
                    Tuple.of(product));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> count("SELECT count(*) FROM firmware_view WHERE product_key = $1", product) == 1);
            String id = Fixtures.activated(
                    "{\"name\":\"" + product + "\",\"productKey\":\"" + product + "\",\"firmwareId\":\"" + firmwareId
                            + "\",\"mode\":\"SILENT\",\"timeZone\":\"UTC\",\"sourceVersions\":[\"1.0\"]}");

            await().atMost(Duration.ofSeconds(15))
                    .until(() -> count("SELECT count(*) FROM upgrade_task WHERE product_key = $1", product) == 50);
            assertThat(count(
                            "SELECT count(*) FROM upgrade_task WHERE product_key = $1 AND gateway_id <= $1 || '-gw0550'",
                            product))
                    .as("tasks for devices at the target")
                    .isZero();
        }
    }

    @Test
    void aPlanFinishesWhenEveryTargetedDeviceRunsTheTargetAndAnnouncesIt() throws Exception {
        String product = "fin-" + UUID.randomUUID().toString().substring(0, 8);
        String gw = product + "-gw";
        try (TestMqttClient bus = TestMqttClient.connect(MqttBroker.shared())
                .subscribe(InternalTopics.GATEWAY_COMMANDS)
                .subscribe(InternalTopics.PLAN_EVENTS)) {
            String id = activePlan(bus, product, gw, 3, 300);
            awaitUpgrades(bus, product, 3);
            long seq = 10;
            for (JsonNode upgrade : upgrades(bus, product)) {
                report(
                        bus,
                        new GatewayUplink.Progress(
                                gw, "p-" + seq, upgrade.get("taskId").asText(), "SUCCEEDED", 100, "2.0", null, null),
                        GatewayUplink.Progress.TYPE);
                publish(
                        bus,
                        InternalTopics.DEVICE_EVENTS,
                        DeviceState.TYPE,
                        new DeviceState(product, upgrade.get("deviceKey").asText(), gw, true, "2.0", "VERSION", seq++));
            }

            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> given().get("/api/v1/plans/" + id)
                            .then()
                            .body("status", equalTo("FINISHED"))
                            .body("stats.succeeded", equalTo(3))
                            .body("stats.upToDate", equalTo(3)));
            bus.await(m -> m.payload().contains(id) && m.payload().contains("\"status\":\"FINISHED\""));
        }
    }

    /**
     * The confirmed-offer gap (issue #34): an offer confirmed for a sub-device its gateway reports offline is sent
     * only once the sub-device is online again; its gateway's room goes to the online one meanwhile.
     */
    @Test
    void aConfirmedOfferWaitsForItsSubDeviceToComeOnline() throws Exception {
        String product = "mof-" + UUID.randomUUID().toString().substring(0, 8);
        String gw = product + "-gw";
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            String firmwareId = Fixtures.firmware(bus, product, "2.0", "UNVERIFIED");
            publish(bus, InternalTopics.DEVICE_EVENTS, GatewayState.TYPE, new GatewayState(gw, true, 1));
            Fixtures.device(bus, new DeviceState(product, "d1", gw, true, "1.0", "ATTACHED", 1));
            Fixtures.device(bus, new DeviceState(product, "d2", gw, true, "1.0", "ATTACHED", 1));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> count("SELECT count(*) FROM device_view WHERE product_key = $1", product) == 2
                            && count("SELECT count(*) FROM firmware_view WHERE product_key = $1", product) == 1);
            String plan = Fixtures.activated("{\"name\":\"" + product + "\",\"productKey\":\"" + product
                    + "\",\"firmwareId\":\"" + firmwareId + "\",\"mode\":\"MANUAL\",\"timeZone\":\"UTC\","
                    + "\"maxConcurrentPerGateway\":1,\"upgradeNotes\":{\"en\":\"Fixes pairing\"}}");
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> count("SELECT count(*) FROM upgrade_task WHERE product_key = $1", product) == 2);

            // d1 leaves while its gateway stays online; its end user confirms anyway, and so does d2's
            Fixtures.device(bus, new DeviceState(product, "d1", gw, false, "1.0", "OFFLINE", 2));
            await().atMost(Duration.ofSeconds(10))
                    .until(() ->
                            count("SELECT count(*) FROM device_view WHERE product_key = $1 AND NOT online", product)
                                    == 1);
            for (String d : List.of("d1", "d2")) {
                given().contentType(ContentType.JSON)
                        .body("{\"planId\":\"" + plan + "\"}")
                        .post("/api/v1/devices/" + product + "/" + d + "/upgrade/confirm")
                        .then()
                        .statusCode(204);
            }
            awaitUpgrades(bus, product, 1);
            assertThat(upgrades(bus, product).get(0).get("deviceKey").asText())
                    .as("the gateway's one slot goes to the device that can take it")
                    .isEqualTo("d2");
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> upgrades(bus, product).size() == 1);
            given().get("/api/v1/plans/" + plan + "/tasks?deviceKey=d1")
                    .then()
                    .body("items[0].state", equalTo("PENDING"));

            // d2 done, d1 back: now it goes
            Fixtures.report(
                    bus,
                    new org.otaplatform.contract.internal.GatewayUplink.Progress(
                            gw,
                            "ok-d2",
                            upgrades(bus, product).get(0).get("taskId").asText(),
                            "SUCCEEDED",
                            100,
                            "2.0",
                            null,
                            null));
            Fixtures.device(bus, new DeviceState(product, "d1", gw, true, "1.0", "ONLINE", 3));
            awaitUpgrades(bus, product, 2);
            assertThat(upgrades(bus, product).get(1).get("deviceKey").asText()).isEqualTo("d1");
        }
    }

    @Test
    void aManualPlanOffersTheUpgradeAndSendsItOnlyOnceTheEndUserConfirms() throws Exception {
        String product = "man-" + UUID.randomUUID().toString().substring(0, 8);
        String gw = product + "-gw";
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            String firmwareId = Fixtures.firmware(bus, product, "2.0", "UNVERIFIED");
            publish(bus, InternalTopics.DEVICE_EVENTS, GatewayState.TYPE, new GatewayState(gw, true, 1));
            device(bus, product, "d1", gw, true, "1.0");
            device(bus, product, "d2", gw, true, "1.0");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> count("SELECT count(*) FROM device_view WHERE product_key = $1", product) == 2
                            && count("SELECT count(*) FROM firmware_view WHERE product_key = $1", product) == 1);
            String body =
                    "{\"name\":\"" + product + "\",\"productKey\":\"" + product + "\",\"firmwareId\":\"" + firmwareId
                            + "\",\"mode\":\"MANUAL\",\"timeZone\":\"UTC\",\"maxConcurrentPerGateway\":1,"
                            + "\"upgradeNotes\":{\"en\":\"Fixes pairing\"}}";
            String plan = Fixtures.activated(body);

            await().atMost(Duration.ofSeconds(15))
                    .untilAsserted(() -> given().get("/api/v1/devices/" + product + "/d1/upgrade")
                            .then()
                            .statusCode(200)
                            .body("size()", equalTo(1))
                            .body("[0].planId", equalTo(plan))
                            .body("[0].upgradeNotes.en", equalTo("Fixes pairing")));
            assertThat(upgrades(bus, product))
                    .as("nothing is sent before the end user confirms")
                    .isEmpty();
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> count("SELECT count(*) FROM upgrade_task WHERE product_key = $1", product) == 2);
            assertThat(count("SELECT count(DISTINCT created_at) FROM upgrade_task WHERE product_key = $1", product))
                    .as("both devices offered in one pass: an offer does not take one of the gateway's slots")
                    .isEqualTo(1);

            given().contentType(ContentType.JSON)
                    .body("{\"planId\":\"" + plan
                            + "\",\"appointment\":{\"from\":\"2030-01-01T10:00:00Z\",\"to\":\"2030-01-01T10:30:00Z\"}}")
                    .post("/api/v1/devices/" + product + "/d1/upgrade/confirm")
                    .then()
                    .statusCode(422)
                    .body("errors[0].field", equalTo("appointment"));
            given().contentType(ContentType.JSON)
                    .body("{\"planId\":\"" + plan + "\"}")
                    .post("/api/v1/devices/" + product + "/d1/upgrade/confirm")
                    .then()
                    .statusCode(204);
            given().contentType(ContentType.JSON)
                    .body("{\"planId\":\"" + plan + "\",\"reason\":\"not now\"}")
                    .post("/api/v1/devices/" + product + "/d2/upgrade/reject")
                    .then()
                    .statusCode(204);

            awaitUpgrades(bus, product, 1);
            assertThat(upgrades(bus, product).get(0).get("deviceKey").asText()).isEqualTo("d1");
            given().get("/api/v1/plans/" + plan + "/tasks?deviceKey=d2")
                    .then()
                    .body("items[0].state", equalTo("REJECTED"));
        }
    }

    @Test
    void firmwareFailuresOverTheThresholdSuspendThePlanButDeviceConditionsDoNot() throws Exception {
        String product = "thr-" + UUID.randomUUID().toString().substring(0, 8);
        String gw = product + "-gw";
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            String id = activePlan(
                    bus, product, gw, 3, 300, true, ",\"failureThresholdPercent\":50,\"failureThresholdMinSamples\":2");
            awaitUpgrades(bus, product, 3);
            List<JsonNode> tasks = upgrades(bus, product);
            report(bus, failed(gw, tasks.get(0), "LOW_BATTERY"), GatewayUplink.Progress.TYPE);
            report(bus, failed(gw, tasks.get(1), "INSTALL_FAILED"), GatewayUplink.Progress.TYPE);
            await().pollDelay(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> true);
            given().get("/api/v1/plans/" + id).then().body("status", equalTo("ACTIVE"));

            report(bus, failed(gw, tasks.get(2), "SIGNATURE_INVALID"), GatewayUplink.Progress.TYPE);

            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> given().get("/api/v1/plans/" + id)
                            .then()
                            .body("status", equalTo("SUSPENDED"))
                            .body("suspendedReason", org.hamcrest.Matchers.containsString("failure threshold")));
        }
    }

    /**
     * device-gateway-service forwards a run of reports as one {@code gateway.reports} message: its entries
     * are applied in order, the message once (a redelivery changes nothing), an entry of a gateway that
     * does not own the task ignored.
     */
    @Test
    void aRunOfReportsInOneMessageIsAppliedInOrderAndOnce() throws Exception {
        String product = "batch-" + UUID.randomUUID().toString().substring(0, 8);
        String gw = product + "-gw";
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            String id = activePlan(bus, product, gw, 2, 300);
            List<String> tasks = taskIds(awaitUpgrades(bus, product, 2));
            List<GatewayUplink.Entry> entries = new java.util.ArrayList<>();
            int m = 0;
            for (String task : tasks) {
                entries.add(GatewayUplink.Entry.ack(new GatewayUplink.Ack(gw, "a" + m++, task, true, null)));
                entries.add(GatewayUplink.Entry.progress(
                        new GatewayUplink.Progress("someone-else", "x" + m++, task, "FAILED", null, null, "X", "x")));
                for (String state : List.of("DOWNLOADING", "DOWNLOADED", "UPGRADING")) {
                    entries.add(GatewayUplink.Entry.progress(
                            new GatewayUplink.Progress(gw, "p" + m++, task, state, null, null, null, null)));
                }
                entries.add(GatewayUplink.Entry.progress(
                        new GatewayUplink.Progress(gw, "s" + m++, task, "SUCCEEDED", 100, "2.0", null, null)));
            }
            byte[] run = InternalMessage.of(
                            GatewayUplink.Reports.TYPE,
                            "test",
                            System.currentTimeMillis(),
                            new GatewayUplink.Reports(entries))
                    .encode();
            bus.publish(InternalTopics.GATEWAY_UPLINK, run);
            bus.publish(InternalTopics.GATEWAY_UPLINK, run); // redelivered

            await().atMost(Duration.ofSeconds(15))
                    .untilAsserted(
                            () -> given().get("/api/v1/plans/" + id).then().body("stats.succeeded", equalTo(2)));
            for (String task : tasks) {
                List<String> states = succeededHistory(id, task);
                assertThat(states)
                        .containsExactly("NOTIFIED", "ACCEPTED", "DOWNLOADING", "DOWNLOADED", "UPGRADING", "SUCCEEDED");
            }
            given().get("/api/v1/plans/" + id).then().body("stats.failed", equalTo(0));
        }
    }

    /**
     * Reports that arrive together are applied as a set-based run with the effects of one by one: every
     * step in the history in order, a percent in the same state recorded, a repeated message and a stale
     * report ignored, each device's new version in the device view.
     */
    @Test
    void reportsArrivingTogetherHaveTheEffectsOfOneByOne() throws Exception {
        String product = "run-" + UUID.randomUUID().toString().substring(0, 8);
        String gw = product + "-gw";
        var counter = registry.find("ota.messages.set-based")
                .tag("subscription", "gateway-uplink")
                .counter();
        double before = counter == null ? 0 : counter.count();
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            String id = activePlan(bus, product, gw, 3, 300);
            List<String> tasks = taskIds(awaitUpgrades(bus, product, 3));
            int m = 0;
            for (String task : tasks) {
                report(bus, new GatewayUplink.Ack(gw, "a" + m++, task, true, null), GatewayUplink.Ack.TYPE);
                for (var step : List.of(
                        new Object[] {"DOWNLOADING", 10},
                        new Object[] {"DOWNLOADING", 60},
                        new Object[] {"DOWNLOADED", 100},
                        new Object[] {"UPGRADING", null})) {
                    report(
                            bus,
                            new GatewayUplink.Progress(
                                    gw, "p" + m++, task, (String) step[0], (Integer) step[1], null, null, null),
                            GatewayUplink.Progress.TYPE);
                }
                byte[] succeeded = InternalMessage.of(
                                GatewayUplink.Progress.TYPE,
                                "test",
                                System.currentTimeMillis(),
                                new GatewayUplink.Progress(gw, "s" + m++, task, "SUCCEEDED", 100, "2.0", null, null))
                        .encode();
                bus.publish(InternalTopics.GATEWAY_UPLINK, succeeded);
                bus.publish(InternalTopics.GATEWAY_UPLINK, succeeded); // redelivered
                report(
                        bus,
                        new GatewayUplink.Progress(gw, "late" + m++, task, "DOWNLOADING", 70, null, null, null),
                        GatewayUplink.Progress.TYPE);
            }

            await().atMost(Duration.ofSeconds(15))
                    .until(() -> count(
                                    "SELECT count(*) FROM device_view WHERE product_key = $1 AND version = '2.0'",
                                    product)
                            == 3);
            for (String task : tasks) {
                List<String> states = succeededHistory(id, task);
                assertThat(states)
                        .containsExactly(
                                "NOTIFIED",
                                "ACCEPTED",
                                "DOWNLOADING",
                                "DOWNLOADING",
                                "DOWNLOADED",
                                "UPGRADING",
                                "SUCCEEDED");
                List<Integer> percents = given().get("/api/v1/plans/" + id + "/tasks/" + task)
                        .then()
                        .extract()
                        .path("events.percent");
                assertThat(percents).containsExactly(null, null, 10, 60, 100, null, 100);
            }
            given().get("/api/v1/plans/" + id).then().body("stats.succeeded", equalTo(3));
            assertThat(registry.find("ota.messages.set-based")
                                    .tag("subscription", "gateway-uplink")
                                    .counter()
                                    .count()
                            - before)
                    .as("reports of the burst went through set-based runs")
                    .isPositive();
        }
    }

    @Test
    void anOperatorRetriesADeviceWhoseLastTaskFailed() throws Exception {
        String product = "rty-" + UUID.randomUUID().toString().substring(0, 8);
        String gw = product + "-gw";
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            String id = activePlan(bus, product, gw, 3, 300);
            awaitUpgrades(bus, product, 3);
            JsonNode first = upgrades(bus, product).get(0);
            JsonNode second = upgrades(bus, product).get(1);
            String device = first.get("deviceKey").asText();
            report(bus, failed(gw, first, "DOWNLOAD_FAILED"), GatewayUplink.Progress.TYPE);
            given().post("/api/v1/plans/" + id + "/devices/" + product + "/"
                            + second.get("deviceKey").asText() + "/retry")
                    .then()
                    .statusCode(409);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> "FAILED"
                            .equals(given().get("/api/v1/plans/" + id + "/tasks/"
                                            + first.get("taskId").asText())
                                    .then()
                                    .extract()
                                    .path("task.state")));

            String retried = given().post("/api/v1/plans/" + id + "/devices/" + product + "/" + device + "/retry")
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("taskId");
            given().post("/api/v1/plans/" + id + "/devices/" + product + "/" + device + "/retry")
                    .then()
                    .statusCode(409);

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> upgrades(bus, product).stream()
                            .anyMatch(u -> u.get("taskId").asText().equals(retried)));
            given().get("/api/v1/plans/" + id + "/tasks/" + retried).then().body("task.attempt", equalTo(2));
        }
    }

    /**
     * What the console's plan page reads: failures by code, gateway, source version and cause (firmware or
     * transport), results per minute, sorted lists.
     */
    @Test
    void aPlansFailuresAreBrokenDownByCodeGatewayVersionAndCauseAndCountedPerMinute() throws Exception {
        String product = "brk-" + UUID.randomUUID().toString().substring(0, 8);
        String gw = product + "-gw";
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            String id = activePlan(bus, product, gw, 3, 300);
            awaitUpgrades(bus, product, 3);
            List<JsonNode> tasks = upgrades(bus, product);
            report(bus, failed(gw, tasks.get(0), "DOWNLOAD_FAILED"), GatewayUplink.Progress.TYPE);
            report(bus, failed(gw, tasks.get(1), "INSTALL_FAILED"), GatewayUplink.Progress.TYPE);
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> given().get("/api/v1/plans/" + id + "/failures")
                            .then()
                            .statusCode(200)
                            .body("failed", equalTo(2))
                            .body(
                                    "byCode.key",
                                    org.hamcrest.Matchers.containsInAnyOrder("DOWNLOAD_FAILED", "INSTALL_FAILED"))
                            .body("byGateway[0].key", equalTo(gw))
                            .body("byGateway[0].count", equalTo(2))
                            // both ran 1.0; the download is the transport's fault, the install the firmware's
                            .body("bySourceVersion[0].key", equalTo("1.0"))
                            .body("bySourceVersion[0].count", equalTo(2))
                            .body("byCause.key", org.hamcrest.Matchers.containsInAnyOrder("firmware", "transport"))
                            .body("byCause.count", org.hamcrest.Matchers.contains(1, 1)));
            given().get("/api/v1/plans/" + id + "/progress?minutes=5")
                    .then()
                    .statusCode(200)
                    .body("minutes.failed.sum()", equalTo(2))
                    .body("minutes.succeeded.sum()", equalTo(0));
            given().get("/api/v1/plans/" + id + "/progress?minutes=0")
                    .then()
                    .statusCode(422)
                    .body("errors[0].field", equalTo("minutes"));

            String firmwareId =
                    given().get("/api/v1/plans/" + id).then().extract().path("firmwareId");
            given().get("/api/v1/plans?firmwareId=" + firmwareId)
                    .then()
                    .body("total", equalTo(1))
                    .body("items[0].id", equalTo(id));
            given().get("/api/v1/plans?firmwareId=nope")
                    .then()
                    .statusCode(422)
                    .body("errors[0].field", equalTo("firmwareId"));
            given().get("/api/v1/plans?sort=-nope").then().statusCode(422).body("errors[0].field", equalTo("sort"));
            given().get("/api/v1/plans/" + id + "/tasks?sort=-deviceKey")
                    .then()
                    .body("items.deviceKey", org.hamcrest.Matchers.contains("d3", "d2", "d1"));
            given().get("/api/v1/plans/" + id + "/tasks?sort=state&state=FAILED")
                    .then()
                    .body("total", equalTo(2));

            // a retried device's failure is superseded by its new attempt: no longer counted anywhere
            String retriedDevice = tasks.get(0).get("deviceKey").asText();
            given().post("/api/v1/plans/" + id + "/devices/" + product + "/" + retriedDevice + "/retry")
                    .then()
                    .statusCode(202);
            assertThat(count("SELECT count(*) FROM upgrade_task WHERE superseded AND product_key = $1", product))
                    .isEqualTo(1);
            given().get("/api/v1/plans/" + id + "/failures").then().body("failed", equalTo(1));
            given().get("/api/v1/plans/" + id).then().body("stats.failed", equalTo(1));
        }
    }

    private static GatewayUplink.Progress failed(String gw, JsonNode upgrade, String code) {
        return new GatewayUplink.Progress(
                gw,
                "f-" + upgrade.get("taskId").asText(),
                upgrade.get("taskId").asText(),
                "FAILED",
                null,
                null,
                code,
                "test");
    }

    private String activePlan(TestMqttClient bus, String product, String gw, int concurrency, int ackTimeout) {
        return activePlan(bus, product, gw, concurrency, ackTimeout, true);
    }

    /** A firmware, an online gateway with three devices on 1.0, and an active silent plan to 2.0. */
    private String activePlan(
            TestMqttClient bus, String product, String gw, int concurrency, int ackTimeout, boolean pushActively) {
        return activePlan(bus, product, gw, concurrency, ackTimeout, pushActively, "");
    }

    private String activePlan(
            TestMqttClient bus,
            String product,
            String gw,
            int concurrency,
            int ackTimeout,
            boolean pushActively,
            String extra) {
        String firmwareId = Fixtures.firmware(bus, product, "2.0", "UNVERIFIED");
        publish(bus, InternalTopics.DEVICE_EVENTS, GatewayState.TYPE, new GatewayState(gw, true, 1));
        for (int i = 1; i <= 3; i++) {
            device(bus, product, "d" + i, gw, true, "1.0");
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> count("SELECT count(*) FROM device_view WHERE product_key = $1", product) == 3
                        && count("SELECT count(*) FROM firmware_view WHERE product_key = $1", product) == 1);
        String plan = "{\"name\":\"" + product + "\",\"productKey\":\"" + product + "\",\"firmwareId\":\"" + firmwareId
                + "\"," + "\"mode\":\"SILENT\",\"timeZone\":\"UTC\",\"maxConcurrentPerGateway\":" + concurrency
                + ",\"ackTimeoutSeconds\":" + ackTimeout + ",\"pushActively\":" + pushActively + extra + "}";
        String id = Fixtures.activated(plan);
        return id;
    }

    private String state(String planId, String taskId) {
        return given().get("/api/v1/plans/" + planId + "/tasks/" + taskId)
                .then()
                .statusCode(200)
                .extract()
                .path("task.state");
    }

    /** The states a task of the plan went through; it must have SUCCEEDED. */
    private static List<String> succeededHistory(String planId, String taskId) {
        return given().get("/api/v1/plans/" + planId + "/tasks/" + taskId)
                .then()
                .statusCode(200)
                .body("task.state", equalTo("SUCCEEDED"))
                .extract()
                .path("events.state");
    }

    /** Waits (15 s at most) until the product's {@code n} upgrade commands were sent; them. */
    private List<JsonNode> awaitUpgrades(TestMqttClient bus, String product, int n) {
        await().atMost(Duration.ofSeconds(15))
                .until(() -> upgrades(bus, product).size() == n);
        return upgrades(bus, product);
    }

    private void execute(String sql, Tuple params) {
        pool.preparedQuery(sql).execute(params).await().indefinitely();
    }

    private static List<String> taskIds(List<JsonNode> upgrades) {
        return upgrades.stream().map(c -> c.get("taskId").asText()).toList();
    }

    private List<JsonNode> upgrades(TestMqttClient bus, String product) {
        return Fixtures.commands(bus, "gateway.upgrade", product);
    }

    private static void device(
            TestMqttClient bus, String product, String key, String gateway, boolean online, String version) {
        Fixtures.device(bus, new DeviceState(product, key, gateway, online, version, "ATTACHED", 1));
    }

    private static void report(TestMqttClient bus, Object data, String type) {
        Fixtures.publish(bus, InternalTopics.GATEWAY_UPLINK, type, data);
    }

    private long count(String sql, String param) {
        return Fixtures.count(pool, sql, param);
    }
}
