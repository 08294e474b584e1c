package org.otaplatform.plan;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.internal.DeviceState;
import org.otaplatform.contract.internal.GatewayState;
import org.otaplatform.contract.internal.GatewayUplink;
import org.otaplatform.contract.internal.ProductState;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.TestMqttClient;

/**
 * Gateways upgrade through the same plans (gateway protocol, "Gateway firmware"): a plan of a GATEWAY product
 * targets the gateways themselves, its commands say so, the version the gateway boots decides its task, a
 * reboot is no failure, and a gateway never has its own upgrade and a sub-device's in flight at once.
 * plan-service is driven here as device-gateway-service drives it: the gateways' devices, states, reports
 * and boots on the internal topics.
 */
@QuarkusTest
class GatewayFirmwareTest {

    private static final AtomicLong SEQ = new AtomicLong(1_000);

    @Inject
    Pool pool;

    private static String key(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static void product(TestMqttClient bus, String product, String nodeType) {
        Fixtures.publish(
                bus,
                InternalTopics.DEVICE_EVENTS,
                ProductState.TYPE,
                new ProductState(product, nodeType, "SEMVER", false, SEQ.incrementAndGet()));
    }

    /** A registered gateway of product {@code gp}, online on {@code version}, as its hello announces it. */
    private static void gatewayOnline(TestMqttClient bus, String gp, String gw, String version) {
        long seq = SEQ.incrementAndGet();
        Fixtures.publish(
                bus, InternalTopics.DEVICE_EVENTS, GatewayState.TYPE, new GatewayState(gw, true, seq, gp, version));
        Fixtures.device(bus, DeviceState.ofGateway(gp, gw, true, version, "ONLINE", seq));
    }

    private static void gatewayOffline(TestMqttClient bus, String gp, String gw) {
        long seq = SEQ.incrementAndGet();
        Fixtures.publish(bus, InternalTopics.DEVICE_EVENTS, GatewayState.TYPE, new GatewayState(gw, false, seq));
        Fixtures.device(bus, DeviceState.ofGateway(gp, gw, false, null, "OFFLINE", seq));
    }

    /** The gateway reconnected after a reboot: its hello's state, and the version it booted for its task. */
    private static void booted(TestMqttClient bus, String gp, String gw, String taskId, String version) {
        gatewayOnline(bus, gp, gw, version);
        Fixtures.publish(
                bus,
                InternalTopics.GATEWAY_UPLINK,
                GatewayUplink.Reports.TYPE,
                new GatewayUplink.Reports(
                        List.of(GatewayUplink.Entry.boot(gw, "hello-" + SEQ.incrementAndGet(), taskId, version))));
    }

    private static void progress(TestMqttClient bus, String gw, String taskId, String state, String version) {
        Fixtures.report(
                bus,
                new GatewayUplink.Progress(gw, "p-" + SEQ.incrementAndGet(), taskId, state, null, version, null, null));
    }

    private void awaitView(String sql, Object param, long n) {
        await().atMost(Duration.ofSeconds(10)).until(() -> Fixtures.count(pool, sql, param) == n);
    }

    private static String plan(String product, String firmwareId, String extra) {
        long end = System.currentTimeMillis() + 10_000;
        while (true) {
            try {
                return Fixtures.activeSilentPlan(product, firmwareId, extra);
            } catch (AssertionError e) {
                if (System.currentTimeMillis() > end) {
                    throw e;
                }
                Fixtures.sleep(200);
            }
        }
    }

    private static String state(String plan, String task) {
        return given().get("/api/v1/plans/" + plan + "/tasks/" + task)
                .then()
                .extract()
                .path("task.state");
    }

    /**
     * Two plans over one fleet at once, the gateways' firmware and their sub-devices': each gateway is a fleet
     * member that answers every command and tracks what it has in flight; none is ever sent its own upgrade
     * beside a sub-device's or the reverse, and both plans finish with every device upgraded.
     */
    @Test
    void aGatewayPlanAndASubDevicePlanOverOneFleetNeverMeetOnAGateway() {
        String gp = key("gwp");
        String sp = key("sub");
        int gateways = 5;
        int perGateway = 3;
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            product(bus, gp, "GATEWAY");
            product(bus, sp, "SUB_DEVICE");
            String gatewayFirmware = Fixtures.firmware(bus, gp, "1.1.0", "UNVERIFIED");
            String subFirmware = Fixtures.firmware(bus, sp, "2.0.0", "UNVERIFIED");
            for (int g = 0; g < gateways; g++) {
                String gw = gp + "-" + g;
                gatewayOnline(bus, gp, gw, "1.0.0");
                for (int i = 0; i < perGateway; i++) {
                    Fixtures.device(bus, sp, gw + "-d" + i, gw, "1.0.0", SEQ.incrementAndGet());
                }
            }
            awaitView("SELECT count(*) FROM device_view WHERE product_key = $1 AND is_gateway", gp, gateways);
            awaitView("SELECT count(*) FROM device_view WHERE product_key = $1", sp, gateways * perGateway);
            awaitView("SELECT count(*) FROM product_view WHERE product_key = $1", gp, 1);

            String subPlan = plan(sp, subFirmware, ",\"maxConcurrentPerGateway\":2");
            String gatewayPlan = plan(gp, gatewayFirmware, ",\"maxConcurrentPerGateway\":2,\"nodeType\":\"GATEWAY\"");

            // the fleet: what each gateway has in flight, by task; an answer only after a few rounds in flight
            Map<String, Map<String, Boolean>> inFlight = new HashMap<>(); // gateway → task → own upgrade
            Map<String, Integer> rounds = new HashMap<>();
            Map<String, JsonNode> sent = new HashMap<>();
            Set<String> done = new HashSet<>();
            List<String> violations = new ArrayList<>();
            int followed = 0; // commands that followed the other kind's done task on the same gateway
            long end = System.currentTimeMillis() + 90_000;
            while (System.currentTimeMillis() < end && (done.size() < gateways * (perGateway + 1))) {
                for (JsonNode c : Fixtures.commands(bus, "gateway.upgrade", null)) {
                    String task = c.get("taskId").asText();
                    String product = c.get("productKey").asText();
                    if (sent.containsKey(task) || !(product.equals(gp) || product.equals(sp))) {
                        continue;
                    }
                    sent.put(task, c);
                    String gw = c.get("gatewayId").asText();
                    boolean own = c.path("gatewayFirmware").asBoolean(false);
                    assertThat(own)
                            .as("a command's gatewayFirmware says whether it is the gateway's own")
                            .isEqualTo(product.equals(gp));
                    Map<String, Boolean> busy = inFlight.computeIfAbsent(gw, k -> new HashMap<>());
                    if (own ? !busy.isEmpty() : busy.containsValue(true)) {
                        violations.add(gw + " was sent " + c.get("deviceKey").asText() + " beside " + busy);
                    }
                    if (done.stream()
                            .anyMatch(t -> sent.get(t).get("gatewayId").asText().equals(gw)
                                    && sent.get(t).get("productKey").asText().equals(own ? sp : gp))) {
                        followed++;
                    }
                    busy.put(task, own);
                }
                for (var gw : inFlight.entrySet()) {
                    for (String task : List.copyOf(gw.getValue().keySet())) {
                        if (rounds.merge(task, 1, Integer::sum) < 3) {
                            continue;
                        }
                        boolean own = gw.getValue().remove(task); // out of flight before the answer goes
                        done.add(task);
                        JsonNode c = sent.get(task);
                        String to = c.get("toVersion").asText();
                        if (own) {
                            progress(bus, gw.getKey(), task, "UPGRADING", null);
                            gatewayOffline(bus, gp, gw.getKey());
                            booted(bus, gp, gw.getKey(), task, to);
                        } else {
                            progress(bus, gw.getKey(), task, "SUCCEEDED", to);
                            Fixtures.device(
                                    bus, sp, c.get("deviceKey").asText(), gw.getKey(), to, SEQ.incrementAndGet());
                        }
                    }
                }
                Fixtures.sleep(150);
            }

            assertThat(violations).as("one thing at a time on a gateway").isEmpty();
            assertThat(done).hasSize(gateways * (perGateway + 1));
            assertThat(followed)
                    .as("on every gateway one kind went after the other was done")
                    .isGreaterThanOrEqualTo(gateways);
            for (String plan : List.of(subPlan, gatewayPlan)) {
                await().atMost(Duration.ofSeconds(20))
                        .untilAsserted(() ->
                                given().get("/api/v1/plans/" + plan).then().body("status", equalTo("FINISHED")));
            }
            given().get("/api/v1/plans/" + gatewayPlan)
                    .then()
                    .body("stats.succeeded", equalTo(gateways))
                    .body("nodeType", equalTo("GATEWAY"));
            given().get("/api/v1/plans/" + subPlan).then().body("nodeType", equalTo("SUB_DEVICE"));
            given().get("/api/v1/plans/" + subPlan).then().body("stats.succeeded", equalTo(gateways * perGateway));
            // the gateway's own task is in its history like any device's
            given().get("/api/v1/devices/" + gp + "/" + gp + "-0/history")
                    .then()
                    .statusCode(200)
                    .body("total", equalTo(1));
            assertThat(Fixtures.count(
                            pool,
                            "SELECT count(*) FROM upgrade_task t JOIN plan p ON p.id = t.plan_id"
                                    + " WHERE p.product_key = $1 AND t.gateway_firmware",
                            gp))
                    .isEqualTo(gateways);
        }
    }

