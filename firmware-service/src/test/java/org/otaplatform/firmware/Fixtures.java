package org.otaplatform.firmware;

import static io.restassured.RestAssured.given;

import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;
import org.otaplatform.contract.DownloadLinks;

/** Builders for the firmware tests: packages, uploads, links, and row counts. */
final class Fixtures {

    static final DownloadLinks LINKS =
            new DownloadLinks("test-only-download-link-secret-0123456789".getBytes(StandardCharsets.UTF_8));

    private Fixtures() {}

    static String uniqueProduct() {
        return "p-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static byte[] bytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An upload of a FULL package; returns the response for assertions. */
    static ValidatableResponse uploadFull(String productKey, String version, byte[] content) {
        return given().multiPart("file", "fw.bin", content, "application/octet-stream")
                .multiPart("productKey", productKey)
                .multiPart("version", version)
                .multiPart("type", "FULL")
                .multiPart("name", "Firmware " + version)
                .when()
                .post("/api/v1/firmware")
                .then();
    }

    static String createdFull(String productKey, String version, byte[] content) {
        return uploadFull(productKey, version, content)
                .statusCode(201)
                .extract()
                .path("id");
    }

    static String link(String firmwareId, String gatewayId) {
        long expires = System.currentTimeMillis() / 1000 + 600;
        return LINKS.url("", new DownloadLinks.Grant(firmwareId, gatewayId, expires));
    }

    static long count(Pool pool, String sql, Object... params) {
        return pool.preparedQuery(sql)
                .execute(Tuple.from(params))
                .await()
                .indefinitely()
                .iterator()
                .next()
                .getLong(0);
    }
}
