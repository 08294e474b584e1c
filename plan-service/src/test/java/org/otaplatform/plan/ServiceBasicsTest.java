package org.otaplatform.plan;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ServiceBasicsTest {

    @Test
    void isReadyWithItsDatabaseAndBroker() {
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("Database")))
                .body("checks.name", hasItem(containsString("Reactive Messaging")));
    }

    @Test
    void servesItsOpenApiDocumentAndMetrics() {
        given().when().get("/q/openapi?format=json").then().statusCode(200).body(containsString("/api/v1/plans"));
        given().when().get("/q/metrics").then().statusCode(200).body(containsString("http_server"));
    }

    @Test
    void listsPlansAsAPage() {
        given().when()
                .get("/api/v1/plans?status=ACTIVE&productKey=zb-bulb")
                .then()
                .statusCode(200)
                .body("total", equalTo(0))
                .body("size", equalTo(50));
    }

    @Test
    void refusesAnUnknownStatusFilterNamingTheField() {
        given().when()
                .get("/api/v1/plans?status=RUNNING")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("status"));
    }

    @Test
    void answersAnUnknownOrMalformedPlanIdWithNotFound() {
        given().when()
                .get("/api/v1/plans/" + UUID.randomUUID())
                .then()
                .statusCode(404)
                .body("code", equalTo("NOT_FOUND"));
        given().when().get("/api/v1/plans/not-a-uuid").then().statusCode(404).body("code", equalTo("NOT_FOUND"));
    }
}