    /**
     * The version that boots decides: the target → SUCCEEDED; the old one after UPGRADING → ROLLED_BACK, also
     * after a reported SUCCEEDED; another one → VERSION_MISMATCH; a reconnect before UPGRADING changes
     * nothing; a report by another gateway is ignored. ROLLED_BACK is the firmware's fault in the breakdown.
     */
    @Test
    void theVersionAGatewayBootsDecidesItsTask() {
        String gp = key("gwb");
        List<String> gws = List.of(gp + "-ok", gp + "-back", gp + "-said", gp + "-odd", gp + "-flap");
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            product(bus, gp, "GATEWAY");
            String firmware = Fixtures.firmware(bus, gp, "1.1.0", "UNVERIFIED");
            gws.forEach(gw -> gatewayOnline(bus, gp, gw, "1.0.0"));
            awaitView("SELECT count(*) FROM device_view WHERE product_key = $1 AND is_gateway", gp, gws.size());
            String plan = plan(gp, firmware, "");
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> Fixtures.commands(bus, "gateway.upgrade", gp).size() == gws.size());
            Map<String, String> task = new HashMap<>();
            for (JsonNode c : Fixtures.commands(bus, "gateway.upgrade", gp)) {
                assertThat(c.get("deviceKey").asText())
                        .isEqualTo(c.get("gatewayId").asText());
                assertThat(c.get("fromVersion").asText()).isEqualTo("1.0.0");
                assertThat(c.path("gatewayFirmware").asBoolean()).isTrue();
                task.put(c.get("gatewayId").asText(), c.get("taskId").asText());
            }

