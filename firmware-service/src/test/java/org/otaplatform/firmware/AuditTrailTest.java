package org.otaplatform.firmware;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

/** firmware-service's audit log: uploads and deletions with who made them, and the active signing key. */
@QuarkusTest
class AuditTrailTest {

    @Test
    void anUploadAndADeletionAreRecordedWithTheCallerAndThePackageBeforeAndAfter() {
        String product = Fixtures.uniqueProduct();
        String id = Fixtures.createdFull(product, "1.0", Fixtures.bytes(300, 31));
        given().delete("/api/v1/firmware/" + id).then().statusCode(204);

        JsonPath entries = given().queryParam("resource", "firmware/" + id)
                .get("/api/v1/audit")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(entries.getList("items.action")).containsExactly("firmware.delete", "firmware.create");
        assertThat(entries.getList("items.actor", String.class))
                .allMatch(actor -> !actor.isBlank() && !actor.equals("system") && !actor.equals("anonymous"));
        assertThat(entries.getString("items[1].after.productKey")).isEqualTo(product);
        assertThat(entries.getString("items[1].after.sha256")).isEqualTo(Fixtures.sha256(Fixtures.bytes(300, 31)));
        assertThat(entries.getString("items[0].before.version")).isEqualTo("1.0");
        assertThat(entries.getObject("items[0].after", Object.class)).isNull();

        // the key that signs new packages is on record from the first start under it
        given().queryParam("resource", "signing-key")
                .get("/api/v1/audit")
                .then()
                .statusCode(200)
                .body("items[0].action", equalTo("signing.key.activate"))
                .body("items[0].actor", equalTo("system"))
                .body("items[0].after.activeKeyId", org.hamcrest.Matchers.notNullValue());
        given().get("/api/v1/audit/verify").then().statusCode(200).body("valid", equalTo(true));
    }
}
