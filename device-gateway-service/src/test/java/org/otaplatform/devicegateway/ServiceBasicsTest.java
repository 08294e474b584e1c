package org.otaplatform.devicegateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
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
        given().when().get("/q/openapi?format=json").then().statusCode(200).body(containsString("/api/v1/gateways"));
        given().when().get("/q/metrics").then().statusCode(200).body(containsString("http_server"));
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