            // another gateway's report on a gateway task is not its own: ignored
            progress(bus, gp + "-odd", task.get(gp + "-ok"), "UPGRADING", null);
            Fixtures.sleep(500);
            assertThat(state(plan, task.get(gp + "-ok"))).isEqualTo("NOTIFIED");

            for (String gw : gws) {
                progress(bus, gw, task.get(gw), gw.endsWith("-flap") ? "DOWNLOADING" : "UPGRADING", null);
            }
            progress(bus, gp + "-said", task.get(gp + "-said"), "SUCCEEDED", "1.1.0");
            await().atMost(Duration.ofSeconds(10)).until(() -> "SUCCEEDED".equals(state(plan, task.get(gp + "-said"))));
            for (String gw : gws) {
                gatewayOffline(bus, gp, gw);
            }
            booted(bus, gp, gp + "-ok", task.get(gp + "-ok"), "1.1.0");
            booted(bus, gp, gp + "-back", task.get(gp + "-back"), "1.0.0");
            booted(bus, gp, gp + "-said", task.get(gp + "-said"), "1.0.0");
            booted(bus, gp, gp + "-odd", task.get(gp + "-odd"), "7.7.7");
            booted(bus, gp, gp + "-flap", task.get(gp + "-flap"), "1.0.0");

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                given().get("/api/v1/plans/" + plan + "/tasks/" + task.get(gp + "-ok"))
                        .then()
                        .body("task.state", equalTo("SUCCEEDED"));
                given().get("/api/v1/plans/" + plan + "/tasks/" + task.get(gp + "-back"))
                        .then()
                        .body("task.state", equalTo("FAILED"))
                        .body("task.error.code", equalTo("ROLLED_BACK"));
                given().get("/api/v1/plans/" + plan + "/tasks/" + task.get(gp + "-said"))
                        .then()
                        .body("task.state", equalTo("FAILED"))
                        .body("task.error.code", equalTo("ROLLED_BACK"))
                        .body("task.error.message", containsString("reported SUCCEEDED"));
                given().get("/api/v1/plans/" + plan + "/tasks/" + task.get(gp + "-odd"))
                        .then()
                        .body("task.state", equalTo("FAILED"))
                        .body("task.error.code", equalTo("VERSION_MISMATCH"))
                        .body("task.error.message", containsString("7.7.7"));
            });
            // a reconnect during the download is no failure and no success: the task goes on
            assertThat(state(plan, task.get(gp + "-flap"))).isEqualTo("DOWNLOADING");
            progress(bus, gp + "-flap", task.get(gp + "-flap"), "UPGRADING", null);
            await().atMost(Duration.ofSeconds(10)).until(() -> "UPGRADING".equals(state(plan, task.get(gp + "-flap"))));
            booted(bus, gp, gp + "-flap", task.get(gp + "-flap"), "1.1.0");
            await().atMost(Duration.ofSeconds(10)).until(() -> "SUCCEEDED".equals(state(plan, task.get(gp + "-flap"))));

            given().get("/api/v1/plans/" + plan + "/failures")
                    .then()
                    .statusCode(200)
                    .body("failed", equalTo(3))
                    .body("byCode.key", containsInAnyOrder("ROLLED_BACK", "VERSION_MISMATCH"))
                    .body("byCode.find { it.key == 'ROLLED_BACK' }.count", equalTo(2))
                    .body("byCause.key", containsInAnyOrder("firmware"));
            // the device view follows the boot: the upgraded gateway runs 1.1.0 for the next plan
            assertThat(Fixtures.count(
                            pool, "SELECT count(*) FROM device_view WHERE product_key = $1 AND version = '1.1.0'", gp))
                    .isEqualTo(2);
        }
    }

    /** A sub-device's SUCCEEDED is corrected when, while its plan runs, it is seen on its old version again. */
    @Test
    void aSubDeviceSeenOnItsOldVersionAfterSucceededRolledBack() {
        String sp = key("sbk");
        String gw = sp + "-gw";
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            String firmware = Fixtures.firmware(bus, sp, "2.0", "UNVERIFIED");
            Fixtures.gateway(bus, gw, true, 1);
            Fixtures.device(bus, sp, "d1", gw, "1.0", 10);
            Fixtures.device(bus, sp, "d2", gw, "1.0", 11);
            Fixtures.awaitViews(pool, sp, 2);
            String plan = plan(sp, firmware, ",\"failureThresholdPercent\":40,\"failureThresholdMinSamples\":1");
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> Fixtures.commands(bus, "gateway.upgrade", sp).size() == 2);
            JsonNode first = Fixtures.commands(bus, "gateway.upgrade", sp).get(0);
            String task = first.get("taskId").asText();
            String device = first.get("deviceKey").asText();
            assertThat(first.has("gatewayFirmware"))
                    .as("a sub-device's command says nothing of it")
                    .isFalse();
            progress(bus, gw, task, "SUCCEEDED", "2.0");
            await().atMost(Duration.ofSeconds(10)).until(() -> "SUCCEEDED".equals(state(plan, task)));
            // a state device-gateway-service wrote before the success (a reconnect's topology on 1.0) and that
            // reaches plan-service after it, on the other channel: not a rollback
            Fixtures.device(bus, sp, device, gw, "1.0", 12);
            awaitView(
                    "SELECT count(*) FROM device_view WHERE product_key = '" + sp
                            + "' AND device_key = $1 AND seq = 12",
                    device,
                    1);
            Fixtures.sleep(300);
            assertThat(state(plan, task))
                    .as("a late state from before the success")
                    .isEqualTo("SUCCEEDED");
            Fixtures.device(bus, sp, device, gw, "2.0", 20);
            awaitView(
                    "SELECT count(*) FROM device_view WHERE product_key = '" + sp
                            + "' AND device_key = $1 AND seq = 20",
                    device,
                    1);

            Fixtures.device(bus, sp, device, gw, "1.0", 21);

            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> given().get("/api/v1/plans/" + plan + "/tasks/" + task)
                            .then()
                            .body("task.state", equalTo("FAILED"))
                            .body("task.error.code", equalTo("ROLLED_BACK")));
            // the firmware's fault: one rolled back of one result trips the 40 % threshold
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(
                            () -> given().get("/api/v1/plans/" + plan).then().body("status", equalTo("SUSPENDED")));
            // an older event replayed says nothing more
            Fixtures.device(bus, sp, device, gw, "1.0", 15);
            Fixtures.sleep(300);
            assertThat(Fixtures.count(
                            pool,
                            "SELECT count(*) FROM task_event WHERE task_id = CAST($1 AS uuid) AND error_code = 'ROLLED_BACK'",
                            task))
                    .isEqualTo(1);
        }
    }

    /**
     * A sub-device package that needs gateway firmware 1.1.0: its devices behind an older gateway wait (not
     * pushed, not failed, counted as waitingForGatewayVersion, a request of theirs stays PENDING) and go out by
     * themselves once their gateway's hello shows 1.1.0.
     */
    @Test
    void subDevicesWaitForTheirGatewaysMinimumVersionAndFollowThem() {
        String gp = key("gwm");
        String sp = key("sbm");
        String fresh = gp + "-new";
        String old = gp + "-old";
        String opaque = key("gwo");
        String opaqueGw = opaque + "-1";
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            product(bus, gp, "GATEWAY");
            Fixtures.publish(
                    bus,
                    InternalTopics.DEVICE_EVENTS,
                    ProductState.TYPE,
                    new ProductState(opaque, "GATEWAY", "OPAQUE", false, SEQ.incrementAndGet()));
            String firmwareId = UUID.randomUUID().toString();
            Fixtures.publish(
                    bus,
                    InternalTopics.FIRMWARE_EVENTS,
                    org.otaplatform.contract.internal.FirmwareEvent.CREATED,
                    new org.otaplatform.contract.internal.FirmwareEvent(
                            firmwareId,
                            sp,
                            "2.0.0",
                            org.otaplatform.contract.wire.FirmwareType.FULL,
                            null,
                            2048,
                            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                            "c2ln",
                            "k1",
                            "UNVERIFIED",
                            "1.1.0"));
            gatewayOnline(bus, gp, fresh, "1.1.0");
            gatewayOnline(bus, gp, old, "1.0.9");
            gatewayOnline(bus, opaque, opaqueGw, "1.1.0");
            Fixtures.device(bus, sp, "d-new", fresh, "1.0.0", SEQ.incrementAndGet());
            Fixtures.device(bus, sp, "d-old", old, "1.0.0", SEQ.incrementAndGet());
            Fixtures.device(bus, sp, "d-opaque", opaqueGw, "1.0.0", SEQ.incrementAndGet());
            Fixtures.awaitViews(pool, sp, 3);
            awaitView("SELECT count(*) FROM product_view WHERE product_key = $1", opaque, 1);
            awaitView("SELECT count(*) FROM gateway_view WHERE gateway_id = $1 AND version_key IS NOT NULL", old, 1);
            String plan = plan(sp, firmwareId, "");

            await().atMost(Duration.ofSeconds(15))
                    .until(() -> Fixtures.commands(bus, "gateway.upgrade", sp).size() == 1);
            assertThat(Fixtures.commands(bus, "gateway.upgrade", sp)
                            .get(0)
                            .get("deviceKey")
                            .asText())
                    .isEqualTo("d-new");
            // a request from behind the old gateway is answered, and its task waits PENDING
            Fixtures.report(bus, new GatewayUplink.Request(old, "r-" + SEQ.incrementAndGet(), sp, "d-old", "1.0.0"));
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> given().get("/api/v1/plans/" + plan)
                            .then()
                            .body("stats.waitingForGatewayVersion", equalTo(2))
                            .body("stats.pending", equalTo(1))
                            .body("stats.failed", equalTo(0)));
            Fixtures.sleep(1_500); // a few push passes
            assertThat(Fixtures.commands(bus, "gateway.upgrade", sp)).hasSize(1);

            // the old gateway comes back on 1.1.0: its sub-device follows
            gatewayOnline(bus, gp, old, "1.1.0");
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> Fixtures.commands(bus, "gateway.upgrade", sp).stream()
                            .anyMatch(c -> c.get("deviceKey").asText().equals("d-old")));
            given().get("/api/v1/plans/" + plan)
                    .then()
                    .body("stats.waitingForGatewayVersion", equalTo(1)); // the OPAQUE gateway's cannot be compared
            assertThat(Fixtures.commands(bus, "gateway.upgrade", sp).stream()
                            .noneMatch(c -> c.get("deviceKey").asText().equals("d-opaque")))
                    .isTrue();
        }
    }

    /** A gateway package is verified on test gateways like any: the run's plan upgrades them and the boot decides. */
    @Test
    void aGatewayPackageIsVerifiedOnTestGateways() throws Exception {
        String gp = key("gwv");
        String tester = gp + "-test";
        String other = gp + "-field";
        String firmwareId = UUID.randomUUID().toString();
        String runId = UUID.randomUUID().toString();
        try (TestMqttClient bus = TestMqttClient.connect(MqttBroker.shared())
                .subscribe(InternalTopics.GATEWAY_COMMANDS)
                .subscribe(InternalTopics.VERIFICATION_RESULTS)) {
            product(bus, gp, "GATEWAY");
            gatewayOnline(bus, gp, tester, "1.0.0");
            gatewayOnline(bus, gp, other, "1.0.0");
            awaitView("SELECT count(*) FROM device_view WHERE product_key = $1 AND is_gateway", gp, 2);
            Fixtures.testDevices(pool, bus, gp, null, tester);
            var fw = new org.otaplatform.contract.internal.FirmwareEvent(
                    firmwareId,
                    gp,
                    "1.1.0",
                    org.otaplatform.contract.wire.FirmwareType.FULL,
                    null,
                    4096,
                    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                    "c2ln",
                    "k1",
                    "VERIFYING");
            Fixtures.publish(
                    bus,
                    InternalTopics.VERIFICATION_REQUESTS,
                    org.otaplatform.contract.internal.VerificationRequest.TYPE,
                    new org.otaplatform.contract.internal.VerificationRequest(
                            firmwareId,
                            runId,
                            List.of(new org.otaplatform.contract.message.SubDeviceRef(gp, tester)),
                            System.currentTimeMillis() + 600_000,
                            fw));

            await().atMost(Duration.ofSeconds(15))
                    .until(() -> Fixtures.commands(bus, "gateway.upgrade", gp).size() == 1);
            JsonNode upgrade = Fixtures.commands(bus, "gateway.upgrade", gp).get(0);
            assertThat(upgrade.get("gatewayId").asText()).isEqualTo(tester);
            assertThat(upgrade.path("gatewayFirmware").asBoolean()).isTrue();
            String task = upgrade.get("taskId").asText();
            progress(bus, tester, task, "UPGRADING", null);
            gatewayOffline(bus, gp, tester);
            booted(bus, gp, tester, task, "1.1.0");

            JsonNode result = org.otaplatform.contract.codec.MessageCodec.mapper()
                    .readTree(bus.await(m ->
                                    m.payload().contains(runId) && m.payload().contains("verification.completed"))
                            .payload())
                    .get("data");
            assertThat(result.get("succeeded").asBoolean()).isTrue();
            assertThat(Fixtures.commands(bus, "gateway.upgrade", gp)).hasSize(1); // the field gateway: untouched
        }
    }

    /**
     * A canary wave whose devices all wait for their gateways (a minimum gateway version, or a gateway busy
     * upgrading itself) waits for them instead of closing with no device: its gate is decided on them.
     */
    @Test
    void aWaveWaitsForDevicesHeldBackByTheirGateways() {
        String gp = key("gww");
        String sp = key("sbw");
        String gw = gp + "-1";
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            product(bus, gp, "GATEWAY");
            String firmwareId = UUID.randomUUID().toString();
            Fixtures.publish(
                    bus,
                    InternalTopics.FIRMWARE_EVENTS,
                    org.otaplatform.contract.internal.FirmwareEvent.CREATED,
                    new org.otaplatform.contract.internal.FirmwareEvent(
                            firmwareId,
                            sp,
                            "2.0.0",
                            org.otaplatform.contract.wire.FirmwareType.FULL,
                            null,
                            2048,
                            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                            "c2ln",
                            "k1",
                            "UNVERIFIED",
                            "1.1.0"));
            gatewayOnline(bus, gp, gw, "1.0.0");
            for (int i = 0; i < 4; i++) {
                Fixtures.device(bus, sp, gw + "-d" + i, gw, "1.0.0", SEQ.incrementAndGet());
            }
            Fixtures.awaitViews(pool, sp, 4);
            String plan = plan(
                    sp,
                    firmwareId,
                    ",\"waves\":[{\"canary\":true,\"percent\":50,\"successGate\":{\"minSuccessPercent\":50,"
                            + "\"minResults\":1}}]");
            Fixtures.sleep(3_000); // push passes that find every device held back by its gateway
            given().get("/api/v1/plans/" + plan + "/waves")
                    .then()
                    .body("[0].state", equalTo("RUNNING"))
                    .body("[0].members", equalTo(0));

            gatewayOnline(bus, gp, gw, "1.1.0");
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> Fixtures.commands(bus, "gateway.upgrade", sp).size() == 2);
            given().get("/api/v1/plans/" + plan + "/waves")
                    .then()
                    .body("[0].state", equalTo("RUNNING"))
                    .body("[0].members", equalTo(2));
        }
    }

    @Inject
    org.otaplatform.plan.config.PlanClock planClock;

    /**
     * A gateway's reboot is no failure: offline during UPGRADING, the task waits; one that never comes back
     * ends TIMED_OUT at its deadline, and a late hello on the old version changes nothing after that.
     */
    @Test
    void aRebootingGatewayKeepsItsTaskUntilItsDeadline() {
        String gp = key("gwt");
        String gw = gp + "-1";
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            product(bus, gp, "GATEWAY");
            String firmware = Fixtures.firmware(bus, gp, "1.1.0", "UNVERIFIED");
            gatewayOnline(bus, gp, gw, "1.0.0");
            awaitView("SELECT count(*) FROM device_view WHERE product_key = $1 AND is_gateway", gp, 1);
            String plan = plan(gp, firmware, ",\"taskTimeoutSeconds\":60,\"retry\":{\"maxAttempts\":1}");
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> Fixtures.commands(bus, "gateway.upgrade", gp).size() == 1);
            String task = Fixtures.commands(bus, "gateway.upgrade", gp)
                    .get(0)
                    .get("taskId")
                    .asText();
            progress(bus, gw, task, "UPGRADING", null);
            await().atMost(Duration.ofSeconds(10)).until(() -> "UPGRADING".equals(state(plan, task)));

            gatewayOffline(bus, gp, gw);
            Fixtures.sleep(2_500); // timeout passes with the gateway away
            assertThat(state(plan, task)).as("a reboot is no failure").isEqualTo("UPGRADING");

            try {
                planClock.use(java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofSeconds(90)));
                await().atMost(Duration.ofSeconds(10)).until(() -> "TIMED_OUT".equals(state(plan, task)));
            } finally {
                planClock.use(java.time.Clock.systemUTC());
            }
            booted(bus, gp, gw, task, "1.0.0");
            Fixtures.sleep(1_000);
            assertThat(state(plan, task)).isEqualTo("TIMED_OUT");
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(
                            () -> given().get("/api/v1/plans/" + plan).then().body("status", equalTo("FINISHED")));
        }
    }

    @Test
    void aPlanOfGatewaysOverASubDeviceProductIsRefused() {
        String sp = key("sng");
        try (TestMqttClient bus = TestMqttClient.connect(MqttBroker.shared())) {
            product(bus, sp, "SUB_DEVICE");
            String firmware = Fixtures.firmware(bus, sp, "2.0", "UNVERIFIED");
            awaitView("SELECT count(*) FROM product_view WHERE product_key = $1", sp, 1);
            awaitView("SELECT count(*) FROM firmware_view WHERE product_key = $1", sp, 1);
            String body = "{\"name\":\"" + sp + "\",\"productKey\":\"" + sp + "\",\"firmwareId\":\"" + firmware
                    + "\",\"mode\":\"SILENT\",\"timeZone\":\"UTC\",\"nodeType\":\"GATEWAY\"}";
            given().contentType(ContentType.JSON)
                    .body(body)
                    .post("/api/v1/plans")
                    .then()
                    .statusCode(422)
                    .contentType("application/problem+json")
                    .body("errors[0].field", equalTo("nodeType"))
                    .body("errors[0].message", containsString("SUB_DEVICE product"));
            given().contentType(ContentType.JSON)
                    .body(body.replace("\"GATEWAY\"", "\"ROUTER\""))
                    .post("/api/v1/plans")
                    .then()
                    .statusCode(422)
                    .body("errors[0].field", equalTo("nodeType"));
            assertThat(Fixtures.count(pool, "SELECT count(*) FROM plan WHERE product_key = $1", sp))
                    .isZero();
        }
    }
}
