package org.otaplatform.firmware;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.DownloadLinks;

@QuarkusTest
class DownloadTest {

    private byte[] content;
    private String id;
    private String etag;

    @BeforeEach
    void upload() {
        content = Fixtures.bytes(2 * 1024 * 1024 / 3, System.nanoTime());
        id = Fixtures.createdFull(Fixtures.uniqueProduct(), "1", content);
        etag = "\"" + Fixtures.sha256(content) + "\"";
    }

    @Test
    void servesTheWholePackageToTheGatewayTheLinkWasMintedFor() {
        byte[] body = given().get(Fixtures.link(id, "gw-1"))
                .then()
                .statusCode(200)
                .header("ETag", etag)
                .header("Accept-Ranges", "bytes")
                .header("Content-Length", String.valueOf(content.length))
                .extract()
                .asByteArray();

        assertThat(body).isEqualTo(content);
    }

    @Test
    void resumesAnInterruptedDownloadWithRangeToByteIdenticalContent() throws Exception {
        String link = Fixtures.link(id, "gw-resume");
        ByteArrayOutputStream assembled = new ByteArrayOutputStream();

        Response first = given().header("Range", "bytes=0-99999").get(link);
        assertThat(first.statusCode()).isEqualTo(206);
        assertThat(first.header("Content-Range")).isEqualTo("bytes 0-99999/" + content.length);
        assembled.write(first.asByteArray());
        Response rest = given().header("Range", "bytes=100000-")
                .header("If-Range", etag)
                .get(link);
        assertThat(rest.statusCode()).isEqualTo(206);
        assembled.write(rest.asByteArray());

        assertThat(assembled.toByteArray()).isEqualTo(content);
    }

    @Test
    void servesSuffixAndBoundedRanges() {
        String link = Fixtures.link(id, "gw-2");

        byte[] tail = given().header("Range", "bytes=-100")
                .get(link)
                .then()
                .statusCode(206)
                .header(
                        "Content-Range",
                        "bytes " + (content.length - 100) + "-" + (content.length - 1) + "/" + content.length)
                .header("Content-Length", "100")
                .extract()
                .asByteArray();
        byte[] middle = given().header("Range", "bytes=5-9")
                .get(link)
                .then()
                .statusCode(206)
                .header("Content-Length", "5")
                .extract()
                .asByteArray();

        assertThat(tail).isEqualTo(java.util.Arrays.copyOfRange(content, content.length - 100, content.length));
        assertThat(middle).isEqualTo(java.util.Arrays.copyOfRange(content, 5, 10));
    }

    @Test
    void aRangeBeyondTheEndIsNotSatisfiable() {
        given().header("Range", "bytes=" + content.length + "-")
                .get(Fixtures.link(id, "gw-3"))
                .then()
                .statusCode(416)
                .header("Content-Range", "bytes */" + content.length)
                .contentType("application/problem+json");
    }

    @Test
    void anIfRangeForOtherContentGetsTheWholePackage() {
        given().header("Range", "bytes=0-9")
                .header("If-Range", "\"something-else\"")
                .get(Fixtures.link(id, "gw-4"))
                .then()
                .statusCode(200)
                .header("Content-Length", String.valueOf(content.length));
    }

    @Test
    void answersNotModifiedWhenTheGatewayHasThisContentAlready() {
        given().header("If-None-Match", etag)
                .get(Fixtures.link(id, "gw-5"))
                .then()
                .statusCode(304)
                .header("ETag", etag);
    }

    @Test
    void headTellsTheSizeWithoutTheBody() {
        given().head(Fixtures.link(id, "gw-6"))
                .then()
                .statusCode(200)
                .header("Content-Length", String.valueOf(content.length))
                .header("ETag", etag);
    }

    @Test
    void refusesAnAlteredForgedOrExpiredLinkWithoutSendingABye() {
        long future = System.currentTimeMillis() / 1000 + 600;
        String good = Fixtures.LINKS.url("", new DownloadLinks.Grant(id, "gw-7", future));
        String otherGateway = good.replace("gw=gw-7", "gw=gw-8");
        String longerLife = good.replace("exp=" + future, "exp=" + (future + 1));
        String forged = new DownloadLinks("an-attackers-secret-that-is-long-enough-0123".getBytes())
                .url("", new DownloadLinks.Grant(id, "gw-7", future));
        String expired =
                Fixtures.LINKS.url("", new DownloadLinks.Grant(id, "gw-7", System.currentTimeMillis() / 1000 - 1));

        for (String link : java.util.List.of(
                otherGateway,
                longerLife,
                forged,
                expired,
                "/download/" + id,
                "/download/" + id + "?gw=gw-7&exp=x&sig=y")) {
            given().get(link)
                    .then()
                    .statusCode(403)
                    .contentType("application/problem+json")
                    .body("code", equalTo("FORBIDDEN"))
                    .header("Accept-Ranges", nullValue());
        }
    }

    @Test
    void aValidLinkToADeletedPackageFindsNothing() {
        given().delete("/api/v1/firmware/" + id).then().statusCode(204);

        given().get(Fixtures.link(id, "gw-9")).then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void countsBytesAndCompletedDownloadsPerGateway() {
        given().get(Fixtures.link(id, "gw-count")).then().statusCode(200);
        given().header("Range", "bytes=0-9")
                .get(Fixtures.link(id, "gw-count"))
                .then()
                .statusCode(206);

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> given().get("/api/v1/firmware/" + id)
                        .then()
                        .body("downloads.completed", equalTo(1))
                        .body("downloads.requests", equalTo(2))
                        .body("downloads.bytes", equalTo(content.length + 10))
                        .body("downloads.gateways", equalTo(1)));
        given().get("/api/v1/firmware/" + id + "/downloads")
                .then()
                .body("items[0].gatewayId", equalTo("gw-count"))
                .body("items[0].completed", equalTo(1));
        org.otaplatform.testkit.Management.given()
                .get("/q/metrics")
                .then()
                .body(org.hamcrest.Matchers.containsString("ota_firmware_download_bytes_total"));
    }
}
