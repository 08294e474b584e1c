package org.otaplatform.firmware;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.FirmwareManifest;
import org.otaplatform.contract.wire.FirmwareType;

@QuarkusTest
class UploadTest {

    @Inject
    Pool pool;

    @Test
    void storesAFullPackageWithItsChecksumsAndASignatureThePublishedKeyVerifies() throws Exception {
        String product = Fixtures.uniqueProduct();
        byte[] content = Fixtures.bytes(300_000, 1);

        JsonPath created = Fixtures.uploadFull(product, "1.0.4", content)
                .statusCode(201)
                .header("Location", containsString("/api/v1/firmware/"))
                .body("size", equalTo(300_000))
                .body("sha256", equalTo(Fixtures.sha256(content)))
                .body(
                        "md5",
                        equalTo(java.util.HexFormat.of()
                                .formatHex(java.security.MessageDigest.getInstance("MD5")
                                        .digest(content))))
                .body("verification", equalTo("UNVERIFIED"))
                .extract()
                .jsonPath();

        List<Map<String, String>> keys = given().get("/api/v1/signing-keys")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$");
        Map<String, String> key = keys.stream()
                .filter(k -> k.get("keyId").equals(created.getString("keyId")))
                .findFirst()
                .orElseThrow();
        assertThat(key.get("algorithm")).isEqualTo("Ed25519");
        PublicKey publicKey = KeyFactory.getInstance("Ed25519")
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(key.get("publicKey"))));
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(publicKey);
        verifier.update(
                new FirmwareManifest(product, "1.0.4", FirmwareType.FULL, null, 300_000, Fixtures.sha256(content))
                        .signedBytes());
        assertThat(verifier.verify(Base64.getDecoder().decode(created.getString("signature"))))
                .isTrue();
    }

    @Test
    void storesADeltaPackageWithItsSourceVersion() {
        String product = Fixtures.uniqueProduct();

        given().multiPart("file", "d.bin", Fixtures.bytes(1000, 2))
                .multiPart("productKey", product)
                .multiPart("version", "2.0")
                .multiPart("type", "DELTA")
                .multiPart("sourceVersion", "1.9")
                .multiPart("name", "delta")
                .post("/api/v1/firmware")
                .then()
                .statusCode(201)
                .body("type", equalTo("DELTA"))
                .body("sourceVersion", equalTo("1.9"));
    }

    /**
     * A sub-device package may name the lowest gateway firmware it works behind (a SemVer version): shown,
     * audited with the package, and announced to plan-service with the package.
     */
    @Test
    void aPackageMayNeedAMinimumGatewayVersion() {
        String product = Fixtures.uniqueProduct();
        try (var bus = org.otaplatform.testkit.TestMqttClient.connect(org.otaplatform.testkit.MqttBroker.shared())
                .subscribe(org.otaplatform.contract.InternalTopics.FIRMWARE_EVENTS)) {
            String id = given().multiPart("file", "s.bin", Fixtures.bytes(1000, 5))
                    .multiPart("productKey", product)
                    .multiPart("version", "2.0.0")
                    .multiPart("type", "FULL")
                    .multiPart("name", "needs a new radio stack")
                    .multiPart("minGatewayVersion", "4.3.0-rc.1")
                    .post("/api/v1/firmware")
                    .then()
                    .statusCode(201)
                    .body("minGatewayVersion", equalTo("4.3.0-rc.1"))
                    .extract()
                    .path("id");
            given().get("/api/v1/firmware/" + id).then().body("minGatewayVersion", equalTo("4.3.0-rc.1"));
            bus.await(m -> m.payload().contains(id) && m.payload().contains("\"minGatewayVersion\":\"4.3.0-rc.1\""));
        }
        long before = Fixtures.count(pool, "SELECT count(*) FROM firmware WHERE product_key = $1", product);
        for (String bad : new String[] {"4.3", "v4.3.0", "4.3.0 ", "04.3.0", "latest"}) {
            given().multiPart("file", "s.bin", Fixtures.bytes(1000, 6))
                    .multiPart("productKey", product)
                    .multiPart("version", "2.0.1")
                    .multiPart("type", "FULL")
                    .multiPart("name", "bad minimum")
                    .multiPart("minGatewayVersion", bad)
                    .post("/api/v1/firmware")
                    .then()
                    .statusCode(422)
                    .body("errors.field", hasItems("minGatewayVersion"));
        }
        assertThat(Fixtures.count(pool, "SELECT count(*) FROM firmware WHERE product_key = $1", product))
                .isEqualTo(before);
    }

    /**
     * A package may name the hardware revisions it supports and whether a device of unknown revision may take it:
     * stored sorted and unique, shown, announced to plan-service; a bad list or value is a 422 on its field.
     */
    @Test
    void aPackageMayNameTheHardwareItFits() {
        String product = Fixtures.uniqueProduct();
        try (var bus = org.otaplatform.testkit.TestMqttClient.connect(org.otaplatform.testkit.MqttBroker.shared())
                .subscribe(org.otaplatform.contract.InternalTopics.FIRMWARE_EVENTS)) {
            String id = given().multiPart("file", "h.bin", Fixtures.bytes(1000, 7))
                    .multiPart("productKey", product)
                    .multiPart("version", "2.0.0")
                    .multiPart("type", "FULL")
                    .multiPart("name", "revision B only")
                    .multiPart("hardwareRevisions", "B2, B1,B2")
                    .multiPart("unknownHardware", "ALLOW")
                    .post("/api/v1/firmware")
                    .then()
                    .statusCode(201)
                    .body("hardwareRevisions", org.hamcrest.Matchers.contains("B1", "B2"))
                    .body("unknownHardware", equalTo("ALLOW"))
                    .extract()
                    .path("id");
            bus.await(m -> m.payload().contains(id)
                    && m.payload().contains("\"hardwareRevisions\":[\"B1\",\"B2\"]")
                    && m.payload().contains("\"unknownHardware\":\"ALLOW\""));
            String any = given().multiPart("file", "a.bin", Fixtures.bytes(1000, 8))
                    .multiPart("productKey", product)
                    .multiPart("version", "2.0.1")
                    .multiPart("type", "FULL")
                    .multiPart("name", "any hardware")
                    .post("/api/v1/firmware")
                    .then()
                    .statusCode(201)
                    .body("hardwareRevisions", org.hamcrest.Matchers.empty())
                    .body("unknownHardware", equalTo("REFUSE"))
                    .extract()
                    .path("id");
            assertThat(any).isNotEqualTo(id);
        }
        long before = Fixtures.count(pool, "SELECT count(*) FROM firmware WHERE product_key = $1", product);
        given().multiPart("file", "b.bin", Fixtures.bytes(1000, 9))
                .multiPart("productKey", product)
                .multiPart("version", "2.0.2")
                .multiPart("type", "FULL")
                .multiPart("name", "bad")
                .multiPart("hardwareRevisions", "B2,rev C")
                .multiPart("unknownHardware", "MAYBE")
                .post("/api/v1/firmware")
                .then()
                .statusCode(422)
                .body("errors.field", hasItems("hardwareRevisions", "unknownHardware"));
        assertThat(Fixtures.count(pool, "SELECT count(*) FROM firmware WHERE product_key = $1", product))
                .isEqualTo(before);
    }

    @Test
    void namesEveryInvalidFieldAndStoresNothing() {
        long before = Fixtures.count(pool, "SELECT count(*) FROM firmware");

        given().multiPart("file", "x.bin", Fixtures.bytes(10, 3))
                .multiPart("productKey", "bad key")
                .multiPart("version", "")
                .multiPart("type", "FULL")
                .multiPart("sourceVersion", "1.0")
                .multiPart("sha256", "xyz")
                .post("/api/v1/firmware")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("code", equalTo("VALIDATION_FAILED"))
                .body("errors.field", hasItems("productKey", "version", "sourceVersion", "name", "sha256"));

        assertThat(Fixtures.count(pool, "SELECT count(*) FROM firmware")).isEqualTo(before);
    }

    @Test
    void aDeltaNeedsItsSourceVersion() {
        given().multiPart("file", "d.bin", Fixtures.bytes(10, 4))
                .multiPart("productKey", Fixtures.uniqueProduct())
                .multiPart("version", "2.0")
                .multiPart("type", "DELTA")
                .multiPart("name", "delta")
                .post("/api/v1/firmware")
                .then()
                .statusCode(422)
                .body("errors.field", hasItem("sourceVersion"));
    }

    @Test
    void refusesAnUploadWhoseBytesDifferFromTheGivenChecksumAndLeavesNothingBehind() {
        byte[] content = Fixtures.bytes(5000, 5);
        String product = Fixtures.uniqueProduct();
        long blobs = Fixtures.count(pool, "SELECT count(*) FROM blob");

        given().multiPart("file", "x.bin", content)
                .multiPart("productKey", product)
                .multiPart("version", "1")
                .multiPart("type", "FULL")
                .multiPart("name", "n")
                .multiPart("sha256", Fixtures.sha256(new byte[] {1}))
                .post("/api/v1/firmware")
                .then()
                .statusCode(422)
                .body("errors[0].field", equalTo("sha256"));

        assertThat(Fixtures.count(pool, "SELECT count(*) FROM firmware WHERE product_key = $1", product))
                .isZero();
        assertThat(Fixtures.count(pool, "SELECT count(*) FROM blob")).isEqualTo(blobs);
    }

    @Test
    void acceptsTheGivenChecksumInUpperCase() {
        byte[] content = Fixtures.bytes(500, 6);

        given().multiPart("file", "x.bin", content)
                .multiPart("productKey", Fixtures.uniqueProduct())
                .multiPart("version", "1")
                .multiPart("type", "FULL")
                .multiPart("name", "n")
                .multiPart("sha256", Fixtures.sha256(content).toUpperCase())
                .post("/api/v1/firmware")
                .then()
                .statusCode(201);
    }

    @Test
    void refusesTheSamePackageTwiceWithConflictAndKeepsOne() {
        String product = Fixtures.uniqueProduct();
        Fixtures.createdFull(product, "3.1", Fixtures.bytes(100, 7));

        Fixtures.uploadFull(product, "3.1", Fixtures.bytes(200, 8))
                .statusCode(409)
                .contentType("application/problem+json")
                .body("code", equalTo("CONFLICT"));

        assertThat(Fixtures.count(pool, "SELECT count(*) FROM firmware WHERE product_key = $1", product))
                .isEqualTo(1);
    }

    @Test
    void storesContentSharedByTwoPackagesOnce() {
        byte[] content = Fixtures.bytes(2_500_00, 9);
        String sha = Fixtures.sha256(content);

        Fixtures.createdFull(Fixtures.uniqueProduct(), "1", content);
        Fixtures.createdFull(Fixtures.uniqueProduct(), "1", content);

        assertThat(Fixtures.count(pool, "SELECT count(*) FROM blob WHERE sha256 = $1", sha))
                .isEqualTo(1);
        assertThat(Fixtures.count(pool, "SELECT count(*) FROM firmware WHERE sha256 = $1", sha))
                .isEqualTo(2);
    }

    @Test
    void storesLargeContentInMebibyteChunks() {
        byte[] content = Fixtures.bytes(1024 * 1024 - 7, 10);

        Fixtures.createdFull(Fixtures.uniqueProduct(), "1", content);

        assertThat(Fixtures.count(pool, "SELECT count(*) FROM blob_chunk WHERE sha256 = $1", Fixtures.sha256(content)))
                .isEqualTo(1);
    }

    @Test
    void acceptsAPackageOfExactlyTheSizeLimit() {
        byte[] content = Fixtures.bytes(1024 * 1024, 13);

        Fixtures.createdFull(Fixtures.uniqueProduct(), "1", content);

        assertThat(Fixtures.count(pool, "SELECT count(*) FROM firmware WHERE sha256 = $1", Fixtures.sha256(content)))
                .isEqualTo(1);
    }

    @Test
    void refusesAPackageOverTheSizeLimitWith413AndStoresNothing() {
        String product = Fixtures.uniqueProduct();

        Fixtures.uploadFull(product, "1", Fixtures.bytes(1024 * 1024 + 1, 11))
                .statusCode(413)
                .contentType("application/problem+json")
                .body("code", equalTo("PAYLOAD_TOO_LARGE"));

        assertThat(Fixtures.count(pool, "SELECT count(*) FROM firmware WHERE product_key = $1", product))
                .isZero();
    }

    @Test
    void refusesABodyOverTheHttpLimitWith413AsAProblem() {
        Fixtures.uploadFull(Fixtures.uniqueProduct(), "1", Fixtures.bytes(4 * 1024 * 1024, 12))
                .statusCode(413)
                .contentType("application/problem+json")
                .body("code", equalTo("PAYLOAD_TOO_LARGE"));
    }

    @Test
    void anUploadCutOffMidwayLeavesNothingBehind() throws Exception {
        String product = Fixtures.uniqueProduct();
        long blobs = Fixtures.count(pool, "SELECT count(*) FROM blob");
        String head = "--XYZ\r\nContent-Disposition: form-data; name=\"productKey\"\r\n\r\n" + product
                + "\r\n--XYZ\r\nContent-Disposition: form-data; name=\"version\"\r\n\r\n1"
                + "\r\n--XYZ\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\nFULL"
                + "\r\n--XYZ\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\ncut"
                + "\r\n--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"fw.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n";
        try (java.net.Socket socket = new java.net.Socket("localhost", io.restassured.RestAssured.port)) {
            var out = socket.getOutputStream();
            out.write(
                    ("POST /api/v1/firmware HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=XYZ\r\n"
                                    + "Content-Length: 900000\r\n\r\n" + head)
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.write(Fixtures.bytes(200_000, 17));
            out.flush();
        } // the connection drops with 700,000 bytes of the body never sent

        // nothing of it is kept, however long the server takes to notice
        org.awaitility.Awaitility.await()
                .during(java.time.Duration.ofSeconds(1))
                .atMost(java.time.Duration.ofSeconds(3))
                .until(() -> Fixtures.count(pool, "SELECT count(*) FROM firmware WHERE product_key = $1", product) == 0
                        && Fixtures.count(pool, "SELECT count(*) FROM blob") == blobs);
        Fixtures.uploadFull(product, "1", Fixtures.bytes(100, 18)).statusCode(201);
    }

    @Test
    void refusesAnEmptyOrMissingFile() {
        given().multiPart("productKey", Fixtures.uniqueProduct())
                .multiPart("version", "1")
                .multiPart("type", "FULL")
                .multiPart("name", "n")
                .post("/api/v1/firmware")
                .then()
                .statusCode(422)
                .body("errors.field", hasItem("file"));
        Fixtures.uploadFull(Fixtures.uniqueProduct(), "1", new byte[0])
                .statusCode(422)
                .body("errors.field", hasItem("file"));
    }

    @Test
    void refusesABodyThatIsNotMultipart() {
        given().contentType("application/json")
                .body("{\"productKey\":\"x\"}")
                .post("/api/v1/firmware")
                .then()
                .statusCode(415)
                .contentType("application/problem+json");
    }

    @Test
    void listsPackagesOfAProductNewestFirstInPages() {
        String product = Fixtures.uniqueProduct();
        Fixtures.createdFull(product, "1", Fixtures.bytes(10, 13));
        Fixtures.createdFull(product, "2", Fixtures.bytes(10, 14));
        Fixtures.createdFull(product, "3", Fixtures.bytes(10, 15));

        given().get("/api/v1/firmware?productKey=" + product + "&size=2")
                .then()
                .statusCode(200)
                .body("total", equalTo(3))
                .body("items.size()", equalTo(2))
                .body("items[0].version", equalTo("3"));
        given().get("/api/v1/firmware?productKey=" + product + "&version=2")
                .then()
                .body("total", equalTo(1))
                .body("items[0].version", equalTo("2"));
    }

    @Test
    void servesTheContentToOperators() {
        byte[] content = Fixtures.bytes(70_000, 16);
        String id = Fixtures.createdFull(Fixtures.uniqueProduct(), "1", content);

        byte[] body = given().get("/api/v1/firmware/" + id + "/content")
                .then()
                .statusCode(200)
                .header("ETag", containsString(Fixtures.sha256(content)))
                .extract()
                .asByteArray();

        assertThat(body).isEqualTo(content);
    }
}
