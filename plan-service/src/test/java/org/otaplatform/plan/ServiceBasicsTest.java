package org.otaplatform.plan;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.otaplatform.testkit.ServiceOperationsContract;

@QuarkusTest
class ServiceBasicsTest extends ServiceOperationsContract {

    @Override
    protected String apiPath() {
        return "/api/v1/plans";
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
