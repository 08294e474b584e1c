package org.otaplatform.plan;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.testkit.JwtTokens;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.TestMqttClient;

/**
 * The audit log (issue #23): every write with the token's subject, the address, before and after, in the
 * transaction of the change; read by admins and viewers; a hash chain that shows an edited or deleted entry.
 */
@QuarkusTest
class AuditTest {

    @Inject
    Pool pool;

    private static String token(String subject, String role) {
        return JwtTokens.devOnly().token(subject, role);
    }

    @Test
    void everyPlanWriteIsRecordedWithItsActorAddressAndBeforeAndAfter() throws Exception {
        String product = "audit-" + UUID.randomUUID().toString().substring(0, 8);
        String firmwareId;
        try (TestMqttClient bus =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.GATEWAY_COMMANDS)) {
            firmwareId = Fixtures.firmware(bus, product, "2.0", "UNVERIFIED");
        }
        awaitFirmware(firmwareId);
        String body = "{\"name\":\"" + product + "\",\"productKey\":\"" + product + "\",\"firmwareId\":\"" + firmwareId
                + "\",\"mode\":\"SILENT\",\"timeZone\":\"UTC\"";
        String plan = given().auth()
                .oauth2(token("carol", JwtTokens.ADMIN))
                .contentType(ContentType.JSON)
                .body(body + "}")
                .post("/api/v1/plans")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        given().auth()
                .oauth2(token("carol", JwtTokens.ADMIN))
                .contentType(ContentType.JSON)
                .body(body + ",\"rolloutPerMinute\":30}")
                .put("/api/v1/plans/" + plan)
                .then()
                .statusCode(200);
        given().auth()
                .oauth2(token("dave", JwtTokens.OPERATOR))
                .contentType(ContentType.JSON)
                .body("{\"reason\":\"go\"}")
                .post("/api/v1/plans/" + plan + "/activate")
                .then()
                .statusCode(200);
        // a write refused changes nothing and records nothing
        given().auth()
                .oauth2(token("carol", JwtTokens.ADMIN))
                .contentType(ContentType.JSON)
                .body(body + ",\"rolloutPerMinute\":0}")
                .put("/api/v1/plans/" + plan)
                .then()
                .statusCode(409);

        JsonPath entries = given().auth()
                .oauth2(token("vera", JwtTokens.VIEWER))
                .queryParam("resource", "plan/" + plan)
                .get("/api/v1/audit")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(entries.getList("items.action")).containsExactly("plan.status", "plan.update", "plan.create");
        assertThat(entries.getList("items.actor")).containsExactly("dave", "carol", "carol");
        assertThat(entries.getList("items.address", String.class)).allMatch(a -> a != null && !a.isBlank());
        assertThat(entries.getString("items[0].before.status")).isEqualTo("DRAFT");
        assertThat(entries.getString("items[0].after.status")).isEqualTo("ACTIVE");
        assertThat(entries.getString("items[0].after.reason")).isEqualTo("go");
        assertThat(entries.getObject("items[1].before.definition.rolloutPerMinute", Integer.class))
                .isNull();
        assertThat(entries.getInt("items[1].after.definition.rolloutPerMinute")).isEqualTo(30);
        assertThat(entries.getObject("items[2].before", Object.class)).isNull();
        assertThat(entries.getString("items[2].after.name")).isEqualTo(product);

