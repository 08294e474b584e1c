package org.otaplatform.devicegateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.otaplatform.testkit.ServiceOperationsContract;

@QuarkusTest
class ServiceBasicsTest extends ServiceOperationsContract {

    @Override
    protected String apiPath() {
        return "/api/v1/gateways";
    }

    @Test
    void listsGatewaysAsAPage() {
        given().when()
                .get("/api/v1/gateways?online=true")
                .then()
                .statusCode(200)
                .body("page", equalTo(0))
                .body("size", equalTo(50));
    }

    @Test
    void refusesAnOnlineFilterThatIsNotABoolean() {
        given().when()
                .get("/api/v1/gateways?online=maybe")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("online"));
    }

    @Test
    void answersAnUnknownGatewayAndDeviceWithProblems() {
        given().when().get("/api/v1/gateways/gw-unknown").then().statusCode(404).body("code", equalTo("NOT_FOUND"));
        given().when()
                .get("/api/v1/gateways/gw-unknown/sub-devices")
                .then()
                .statusCode(404)
                .body("code", equalTo("NOT_FOUND"));
        given().when().get("/api/v1/devices/p/d").then().statusCode(404).body("code", equalTo("NOT_FOUND"));
    }
}
