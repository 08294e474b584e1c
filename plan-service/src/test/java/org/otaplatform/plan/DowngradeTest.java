package org.otaplatform.plan;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.internal.GatewayUplink;
import org.otaplatform.contract.internal.ProductState;
import org.otaplatform.contract.version.SemanticVersion;
import org.otaplatform.plan.device.VersionKeyBackfill;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.TestMqttClient;

/**
 * Downgrades are refused by default (gateway protocol, "Ordered versions"): under a {@code SEMVER} product a
 * plan never sends its package to a device on a higher version, pushed or asked for, counts such devices as
 * {@code downgradesRefused} (no failures, not left to upgrade: the plan finishes without them), unless the plan
 * says {@code allowDowngrade}. An {@code OPAQUE} product's versions have no order: nothing is refused.
 */
@QuarkusTest
class DowngradeTest {

    private static final AtomicLong SEQ = new AtomicLong(50_000);

    @Inject
    Pool pool;

    @Inject
    VersionKeyBackfill backfill;

    private static String key(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static void product(TestMqttClient bus, String product, String scheme) {
        Fixtures.publish(
                bus,
                InternalTopics.DEVICE_EVENTS,
                ProductState.TYPE,
                new ProductState(product, "SUB_DEVICE", scheme, false, SEQ.incrementAndGet()));
    }

    /** A gateway with devices on 1.0.0, 3.0.0 (above the 2.0.0 target) and "nightly" (not SemVer). */
    private void fleet(TestMqttClient bus, String sp, String gw, String scheme) {
        product(bus, sp, scheme);
        Fixtures.gateway(bus, gw, true, SEQ.incrementAndGet());
        Fixtures.device(bus, sp, "low", gw, "1.0.0", SEQ.incrementAndGet());
        Fixtures.device(bus, sp, "high", gw, "3.0.0", SEQ.incrementAndGet());
        Fixtures.device(bus, sp, "odd", gw, "nightly", SEQ.incrementAndGet());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Fixtures.count(pool, "SELECT count(*) FROM device_view WHERE product_key = $1", sp) == 3);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Fixtures.count(
                                pool,
                                "SELECT count(*) FROM product_view WHERE product_key = $1 AND version_scheme = $2",
                                sp,
                                scheme)
                        == 1);
    }

    /** A full package of the product to 2.0.0, once plan-service's view holds it; its id. */
    private String firmware(TestMqttClient bus, String product) {
        String id = Fixtures.firmware(bus, product, "2.0.0", "UNVERIFIED");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Fixtures.count(pool, "SELECT count(*) FROM firmware_view WHERE product_key = $1", product)
                        == 1);
        return id;
    }

    private static List<String> upgraded(TestMqttClient bus, String product) {
        return Fixtures.commands(bus, "gateway.upgrade", product).stream()
                .map(c -> c.get("deviceKey").asText())
                .sorted()
                .toList();
    }

    @Test
    void aSemverPlanNeverTakesADeviceBelowItsVersion() {
        String sp = key("dgr");
        String gw = sp + "-gw";
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            fleet(bus, sp, gw, "SEMVER");
            String firmware = firmware(bus, sp);
            String plan = Fixtures.activeSilentPlan(sp, firmware, ",\"maxConcurrentPerGateway\":10");

            await().atMost(Duration.ofSeconds(15)).until(() -> upgraded(bus, sp).size() == 2);
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> upgraded(bus, sp).equals(List.of("low", "odd")));
            given().get("/api/v1/plans/" + plan)
                    .then()
                    .body("allowDowngrade", equalTo(false))
                    .body("stats.targeted", equalTo(3))
                    .body("stats.downgradesRefused", equalTo(1))
                    .body("stats.failed", equalTo(0));

            // the device on 3.0.0 asks for an upgrade itself: none
            Fixtures.report(bus, new GatewayUplink.Request(gw, "ask-high", sp, "high", "3.0.0"));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Fixtures.commands(bus, "gateway.reply", sp).stream()
                            .anyMatch(r -> r.path("inReplyTo").asText().equals("ask-high")
                                    && r.path("result").asText().equals("NO_UPGRADE")));
            assertThat(Fixtures.count(
                            pool,
                            "SELECT count(*) FROM upgrade_task WHERE product_key = $1 AND device_key = 'high'",
                            sp))
                    .as("no task for the device above the target")
                    .isZero();

            // the two others succeed: nothing is left to upgrade, the plan finishes
            for (JsonNode c : Fixtures.commands(bus, "gateway.upgrade", sp)) {
                Fixtures.report(
                        bus,
                        new GatewayUplink.Progress(
                                gw,
                                "ok-" + c.get("deviceKey").asText(),
                                c.get("taskId").asText(),
                                "SUCCEEDED",
                                100,
                                "2.0.0",
                                null,
                                null));
            }
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(
                            () -> given().get("/api/v1/plans/" + plan).then().body("status", equalTo("FINISHED")));
            given().get("/api/v1/plans/" + plan)
                    .then()
                    .body("stats.succeeded", equalTo(2))
                    .body("stats.downgradesRefused", equalTo(1));
        }
    }

    @Test
    void aPlanThatAllowsDowngradesTakesThemAndAnOpaqueProductHasNoOrder() {
        String sp = key("dga");
        String gw = sp + "-gw";
        String opaque = key("dgo");
        String ogw = opaque + "-gw";
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            fleet(bus, sp, gw, "SEMVER");
            fleet(bus, opaque, ogw, "OPAQUE");
            String allowed = Fixtures.activeSilentPlan(
                    sp, firmware(bus, sp), ",\"maxConcurrentPerGateway\":10,\"allowDowngrade\":true");
            String unordered =
                    Fixtures.activeSilentPlan(opaque, firmware(bus, opaque), ",\"maxConcurrentPerGateway\":10");

            await().atMost(Duration.ofSeconds(15)).until(() -> upgraded(bus, sp).equals(List.of("high", "low", "odd")));
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> upgraded(bus, opaque).equals(List.of("high", "low", "odd")));
            given().get("/api/v1/plans/" + allowed)
                    .then()
                    .body("allowDowngrade", equalTo(true))
                    .body("stats.downgradesRefused", equalTo(0));
            given().get("/api/v1/plans/" + unordered).then().body("stats.downgradesRefused", equalTo(0));
        }
    }

    /** Views written before the version order existed get their keys at start-up; a non-SemVer one an empty key. */
    @Test
    void viewsWrittenBeforeTheOrderGetTheirKeys() {
        String sp = key("dgb");
        pool.preparedQuery(
                        "INSERT INTO device_view (product_key, device_key, gateway_id, online, attached, version,"
                                + " seq, updated_at) VALUES ($1, 'a', 'g', true, true, '1.10.0', 1, now()),"
                                + " ($1, 'b', 'g', true, true, 'nightly', 2, now()), ($1, 'c', 'g', true, true, NULL, 3, now())")
                .execute(Tuple.of(sp))
                .await()
                .indefinitely();
        backfill.run().await().atMost(Duration.ofSeconds(30));
        var rows = pool.preparedQuery("SELECT device_key, version_key FROM device_view WHERE product_key = $1"
                        + " ORDER BY device_key")
                .execute(Tuple.of(sp))
                .await()
                .indefinitely();
        var it = rows.iterator();
        assertThat(it.next().getBuffer(1).getBytes())
                .isEqualTo(SemanticVersion.parse("1.10.0").orElseThrow().sortKey());
        assertThat(it.next().getBuffer(1).getBytes()).isEmpty();
        assertThat(it.next().getBuffer(1)).isNull();
    }
}