        given().auth()
                .oauth2(token("vera", JwtTokens.VIEWER))
                .queryParam("actor", "carol")
                .queryParam("resource", "plan/" + plan)
                .get("/api/v1/audit")
                .then()
                .statusCode(200)
                .body("total", equalTo(2));
        given().auth()
                .oauth2(token("vera", JwtTokens.VIEWER))
                .queryParam("resource", "plan/" + plan)
                .queryParam("since", "2999-01-01T00:00:00Z")
                .get("/api/v1/audit")
                .then()
                .body("total", equalTo(0));
        given().auth()
                .oauth2(token("vera", JwtTokens.VIEWER))
                .queryParam("since", "yesterday")
                .get("/api/v1/audit")
                .then()
                .statusCode(422)
                .body("errors.field", hasItem("since"));
        given().auth()
                .oauth2(token("dave", JwtTokens.OPERATOR))
                .get("/api/v1/audit")
                .then()
                .statusCode(403);
    }

    @Test
    void theHashChainShowsAnEditedOrDeletedEntryAndHoldsAgainOnceRestored() throws Exception {
        String plan = createDraft();
        given().delete("/api/v1/plans/" + plan).then().statusCode(204);
        given().get("/api/v1/audit/verify").then().statusCode(200).body("valid", equalTo(true));

        long created = entryId("plan.create", "plan/" + plan);
        assertThat(entryId("plan.delete", "plan/" + plan)).isGreaterThan(created);
        sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only");
        try {
            // edited: the entry no longer matches its hash
            String actor = pool.query("SELECT actor FROM audit_log WHERE id = " + created)
                    .execute()
                    .await()
                    .indefinitely()
                    .iterator()
                    .next()
                    .getString(0);
            sql("UPDATE audit_log SET actor = 'mallory' WHERE id = " + created);
            JsonPath edited = verify();
            assertThat(edited.getBoolean("valid")).isFalse();
            assertThat(edited.getLong("brokenAt")).isEqualTo(created);
            assertThat(edited.getString("problem")).contains("changed");
            pool.preparedQuery("UPDATE audit_log SET actor = $1 WHERE id = $2")
                    .execute(Tuple.of(actor, created))
                    .await()
                    .indefinitely();
            assertThat(verify().getBoolean("valid")).isTrue();

            // deleted: the next entry no longer follows the one before it
            Row saved = pool.query("SELECT * FROM audit_log WHERE id = " + created)
                    .execute()
                    .await()
                    .indefinitely()
                    .iterator()
                    .next();
            sql("DELETE FROM audit_log WHERE id = " + created);
            JsonPath gap = verify();
            assertThat(gap.getBoolean("valid")).isFalse();
            assertThat(gap.getLong("brokenAt")).isGreaterThan(created);
            assertThat(gap.getString("problem")).contains("deleted");
            pool.preparedQuery("INSERT INTO audit_log SELECT * FROM json_populate_record(NULL::audit_log, $1)")
                    .execute(Tuple.of(saved.toJson()))
                    .await()
                    .indefinitely();
            assertThat(verify().getBoolean("valid")).isTrue();
        } finally {
            sql("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only");
        }
        // the table refuses changes and deletions while its trigger is on
        assertThat(pool.query("DELETE FROM audit_log WHERE id = " + created)
                        .execute()
                        .onItemOrFailure()
                        .transform((ok, failure) -> failure == null ? "deleted" : failure.getMessage())
                        .await()
                        .indefinitely())
                .contains("append-only");
    }

    private String createDraft() {
        String firmwareId = draftFirmware();
        awaitFirmware(firmwareId);
        return given().contentType(ContentType.JSON)
                .body("{\"name\":\"chain-" + UUID.randomUUID() + "\",\"productKey\":\"p\",\"firmwareId\":\""
                        + firmwareId + "\",\"mode\":\"SILENT\",\"timeZone\":\"UTC\"}")
                .post("/api/v1/plans")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    private static String draftFirmware() {
        try (TestMqttClient bus = TestMqttClient.connect(MqttBroker.shared())) {
            return Fixtures.firmware(
                    bus, "p", "9." + UUID.randomUUID().toString().substring(0, 6), "UNVERIFIED");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void awaitFirmware(String firmwareId) {
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .until(() -> Fixtures.count(
                                pool,
                                "SELECT count(*) FROM firmware_view WHERE firmware_id = $1",
                                UUID.fromString(firmwareId))
                        == 1);
    }

    private static JsonPath verify() {
        return given().get("/api/v1/audit/verify")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private long entryId(String action, String resource) {
        return pool.preparedQuery("SELECT id FROM audit_log WHERE action = $1 AND resource = $2")
                .execute(Tuple.of(action, resource))
                .await()
                .indefinitely()
                .iterator()
                .next()
                .getLong(0);
    }

    private void sql(String statement) {
        pool.query(statement).execute().await().indefinitely();
    }
}
