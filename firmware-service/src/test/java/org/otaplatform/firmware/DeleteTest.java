package org.otaplatform.firmware;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.internal.FirmwareEvent;
import org.otaplatform.contract.internal.InternalMessage;
import org.otaplatform.contract.internal.PlanLifecycleEvent;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.TestMqttClient;

@QuarkusTest
class DeleteTest {

    @Inject
    Pool pool;

    @ConfigProperty(name = "ota.firmware.download.cache-dir")
    String cacheDir;

    @Test
    void deletesAnUnusedPackageItsContentItsCachedFileAndAnnouncesIt() throws Exception {
        byte[] content = Fixtures.bytes(1000, 21);
        String id = Fixtures.createdFull(Fixtures.uniqueProduct(), "1", content);
        given().get("/api/v1/firmware/" + id + "/content").then().statusCode(200);
        assertThat(cachedFiles(Fixtures.sha256(content))).isOne();
        try (TestMqttClient listener =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.FIRMWARE_EVENTS)) {

            given().delete("/api/v1/firmware/" + id).then().statusCode(204);

            given().get("/api/v1/firmware/" + id).then().statusCode(404);
            assertThat(Fixtures.count(pool, "SELECT count(*) FROM blob WHERE sha256 = $1", Fixtures.sha256(content)))
                    .isZero();
            listener.await(m ->
                    m.payload().contains(FirmwareEvent.DELETED) && m.payload().contains(id));
        }
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(
                        () -> assertThat(cachedFiles(Fixtures.sha256(content))).isZero());
    }

    private long cachedFiles(String sha256) throws java.io.IOException {
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of(cacheDir))) {
            return files.filter(f -> f.getFileName().toString().startsWith(sha256))
                    .count();
        }
    }

    @Test
    void keepsContentThatAnotherPackageShares() {
        byte[] content = Fixtures.bytes(1000, 22);
        String first = Fixtures.createdFull(Fixtures.uniqueProduct(), "1", content);
        Fixtures.createdFull(Fixtures.uniqueProduct(), "1", content);

        given().delete("/api/v1/firmware/" + first).then().statusCode(204);

        assertThat(Fixtures.count(pool, "SELECT count(*) FROM blob WHERE sha256 = $1", Fixtures.sha256(content)))
                .isEqualTo(1);
    }

    @Test
    void refusesToDeleteAPackageThatAnUnfinishedPlanUsesUntilThePlanFinishes() {
        String id = Fixtures.createdFull(Fixtures.uniqueProduct(), "1", Fixtures.bytes(100, 23));
        String plan = UUID.randomUUID().toString();
        try (TestMqttClient planService = TestMqttClient.connect(MqttBroker.shared())) {
            planService.publish(InternalTopics.PLAN_EVENTS, event(plan, id, "ACTIVE", 1));
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> given().delete("/api/v1/firmware/" + id)
                            .then()
                            .statusCode(409)
                            .contentType("application/problem+json"));

            planService.publish(InternalTopics.PLAN_EVENTS, event(plan, id, "FINISHED", 3));
            // a late, older event must not bring the package back into use
            planService.publish(InternalTopics.PLAN_EVENTS, event(plan, id, "SUSPENDED", 2));

            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(Fixtures.count(
                                    pool,
                                    "SELECT count(*) FROM plan_usage WHERE plan_id = $1 AND version = 3",
                                    UUID.fromString(plan)))
                            .isEqualTo(1));
            given().delete("/api/v1/firmware/" + id).then().statusCode(204);
        }
    }

    @Test
    void ignoresAMalformedPlanEventAndKeepsConsuming() {
        String id = Fixtures.createdFull(Fixtures.uniqueProduct(), "1", Fixtures.bytes(100, 24));
        try (TestMqttClient planService = TestMqttClient.connect(MqttBroker.shared())) {
            planService.publish(InternalTopics.PLAN_EVENTS, "not json".getBytes());
            planService.publish(
                    InternalTopics.PLAN_EVENTS, "{\"id\":\"x\",\"type\":\"plan.lifecycle\",\"data\":{}}".getBytes());
            planService.publish(
                    InternalTopics.PLAN_EVENTS, event(UUID.randomUUID().toString(), id, "ACTIVE", 1));

            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() ->
                            given().delete("/api/v1/firmware/" + id).then().statusCode(409));
        }
    }

    @Test
    void refusesToDeleteAnyOfThePackagesOfAPlanWithSeveralUntilItFinishes() {
        String product = Fixtures.uniqueProduct();
        String main = Fixtures.createdFull(product, "2", Fixtures.bytes(100, 25));
        String other = Fixtures.createdFull(product, "2b", Fixtures.bytes(100, 26));
        String planId = UUID.randomUUID().toString();
        try (TestMqttClient planService = TestMqttClient.connect(MqttBroker.shared())) {
            planService.publish(InternalTopics.PLAN_EVENTS, event(planId, main, List.of(main, other), "ACTIVE", 1));
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> given().delete("/api/v1/firmware/" + other)
                            .then()
                            .statusCode(409)
                            .body("detail", org.hamcrest.Matchers.containsString(planId)));

            planService.publish(InternalTopics.PLAN_EVENTS, event(planId, main, List.of(main, other), "FINISHED", 2));
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() ->
                            given().delete("/api/v1/firmware/" + other).then().statusCode(204));
        }
    }

    @Test
    void answersNotFoundForAnUnknownPackage() {
        given().delete("/api/v1/firmware/" + UUID.randomUUID()).then().statusCode(404);
    }

    private static byte[] event(String planId, String firmwareId, List<String> all, String status, long version) {
        return InternalMessage.of(
                        PlanLifecycleEvent.TYPE,
                        "plan-service",
                        System.currentTimeMillis(),
                        new PlanLifecycleEvent(planId, firmwareId, "p", status, version, all))
                .encode();
    }

    private static byte[] event(String planId, String firmwareId, String status, long version) {
        return InternalMessage.of(
                        PlanLifecycleEvent.TYPE,
                        "plan-service",
                        System.currentTimeMillis(),
                        new PlanLifecycleEvent(planId, firmwareId, "p", status, version))
                .encode();
    }
}
