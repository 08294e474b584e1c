package org.otaplatform.plan;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.internal.DeviceState;
import org.otaplatform.contract.internal.InternalMessage;
import org.otaplatform.testkit.AccessCheck;
import org.otaplatform.testkit.JwtTokens;

/**
 * A message kept as a dead letter is listed with its reason and, once its cause is fixed, replayed through
 * the subscription it came from; a replay that fails again keeps it, with the new reason.
 */
@QuarkusTest
class DeadLetterTest {

    @Inject
    Pool pool;

    @Test
    void aDeadLetterIsListedAndItsReplayAppliesItOnce() {
        String device = "dl-" + UUID.randomUUID();
        byte[] payload = InternalMessage.of(
                        DeviceState.TYPE,
                        "device-gateway-service",
                        System.currentTimeMillis(),
                        new DeviceState("zb-bulb", device, "gw-dl", true, "1.4", "ATTACHED", 1))
                .encode();
        UUID id = deadLetter(InternalTopics.DEVICE_EVENTS, payload, "IllegalStateException: a bug fixed since");

        given().get("/api/v1/dead-letters?size=500")
                .then()
                .statusCode(200)
                .body("items.find { it.id == '" + id + "' }.reason", containsString("a bug fixed since"))
                .body("items.find { it.id == '" + id + "' }.topic", equalTo(InternalTopics.DEVICE_EVENTS));

        given().post("/api/v1/dead-letters/" + id + "/replay")
                .then()
                .statusCode(200)
                .body("replayedAt", notNullValue());

        assertThat(Fixtures.count(
                        pool, "SELECT count(*) FROM device_view WHERE device_key = $1 AND version = '1.4'", device))
                .isOne();
        // the replay is on record as the caller's
        given().queryParam("resource", "dead-letter/" + id)
                .get("/api/v1/audit")
                .then()
                .statusCode(200)
                .body("items[0].action", equalTo("dead-letter.replay"))
                .body("items[0].after.replayed", equalTo(true))
                .body("items[0].actor", org.hamcrest.Matchers.not(equalTo("system")));
        given().post("/api/v1/dead-letters/" + id + "/replay")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("replayed already"));
    }

    @Test
    void aReplayThatFailsAgainKeepsTheDeadLetterWithTheNewReason() {
        UUID id = deadLetter("ota/internal/v1/nobody-listens", "{}".getBytes(), "first reason");

        given().post("/api/v1/dead-letters/" + id + "/replay")
                .then()
                .statusCode(409)
                .body("detail", containsString("no subscription"));

        given().get("/api/v1/dead-letters/" + id)
                .then()
                .statusCode(200)
                .body("attempts", equalTo(4))
                .body("reason", containsString("no subscription"))
                .body("replayedAt", equalTo(null));
    }

    @Test
    void deadLettersAreForAdministratorsOnly() {
        given().auth()
                .oauth2(AccessCheck.token(JwtTokens.OPERATOR))
                .get("/api/v1/dead-letters")
                .then()
                .statusCode(403);
        given().auth().none().get("/api/v1/dead-letters").then().statusCode(401);
    }

    private UUID deadLetter(String topic, byte[] payload, String reason) {
        UUID id = UUID.randomUUID();
        pool.preparedQuery("INSERT INTO dead_letter (id, subscription, topic, payload, reason, attempts)"
                        + " VALUES ($1, 'test', $2, $3, $4, 3)")
                .execute(Tuple.of(id, topic, io.vertx.core.buffer.Buffer.buffer(payload), reason))
                .await()
                .indefinitely();
        return id;
    }
}
