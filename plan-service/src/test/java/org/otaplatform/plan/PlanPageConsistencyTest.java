package org.otaplatform.plan;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.otaplatform.plan.Fixtures.device;
import static org.otaplatform.plan.Fixtures.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.internal.GatewayUplink;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.TestMqttClient;

/**
 * One read of a plan agrees with itself (issue #22, item 8): its device counts may be kept for a while (a
 * fleet of a million devices takes longer to count than a page may), but never fall below what its task
 * counts say this plan upgraded. Here the device counts are kept for a minute, so that the lag is certain.
 */
@QuarkusTest
@TestProfile(PlanPageConsistencyTest.KeptDeviceCounts.class)
class PlanPageConsistencyTest {

    /** The device counts of a plan page kept for a minute. */
    public static class KeptDeviceCounts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ota.plan.stats.device-counts-max-age", "60s");
        }
    }

    @Inject
    Pool pool;

    @Test
    void onePlanReadIsSelfConsistentRightAfterASuccess() throws Exception {
        String product = "fresh-" + UUID.randomUUID().toString().substring(0, 8);
        String gw = product + "-gw";
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            String firmwareId = Fixtures.firmware(bus, product, "2.0", "UNVERIFIED");
            Fixtures.gateway(bus, gw, true, 1);
            device(bus, product, "d1", gw, "1.0", 1);
            device(bus, product, "d2", gw, "1.0", 1);
            Fixtures.awaitViews(pool, product, 2);
            String plan = Fixtures.activeSilentPlan(product, firmwareId, ",\"maxConcurrentPerGateway\":2");
            await().atMost(Duration.ofSeconds(15))
                    .until(() ->
                            Fixtures.commands(bus, "gateway.upgrade", product).size() == 2);
            // the page is read once: its device counts (0 up to date) are kept for a minute here
            given().get("/api/v1/plans/" + plan).then().body("stats.upToDate", equalTo(0));

            JsonNode upgrade =
                    Fixtures.commands(bus, "gateway.upgrade", product).get(0);
            String task = upgrade.get("taskId").asText();
            report(bus, new GatewayUplink.Progress(gw, "s-" + task, task, "SUCCEEDED", 100, "2.0", null, null));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> given().get("/api/v1/plans/" + plan)
                                    .then()
                                    .extract()
                                    .<Integer>path("stats.succeeded")
                            == 1);

            given().get("/api/v1/plans/" + plan)
                    .then()
                    .body("stats.succeeded", equalTo(1))
                    .body("stats.upToDate", org.hamcrest.Matchers.greaterThanOrEqualTo(1))
                    .body("stats.targeted", equalTo(2));
        }
    }
}
