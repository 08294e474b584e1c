package org.otaplatform.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.otaplatform.e2e.Platform.fleetOptions;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.wire.FailureCode;
import org.otaplatform.simulator.Fleet;
import org.otaplatform.simulator.Stats;
import org.otaplatform.testkit.AccessCheck;
import org.otaplatform.testkit.JwtTokens;

/**
 * The platform as one product: three packaged services as real processes, driven only through their
 * REST APIs and, as gateways, the simulator over MQTT. Each test has its own product and fleet.
 */
class PlatformIT {

    private static Platform platform;

    @BeforeAll
    static void start() throws Exception {
        platform = Platform.get();
    }

    @Test
    void aSilentPlanUpgradesTheFleetWithinEachGatewaysConcurrencyDownloadingOncePerGateway() {
        String product = Platform.product("silent");
        try (Fleet fleet = platform.fleet(fleetOptions(Platform.prefix(), product)
                .gateways(4)
                .devicesPerGateway(6)
                .interruptRatio(1.0) // every gateway's download breaks half-way and resumes with Range
                .build())) {
            String firmware = platform.uploadFirmware(product, "2.0.0", 256 * 1024);
            String plan = platform.createPlan(
                    product,
                    product,
                    firmware,
                    "\"mode\":\"SILENT\",\"sourceVersions\":[\"1.0.0\"],\"maxConcurrentPerGateway\":2");
            platform.move(plan, "activate");

            platform.awaitStatus(plan, "FINISHED", 90);
            JsonPath p = platform.plan(plan);
            assertThat(p.getInt("stats.succeeded")).isEqualTo(24);
            assertThat(p.getInt("stats.upToDate")).isEqualTo(24);
            Stats sim = fleet.stats();
            assertThat(sim.outcome("SUCCEEDED")).isEqualTo(24);
            assertThat(sim.maxPerGateway())
                    .as("most tasks one gateway held at once")
                    .isEqualTo(2);
            assertThat(sim.maxDownloadsPerGatewayAndPackage())
                    .as("downloads per gateway")
                    .isEqualTo(1);
            assertThat(sim.resumes()).as("downloads resumed with Range").isGreaterThanOrEqualTo(4);
            assertThat(sim.bytesFlashed()).isEqualTo(24L * 256 * 1024);
            assertThat(sim.errors()).isEmpty();
            assertThat(sim.busyRejections() + sim.superseded())
                    .as("upgrades for a busy sub-device")
                    .isZero();
            assertThat(sim.alreadyRunning())
                    .as("upgrades to the running version")
                    .isZero();
            assertThat(fleet.versions().values()).hasSize(24).containsOnly("2.0.0");
        }
    }

    /**
     * Issue #33, with gateways that report every state and reboot for real (the simulator): a plan of the
     * gateways' own firmware and a plan of their sub-devices run at once; no gateway is ever told to upgrade
     * itself beside a sub-device or the reverse (the simulated gateways count it), every gateway reboots into
     * its new firmware and its hello decides, and both plans finish.
     */
    @Test
    void gatewayAndSubDevicePlansRunAtOnceAndNoGatewayEverHasBothInFlight() {
        String product = Platform.product("gwsub");
        String gatewayProduct = product + "-gw";
        try (Fleet fleet = platform.fleet(fleetOptions(Platform.prefix(), product)
                .gatewayProductKey(gatewayProduct)
                .gateways(3)
                .devicesPerGateway(4)
                .rebootFor(Duration.ofSeconds(1))
                .build())) {
            String gatewayFirmware = platform.uploadFirmware(gatewayProduct, "1.1.0", 64 * 1024);
            String subFirmware = platform.uploadFirmware(product, "2.0.0", 64 * 1024);
            String subPlan = platform.createPlan(
                    product, product, subFirmware, "\"mode\":\"SILENT\",\"maxConcurrentPerGateway\":2");
            String gatewayPlan = platform.createPlan(
                    gatewayProduct,
                    gatewayProduct,
                    gatewayFirmware,
                    "\"mode\":\"SILENT\",\"nodeType\":\"GATEWAY\",\"maxConcurrentPerGateway\":2");
            platform.move(subPlan, "activate");
            platform.move(gatewayPlan, "activate");

            platform.awaitStatus(subPlan, "FINISHED", 120);
            platform.awaitStatus(gatewayPlan, "FINISHED", 120);
            assertThat(platform.plan(subPlan).getInt("stats.succeeded")).isEqualTo(12);
            assertThat(platform.plan(gatewayPlan).getInt("stats.succeeded")).isEqualTo(3);
            Stats sim = fleet.stats();
            assertThat(sim.bothAtOnce())
                    .as("told to upgrade itself and a sub-device at once")
                    .isZero();
            assertThat(sim.errors()).isEmpty();
            assertThat(sim.gatewayUpgrades()).isEqualTo(3);
            assertThat(sim.reboots()).isEqualTo(3);
            assertThat(fleet.gatewayFirmware().values()).hasSize(3).containsOnly("1.1.0");
            assertThat(fleet.versions().values()).hasSize(12).containsOnly("2.0.0");
        }
    }

