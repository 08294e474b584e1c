package org.otaplatform.plan;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.internal.FirmwareEvent;
import org.otaplatform.contract.wire.FirmwareType;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.TestMqttClient;

/** A package awaiting its release approval is unsigned: no plan is activated with it until it is approved. */
@QuarkusTest
class ReleaseApprovalTest {

    @Inject
    Pool pool;

    private static FirmwareEvent event(String id, String product, String signature, String keyId) {
        return new FirmwareEvent(
                id,
                product,
                "2.0",
                FirmwareType.FULL,
                null,
                1024,
                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                signature,
                keyId,
                "UNVERIFIED",
                null,
                null,
                null);
    }

    @Test
    void plansRefuseAPackageThatAwaitsItsReleaseApproval() {
        String product = "rel-" + UUID.randomUUID().toString().substring(0, 8);
        String firmware = UUID.randomUUID().toString();
        try (TestMqttClient bus = TestMqttClient.connect(MqttBroker.shared())) {
            Fixtures.publish(
                    bus, InternalTopics.FIRMWARE_EVENTS, FirmwareEvent.CREATED, event(firmware, product, null, null));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Fixtures.count(
                                    pool,
                                    "SELECT count(*) FROM firmware_view WHERE firmware_id = CAST($1 AS uuid)"
                                            + " AND signature IS NULL",
                                    firmware)
                            == 1);
            // a draft may be prepared meanwhile; its activation waits for the release
            String plan = given().contentType(ContentType.JSON)
                    .body("{\"name\":\"" + product + "\",\"productKey\":\"" + product + "\",\"firmwareId\":\""
                            + firmware + "\",\"mode\":\"SILENT\",\"timeZone\":\"UTC\"}")
                    .post("/api/v1/plans")
                    .then()
                    .statusCode(201)
                    .extract()
                    .path("id");
            given().post("/api/v1/plans/" + plan + "/activate")
                    .then()
                    .statusCode(409)
                    .body("detail", containsString("awaits its release approval"));

            Fixtures.publish(
                    bus,
                    InternalTopics.FIRMWARE_EVENTS,
                    FirmwareEvent.APPROVED,
                    event(firmware, product, "c2lnbmVk", "k1"));
            // a late created event without the signature does not take it away
            Fixtures.publish(
                    bus, InternalTopics.FIRMWARE_EVENTS, FirmwareEvent.CREATED, event(firmware, product, null, null));
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> given().post("/api/v1/plans/" + plan + "/activate")
                            .then()
                            .statusCode(200));
            org.assertj.core.api.Assertions.assertThat(Fixtures.count(
                            pool,
                            "SELECT count(*) FROM firmware_view WHERE firmware_id = CAST($1 AS uuid)"
                                    + " AND signature = 'c2lnbmVk' AND key_id = 'k1'",
                            firmware))
                    .isEqualTo(1);
        }
    }
}
