package org.otaplatform.firmware;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.otaplatform.testkit.ServiceOperationsContract;

@QuarkusTest
class ServiceBasicsTest extends ServiceOperationsContract {

    @Override
    protected String apiPath() {
        return "/api/v1/firmware";
    }

    @Test
    void listsAnEmptyCatalogueAsAPage() {
        given().when()
                .get("/api/v1/firmware?productKey=nothing-here")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(0))
                .body("page", equalTo(0))
                .body("size", equalTo(50))
                .body("total", equalTo(0));
    }

    @Test
    void answersAnUnknownPackageWithAProblem() {
        given().when()
                .get("/api/v1/firmware/" + UUID.randomUUID())
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("code", equalTo("NOT_FOUND"))
                .body("status", equalTo(404))
                .body("type", equalTo("urn:ota:problem:not-found"));
    }

    @Test
    void refusesAPageSizeOverTheMaximumNamingTheField() {
        given().when()
                .get("/api/v1/firmware?size=501&page=-1")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("size"))
                .body("errors.field", hasItem("page"));
    }

    @Test
    void answersAnUnknownPathWithAProblemAndNoStackTrace() {
        given().when()
                .get("/api/v1/nothing/../../etc/passwd")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body(not(containsString("Exception")));
    }
}
