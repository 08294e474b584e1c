package org.otaplatform.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.otaplatform.common.messaging.OutboxMetrics;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.internal.DeviceState;
import org.otaplatform.plan.task.PlanMetrics;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.TestMqttClient;

/** A campaign's task states and the outbox's backlog as Prometheus metrics (the prod dashboard's sources). */
@QuarkusTest
class MetricsTest {

    @Inject
    Pool pool;

    @Inject
    PlanMetrics planMetrics;

    @Inject
    OutboxMetrics outboxMetrics;

    @Test
    void anActivePlansTasksByStateAndTheOutboxBacklogAreMetrics() throws Exception {
        String product = "metrics-" + UUID.randomUUID().toString().substring(0, 8);
        String gw = product + "-gw";
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            String firmwareId = Fixtures.firmware(bus, product, "2.0", "UNVERIFIED");
            Fixtures.gateway(bus, gw, true, 1);
            Fixtures.device(bus, new DeviceState(product, "d1", gw, true, "1.0", "ATTACHED", 1));
            Fixtures.device(bus, new DeviceState(product, "d2", gw, true, "1.0", "ATTACHED", 1));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Fixtures.count(
                                            pool, "SELECT count(*) FROM device_view WHERE product_key = $1", product)
                                    == 2
                            && Fixtures.count(
                                            pool, "SELECT count(*) FROM firmware_view WHERE product_key = $1", product)
                                    == 1);
            String plan = Fixtures.activeSilentPlan(product, firmwareId, ",\"maxConcurrentPerGateway\":2");
            await().atMost(Duration.ofSeconds(15))
                    .until(() ->
                            Fixtures.commands(bus, "gateway.upgrade", product).size() == 2);

            planMetrics.refresh().await().atMost(Duration.ofSeconds(10));
            outboxMetrics.refresh().await().atMost(Duration.ofSeconds(10));
            String metrics = org.otaplatform.testkit.Management.given()
                    .get("/q/metrics")
                    .then()
                    .statusCode(200)
                    .extract()
                    .asString();
            assertThat(metrics)
                    .containsPattern("ota_plan_tasks\\{name=\"" + product + "-[0-9a-f]{4}\",plan=\"" + plan
                            + "\",state=\"NOTIFIED\"[^}]*\\} 2\\.0")
                    .containsPattern("ota_plans\\{status=\"ACTIVE\"[^}]*\\} [1-9]")
                    .contains("ota_outbox_unpublished")
                    .contains("ota_outbox_oldest_unpublished_seconds");
        }
    }
}