    /**
     * A sub-device package that needs gateway firmware 1.1.0, started before the gateways' plan: the
     * sub-devices wait (counted, not failed), and each follows once its gateway booted 1.1.0.
     */
    @Test
    void subDevicesWaitForTheGatewayFirmwareTheirPackageNeedsAndFollowTheirGateways() {
        String product = Platform.product("gwmin");
        String gatewayProduct = product + "-gw";
        try (Fleet fleet = platform.fleet(fleetOptions(Platform.prefix(), product)
                .gatewayProductKey(gatewayProduct)
                .gateways(2)
                .devicesPerGateway(3)
                .rebootFor(Duration.ofSeconds(1))
                .build())) {
            String gatewayFirmware = platform.uploadFirmware(gatewayProduct, "1.1.0", 64 * 1024);
            String subFirmware = platform.uploadFirmware(product, "2.0.0", 64 * 1024, "1.1.0");
            String subPlan = platform.createPlan(product, product, subFirmware, "\"mode\":\"SILENT\"");
            platform.move(subPlan, "activate");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> platform.plan(subPlan).getInt("stats.waitingForGatewayVersion") == 6);
            Platform.sleep(2_000);
            assertThat(fleet.stats().tasks())
                    .as("nothing sent behind the old gateways")
                    .isZero();

            String gatewayPlan = platform.createPlan(
                    gatewayProduct, gatewayProduct, gatewayFirmware, "\"mode\":\"SILENT\",\"nodeType\":\"GATEWAY\"");
            platform.move(gatewayPlan, "activate");

            platform.awaitStatus(gatewayPlan, "FINISHED", 90);
            platform.awaitStatus(subPlan, "FINISHED", 90);
            JsonPath p = platform.plan(subPlan);
            assertThat(p.getInt("stats.succeeded")).isEqualTo(6);
            assertThat(p.getInt("stats.failed")).isZero();
            assertThat(p.getInt("stats.waitingForGatewayVersion")).isZero();
            assertThat(fleet.versions().values()).containsOnly("2.0.0");
            assertThat(fleet.stats().errors()).isEmpty();
        }
    }

    /** A gateway whose new firmware does not boot comes back on the old one: its task FAILED/ROLLED_BACK. */
    @Test
    void aGatewayThatBootsItsOldFirmwareAgainRolledBack() {
        String product = Platform.product("gwrb");
        String gatewayProduct = product + "-gw";
        try (Fleet fleet = platform.fleet(fleetOptions(Platform.prefix(), product)
                .gatewayProductKey(gatewayProduct)
                .gateways(1)
                .devicesPerGateway(1)
                .gatewayRollbackRatio(1.0)
                .rebootFor(Duration.ofSeconds(1))
                .build())) {
            String gatewayFirmware = platform.uploadFirmware(gatewayProduct, "1.1.0", 64 * 1024);
            String gatewayPlan = platform.createPlan(
                    gatewayProduct,
                    gatewayProduct,
                    gatewayFirmware,
                    "\"mode\":\"SILENT\",\"nodeType\":\"GATEWAY\",\"retry\":{\"maxAttempts\":1}");
            platform.move(gatewayPlan, "activate");

            platform.awaitStatus(gatewayPlan, "FINISHED", 90);
            JsonPath failures = given().baseUri(platform.plan.baseUrl())
                    .get("/api/v1/plans/" + gatewayPlan + "/failures")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            assertThat(failures.getList("byCode.key", String.class)).containsExactly("ROLLED_BACK");
            assertThat(failures.getList("byCause.key", String.class)).containsExactly("firmware");
            assertThat(fleet.stats().gatewayRollbacks()).isEqualTo(1);
            assertThat(fleet.gatewayFirmware().values()).containsOnly("1.0.0");
        }
    }

    @Test
    void rogueGatewaysClaimingTheFleetAreRefusedAndTheFleetIsUpgradedAsIfTheyWereNotThere() {
        String product = Platform.product("rogue");
        try (Fleet fleet = platform.fleet(fleetOptions(Platform.prefix(), product)
                .gateways(3)
                .devicesPerGateway(4)
                .rogue(2)
                .build())) {
            String firmware = platform.uploadFirmware(product, "2.0.0", 32 * 1024);
            String plan = platform.createPlan(product, product, firmware, "\"mode\":\"SILENT\"");
            platform.move(plan, "activate");

            platform.awaitStatus(plan, "FINISHED", 90);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> fleet.stats().rogueRefused().values().stream()
                                    .mapToInt(Integer::intValue)
                                    .sum()
                            == fleet.stats().rogueClaims());
            Stats sim = fleet.stats();
            assertThat(sim.rogueClaims()).as("claims the rogue gateways made").isGreaterThanOrEqualTo(2 * 9);
            assertThat(sim.rogueRefused()).containsOnlyKeys("NOT_OWNER", "UNKNOWN_DEVICE");
            assertThat(sim.errors()).isEmpty();
            JsonPath p = platform.plan(plan);
            assertThat(p.getInt("stats.targeted")).isEqualTo(12);
            assertThat(p.getInt("stats.succeeded")).isEqualTo(12);
            assertThat(platform.tasks(plan, "").getList("items.gatewayId", String.class))
                    .allMatch(gw -> !gw.contains("rogue"));
        }
    }

    @Test
    void aDeviceRequestGetsAnUpgradeFromAPlanThatDoesNotPushAndNoUpgradeWithoutOne() {
        String product = Platform.product("request");
        String firmware = platform.uploadFirmware(product, "2.0.0", 64 * 1024);
        String plan = platform.createPlan(product, product, firmware, "\"mode\":\"SILENT\",\"pushActively\":false");
        platform.move(plan, "activate");
        try (Fleet asking = platform.fleet(fleetOptions(Platform.prefix(), product)
                        .gateways(2)
                        .devicesPerGateway(3)
                        .requests(true)
                        .build());
                Fleet unplanned = platform.fleet(fleetOptions(Platform.prefix(), Platform.product("noplan"))
                        .gateways(1)
                        .devicesPerGateway(3)
                        .requests(true)
                        .build())) {
            platform.awaitStatus(plan, "FINISHED", 60);
            assertThat(asking.stats().replies(true)).isGreaterThanOrEqualTo(6);
            assertThat(asking.stats().outcome("SUCCEEDED")).isEqualTo(6);
            await().atMost(Duration.ofSeconds(15)).until(() -> unplanned.stats().replies(false) >= 3);
            assertThat(unplanned.stats().tasks()).isZero();
            assertThat(asking.stats().errors()).isEmpty();
            assertThat(unplanned.stats().errors()).isEmpty();
        }
    }

    @Test
    void aManualPlanSendsOnlyWhatTheEndUserConfirms() {
        String product = Platform.product("manual");
        try (Fleet fleet = platform.fleet(fleetOptions(Platform.prefix(), product)
                .gateways(1)
                .devicesPerGateway(3)
                .build())) {
            String gw = fleet.gatewayIds().get(0);
            String firmware = platform.uploadFirmware(product, "2.0.0", 64 * 1024);
            String plan = platform.createPlan(
                    product, product, firmware, "\"mode\":\"MANUAL\",\"upgradeNotes\":{\"en\":\"Faster pairing\"}");
            platform.move(plan, "activate");
            String confirmed = gw + "-d000";
            String rejected = gw + "-d001";
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> given().baseUri(platform.plan.baseUrl())
                                    .get("/api/v1/devices/" + product + "/" + rejected + "/upgrade")
                                    .then()
                                    .extract()
                                    .jsonPath()
                                    .getList("planId")
                                    .contains(plan)
                            && platform.tasks(plan, "state=AWAITING_CONFIRMATION")
                                            .getInt("total")
                                    == 3);
            assertThat(fleet.stats().tasks())
                    .as("nothing is sent before a confirmation")
                    .isZero();

            answer(product, confirmed, "confirm", plan);
            answer(product, rejected, "reject", plan);

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> platform.tasks(plan, "state=SUCCEEDED").getInt("total") == 1);
            assertThat(platform.tasks(plan, "state=SUCCEEDED").getString("items[0].deviceKey"))
                    .isEqualTo(confirmed);
            assertThat(platform.tasks(plan, "state=REJECTED").getString("items[0].deviceKey"))
                    .isEqualTo(rejected);
            assertThat(platform.tasks(plan, "state=AWAITING_CONFIRMATION").getInt("total"))
                    .isEqualTo(1);
            assertThat(fleet.stats().tasks())
                    .as("only the confirmed upgrade reached the gateway")
                    .isEqualTo(1);
            assertThat(fleet.stats().errors()).isEmpty();
        }
    }

    @Test
    void aGatewayThatWasOfflineGetsItsTasksAfterItsHello() {
        String product = Platform.product("offline");
        String prefix = Platform.prefix();
        var options =
                fleetOptions(prefix, product).gateways(2).devicesPerGateway(3).build();
        try (Fleet first = platform.fleet(options)) {
            assertThat(first.stats().connects()).isEqualTo(2);
        } // both gateways say offline and leave
        String firmware = platform.uploadFirmware(product, "2.0.0", 64 * 1024);
        String plan = platform.createPlan(product, product, firmware, "\"mode\":\"SILENT\"");
        platform.move(plan, "activate");
        // nothing pushed to offline gateways, pass after pass
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(5))
                .until(() -> platform.plan(plan).getInt("stats.inProgress") == 0
                        && platform.tasks(plan, "").getInt("total") == 0);

        try (Fleet back = platform.fleet(options)) {
            platform.awaitStatus(plan, "FINISHED", 60);
            assertThat(back.stats().outcome("SUCCEEDED")).isEqualTo(6);
            assertThat(back.stats().errors()).isEmpty();
        }
    }

    /**
     * A signing key rotation as an operator rolls it out: firmware-service restarts with a second key made
     * active and the first kept. A package uploaded afterwards is signed with the new key, one uploaded before
     * keeps its signature by the old key, both keys are published, and simulated gateways (which check every
     * package's Ed25519 signature against the published keys) flash both.
     */
    @Test
    void afterASigningKeyRotationNewPackagesUseTheNewKeyAndOldOnesStillVerifyOnDevices() throws Exception {
        String before = Platform.product("before-rotation");
        String after = Platform.product("after-rotation");
        String oldPackage = platform.uploadFirmware(before, "2.0.0", 64 * 1024);

        var pair = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String newKey =
                java.util.Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded());
        platform.firmware.restartWith(java.util.Map.of(
                "OTA_FIRMWARE_SIGNING_PRIVATE_KEYS",
                "e2e-key:" + platform.signingPrivateKey + ",e2e-key-2:" + newKey,
                "OTA_FIRMWARE_SIGNING_ACTIVE_KEY_ID",
                "e2e-key-2"));
        String newPackage = platform.uploadFirmware(after, "2.0.0", 64 * 1024);

        JsonPath keys = given().baseUri(platform.firmware.baseUrl())
                .get("/api/v1/signing-keys")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(keys.getList("keyId", String.class)).contains("e2e-key", "e2e-key-2");
        assertThat(firmwareKey(oldPackage))
                .as("the package signed before the rotation")
                .isEqualTo("e2e-key");
        assertThat(firmwareKey(newPackage)).as("a package signed after it").isEqualTo("e2e-key-2");

        try (Fleet old = platform.fleet(fleetOptions(Platform.prefix(), before)
                        .gateways(1)
                        .devicesPerGateway(2)
                        .build());
                Fleet fresh = platform.fleet(fleetOptions(Platform.prefix(), after)
                        .gateways(1)
                        .devicesPerGateway(2)
                        .build())) {
            String oldPlan = platform.createPlan(before, before, oldPackage, "\"mode\":\"SILENT\"");
            String newPlan = platform.createPlan(after, after, newPackage, "\"mode\":\"SILENT\"");
            platform.move(oldPlan, "activate");
            platform.move(newPlan, "activate");
            platform.awaitStatus(oldPlan, "FINISHED", 60);
            platform.awaitStatus(newPlan, "FINISHED", 60);
            for (Fleet fleet : java.util.List.of(old, fresh)) {
                assertThat(fleet.stats().outcome("SUCCEEDED")).isEqualTo(2);
                assertThat(fleet.stats().errors())
                        .as("refusals (a signature not verified)")
                        .isEmpty();
            }
        }
    }

    private static String firmwareKey(String firmwareId) {
        return given().baseUri(platform.firmware.baseUrl())
                .get("/api/v1/firmware/" + firmwareId)
                .then()
                .statusCode(200)
                .extract()
                .path("keyId");
    }

    @Test
    void anOperatorRetriesAFailedDevice() {
        String product = Platform.product("retry");
        String prefix = Platform.prefix();
        String firmware = platform.uploadFirmware(product, "2.0.0", 64 * 1024);
        String plan = platform.createPlan(
                product,
                product,
                firmware,
                // a second attempt is due only in an hour: the plan stays open for the operator's retry (a plan
                // whose devices have no attempt left finishes)
                "\"mode\":\"SILENT\",\"retry\":{\"maxAttempts\":2,\"backoffSeconds\":3600}");
        String device;
        try (Fleet failing = platform.fleet(fleetOptions(prefix, product)
                .gateways(1)
                .devicesPerGateway(2)
                .fail(FailureCode.INSTALL_FAILED, 1.0)
                .build())) {
            device = failing.gatewayIds().get(0) + "-d000";
            platform.move(plan, "activate");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> platform.plan(plan).getInt("stats.failed") == 2);
            assertThat(failing.stats().outcome("FAILED/INSTALL_FAILED")).isEqualTo(2);
        }
        try (Fleet repaired = platform.fleet(
                fleetOptions(prefix, product).gateways(1).devicesPerGateway(2).build())) {
            // no automatic attempt before the backoff
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(4))
                    .until(() -> repaired.stats().tasks() == 0);
            given().baseUri(platform.plan.baseUrl())
                    .post("/api/v1/plans/" + plan + "/devices/" + product + "/" + device + "/retry")
                    .then()
                    .statusCode(202);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> platform.tasks(plan, "state=SUCCEEDED&deviceKey=" + device)
                                    .getInt("total")
                            == 1);
            assertThat(platform.tasks(plan, "state=SUCCEEDED&deviceKey=" + device)
                            .getInt("items[0].attempt"))
                    .isEqualTo(2);
            given().baseUri(platform.plan.baseUrl())
                    .post("/api/v1/plans/" + plan + "/devices/" + product + "/" + device + "/retry")
                    .then()
                    .statusCode(409);
            assertThat(repaired.stats().tasks()).isEqualTo(1);
            assertThat(repaired.stats().errors()).isEmpty();
        }
    }

    @Test
    void suspendStopsNewPushesResumeGoesOnAndTerminateCancelsWhatNoGatewayAccepted() {
        String product = Platform.product("lifecycle");
        Duration ackDelay = Duration.ofSeconds(6);
        try (Fleet fleet = platform.fleet(fleetOptions(Platform.prefix(), product)
                .gateways(2)
                .devicesPerGateway(4)
                // each upgrade waits for its user's OK on the device: long enough that the terminate below
                // reaches both gateways before they accept, even on a loaded machine
                .ackDelay(ackDelay)
                .build())) {
            String firmware = platform.uploadFirmware(product, "2.0.0", 64 * 1024);
            String plan = platform.createPlan(
                    product, product, firmware, "\"mode\":\"SILENT\",\"maxConcurrentPerGateway\":1");
            platform.move(plan, "activate");
            await().atMost(Duration.ofSeconds(15)).until(() -> fleet.stats().tasks() >= 2);
            platform.move(plan, "suspend");
            // the two tasks sent before suspending run to their end; nothing new is sent
            await().atMost(Duration.ofSeconds(30)).until(() -> fleet.stats().outcome("SUCCEEDED") == 2);
            await().during(Duration.ofMillis(2_500))
                    .atMost(Duration.ofSeconds(4))
                    .until(() -> fleet.stats().tasks() == 2);

            platform.move(plan, "resume");
            await().atMost(Duration.ofSeconds(15)).until(() -> fleet.stats().tasks() >= 4);
            platform.move(plan, "terminate"); // the two new tasks are NOTIFIED, waiting for their OK
            await().atMost(Duration.ofSeconds(15)).until(() -> fleet.stats().cancels() >= 2);
            // past the ack delay: a cancelled task must not be flashed
            await().during(ackDelay.plusSeconds(1))
                    .atMost(ackDelay.plusSeconds(3))
                    .untilAsserted(() -> assertThat(fleet.stats().outcomes())
                            .as(fleet.stats()::summary)
                            .containsEntry("CANCELLED", 2)
                            .containsEntry("SUCCEEDED", 2));
            JsonPath p = platform.plan(plan);
            assertThat(p.getString("status")).isEqualTo("TERMINATED");
            assertThat(p.getInt("stats.cancelled")).isEqualTo(2);
            assertThat(platform.tasks(plan, "state=CANCELLED").getInt("total")).isEqualTo(2);
            assertThat(fleet.stats().errors()).isEmpty();
        }
    }

    @Test
    void firmwareFailuresPastTheThresholdSuspendThePlan() {
        String product = Platform.product("threshold");
        try (Fleet fleet = platform.fleet(fleetOptions(Platform.prefix(), product)
                .gateways(2)
                .devicesPerGateway(4)
                .fail(FailureCode.INSTALL_FAILED, 1.0)
                .build())) {
            String firmware = platform.uploadFirmware(product, "2.0.0", 64 * 1024);
            String plan = platform.createPlan(
                    product,
                    product,
                    firmware,
                    "\"mode\":\"SILENT\",\"failureThresholdPercent\":50,\"failureThresholdMinSamples\":4,"
                            + "\"maxConcurrentPerGateway\":1,\"retry\":{\"maxAttempts\":1,\"backoffSeconds\":0}");
            platform.move(plan, "activate");
            platform.awaitStatus(plan, "SUSPENDED", 45);
            JsonPath p = platform.plan(plan);
            assertThat(p.getString("suspendedReason")).containsIgnoringCase("threshold");
            assertThat(p.getInt("stats.failed")).isGreaterThanOrEqualTo(4);
            int sent = fleet.stats().tasks();
            // nothing sent once suspended
            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> fleet.stats().tasks() == sent);
            assertThat(sent).isLessThan(8);
        }
    }

    @Test
    void firmwareIsVerifiedOnTestDevicesOrFailsThere() {
        String product = Platform.product("verify");
        try (Fleet good = platform.fleet(fleetOptions(Platform.prefix(), product)
                .gateways(1)
                .devicesPerGateway(2)
                .build())) {
            String gw = good.gatewayIds().get(0);
            String firmware = platform.uploadFirmware(product, "2.0.0", 64 * 1024);
            // devices nobody marked as test devices: plan-service refuses the run, nothing is flashed
            requestVerification(firmware, product, gw + "-d000");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> "UNVERIFIED".equals(verification(firmware))
                            && java.util.Objects.toString(given().baseUri(platform.firmware.baseUrl())
                                            .get("/api/v1/firmware/" + firmware)
                                            .<String>path("verificationDetail"))
                                    .contains("not test devices"));
            assertThat(good.stats().tasks()).isZero();
            verify(firmware, product, gw + "-d000", gw + "-d001");
            await().atMost(Duration.ofSeconds(60)).until(() -> "VERIFIED".equals(verification(firmware)));
            assertThat(good.stats().outcome("SUCCEEDED")).isEqualTo(2);
        }
        String broken = Platform.product("verifyfail");
        try (Fleet bad = platform.fleet(fleetOptions(Platform.prefix(), broken)
                .gateways(1)
                .devicesPerGateway(2)
                .fail(FailureCode.INSTALL_FAILED, 1.0)
                .build())) {
            String gw = bad.gatewayIds().get(0);
            String firmware = platform.uploadFirmware(broken, "2.0.0", 64 * 1024);
            verify(firmware, broken, gw + "-d000", gw + "-d001");
            await().atMost(Duration.ofSeconds(60)).until(() -> "FAILED".equals(verification(firmware)));
        }
    }

    @Test
    void aPushWindowThatExcludesNowPushesNothingAndOneThatIncludesNowPushes() {
        String product = Platform.product("window");
        LocalTime now = LocalTime.now(ZoneOffset.UTC);
        DateTimeFormatter hhmm = DateTimeFormatter.ofPattern("HH:mm");
        try (Fleet fleet = platform.fleet(fleetOptions(Platform.prefix(), product)
                .gateways(1)
                .devicesPerGateway(3)
                .build())) {
            String firmware = platform.uploadFirmware(product, "2.0.0", 64 * 1024);
            String later = platform.createPlan(
                    product + "-later",
                    product,
                    firmware,
                    "\"mode\":\"SILENT\",\"pushWindows\":[{\"from\":\""
                            + now.plusHours(2).format(hhmm) + "\",\"to\":\""
                            + now.plusHours(3).format(hhmm) + "\"}]");
            platform.move(later, "activate");
            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> fleet.stats().tasks() == 0
                            && platform.tasks(later, "").getInt("total") == 0);
            platform.move(later, "terminate");

            String open = platform.createPlan(
                    product + "-now",
                    product,
                    firmware,
                    "\"mode\":\"SILENT\",\"pushWindows\":[{\"from\":\""
                            + now.minusHours(1).format(hhmm) + "\",\"to\":\""
                            + now.plusHours(1).format(hhmm) + "\"}]");
            platform.move(open, "activate");
            platform.awaitStatus(open, "FINISHED", 60);
            assertThat(fleet.stats().outcome("SUCCEEDED")).isEqualTo(3);
        }
    }

    // --- helpers -------------------------------------------------------------------------------

    /** As the end user's application does: with a token of role ota-app. */
    private static void answer(String product, String device, String action, String plan) {
        given().baseUri(platform.plan.baseUrl())
                .auth()
                .oauth2(AccessCheck.token(JwtTokens.APP))
                .contentType(ContentType.JSON)
                .body("{\"planId\":\"" + plan + "\"}")
                .post("/api/v1/devices/" + product + "/" + device + "/upgrade/" + action)
                .then()
                .statusCode(204);
    }

    /** Marks the devices test devices in the registry (once their gateway registered them), then verifies. */
    private static void verify(String firmware, String product, String... devices) {
        for (String device : devices) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> given().baseUri(platform.gateway.baseUrl())
                                    .contentType(ContentType.JSON)
                                    .body("{\"testDevice\":true}")
                                    .patch("/api/v1/devices/" + product + "/" + device)
                                    .statusCode()
                            == 200);
        }
        // the marks reach plan-service as device.attributes events, a moment after the PATCH: a run asked for
        // in that moment is refused ("not test devices"), and the package stays as it was; a script asks again
        for (int attempt = 1; ; attempt++) {
            requestVerification(firmware, product, devices);
            await().atMost(Duration.ofSeconds(90)).until(() -> !"VERIFYING".equals(verification(firmware)));
            String detail = java.util.Objects.toString(given().baseUri(platform.firmware.baseUrl())
                    .get("/api/v1/firmware/" + firmware)
                    .<String>path("verificationDetail"));
            if (!detail.contains("not test devices") || attempt == 20) {
                return;
            }
            org.awaitility.Awaitility.await().pollDelay(Duration.ofMillis(500)).until(() -> true);
        }
    }

    private static void requestVerification(String firmware, String product, String... devices) {
        StringBuilder body = new StringBuilder("{\"devices\":[");
        for (int i = 0; i < devices.length; i++) {
            body.append(i == 0 ? "" : ",")
                    .append("{\"productKey\":\"")
                    .append(product)
                    .append("\",\"deviceKey\":\"")
                    .append(devices[i])
                    .append("\"}");
        }
        body.append("]}");
        given().baseUri(platform.firmware.baseUrl())
                .contentType(ContentType.JSON)
                .body(body.toString())
                .post("/api/v1/firmware/" + firmware + "/verification")
                .then()
                .statusCode(org.hamcrest.Matchers.anyOf(org.hamcrest.Matchers.is(200), org.hamcrest.Matchers.is(202)));
    }

    private static String verification(String firmware) {
        return given().baseUri(platform.firmware.baseUrl())
                .get("/api/v1/firmware/" + firmware)
                .then()
                .extract()
                .path("verification");
    }
}
