package org.otaplatform.plan;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The request body limit (OTA_PLAN_MAX_BODY; 64 KiB in tests) at its boundary. */
@QuarkusTest
class BodyLimitTest {

    private static final int LIMIT = 64 * 1024;

    @Test
    void aBodyOfExactlyTheLimitIsReadAndOneByteMoreIsRefusedWithA413Problem() {
        int atLimit = given().contentType(ContentType.JSON)
                .body(planNamed(LIMIT))
                .post("/api/v1/plans")
                .statusCode();
        var overLimit =
                given().contentType(ContentType.JSON).body(planNamed(LIMIT + 1)).post("/api/v1/plans");

        // read in full and judged: a name of 64 KiB is no valid plan name
        assertThat(atLimit).isEqualTo(422);
        assertThat(overLimit.statusCode()).isEqualTo(413);
        assertThat(overLimit.contentType()).isEqualTo("application/problem+json");
        assertThat(overLimit.jsonPath().getString("code")).isEqualTo("PAYLOAD_TOO_LARGE");
        assertThat(overLimit.jsonPath().getString("detail")).contains("limit of " + LIMIT + " bytes");
    }

    /** A plan body of exactly {@code bytes} bytes whose name fills it. */
    private static byte[] planNamed(int bytes) {
        String open = "{\"name\":\"";
        String close = "\"}";
        byte[] body =
                (open + "n".repeat(bytes - open.length() - close.length()) + close).getBytes(StandardCharsets.UTF_8);
        assertThat(body).hasSize(bytes);
        return body;
    }
}
