package org.otaplatform.testkit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import org.junit.jupiter.api.Test;

/**
 * What every service serves for operations, checked the same way in each: readiness with its database
 * and broker, liveness, its OpenAPI document and Prometheus metrics, all on the management port and
 * none on the application's. A service's test extends it and names one path of its API.
 */
public abstract class ServiceOperationsContract {

    /** A path the service's OpenAPI document must list, such as {@code /api/v1/plans}. */
    protected abstract String apiPath();

    @Test
    void isReadyWithItsDatabaseAndBroker() {
        Management.given()
                .when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("Database")))
                .body("checks.name", hasItem(containsString("Reactive Messaging")));
    }

    /** The paging maximum every list endpoint of the platform shares (docs/security.md, Limits). */
    public static final int MAX_PAGE_SIZE = 500;

    @Test
    void servesAPageOfTheMaximumSizeAndRefusesOneMoreNamingTheField() {
        given().when()
                .get(apiPath() + "?size=" + MAX_PAGE_SIZE)
                .then()
                .statusCode(200)
                .body("size", equalTo(MAX_PAGE_SIZE));
        given().when()
                .get(apiPath() + "?size=" + (MAX_PAGE_SIZE + 1))
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("size"));
    }

    @Test
    void isLive() {
        Management.given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void servesItsOpenApiDocumentAndMetrics() {
        Management.given()
                .when()
                .get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .body(containsString(apiPath()));
        Management.given().when().get("/q/metrics").then().statusCode(200).body(containsString("http_server"));
    }

    @Test
    void publishesNoneOfThemOnTheApplicationPort() {
        for (String path : new String[] {"/q/health/ready", "/q/health/live", "/q/metrics", "/q/openapi"}) {
            given().when().get(path).then().statusCode(404);
        }
    }
}
