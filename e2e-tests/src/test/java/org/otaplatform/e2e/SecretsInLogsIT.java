package org.otaplatform.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.otaplatform.simulator.Fleet;
import org.otaplatform.testkit.AccessCheck;
import org.otaplatform.testkit.JwtTokens;
import org.otaplatform.testkit.ServiceProcess;

/**
 * Secrets never reach a log: after traffic that touches every one of them (bearer tokens good and forged,
 * a signed upload, download links good and tampered, the database, the registry's device and product
 * secrets issued, rotated and used in claims), no service log holds a secret.
 */
class SecretsInLogsIT {

    /** A download link's signature as it would appear in a logged URL. */
    private static final Pattern LINK_SIGNATURE = Pattern.compile("sig=[A-Za-z0-9_\\-]{16,}");
    /** A bearer token as it would appear in a logged header or message. */
    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_\\-]{10,}\\.eyJ[A-Za-z0-9_\\-]{10,}");

    private static Platform platform;

    @BeforeAll
    static void start() throws Exception {
        platform = Platform.get();
    }

    @Test
    void noServiceLogHoldsASecretAfterTrafficThatTouchesThemAll() throws Exception {
        String admin = AccessCheck.token(JwtTokens.ADMIN);
        String forged = admin.substring(0, admin.length() - 4) + "AAAA";
        given().baseUri(platform.firmware.baseUrl())
                .auth()
                .oauth2(forged)
                .get("/api/v1/firmware")
                .then()
                .statusCode(401);
        given().baseUri(platform.plan.baseUrl())
                .auth()
                .oauth2(admin)
                .get("/api/v1/plans")
                .then()
                .statusCode(200);
        String product = Platform.product("secrets");
        String firmware = platform.uploadFirmware(product, "2.0.0", 16 * 1024);
        given().baseUri(platform.firmware.baseUrl())
                .auth()
                .none()
                .get("/download/" + firmware
                        + "?gw=gw-x&exp=4102444800&sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
                .then()
                .statusCode(403);
        String plan = platform.createPlan(product, product, firmware, "\"mode\":\"SILENT\"");
        platform.move(plan, "activate");
        var options = Platform.fleetOptions(Platform.prefix(), product)
                .gateways(1)
                .devicesPerGateway(2)
                .build();
        Map<String, String> deviceSecrets = platform.register(options);
        try (Fleet fleet = platform.fleet(options, deviceSecrets)) {
            platform.awaitStatus(plan, "FINISHED", 60);
            assertThat(fleet.stats().outcome("SUCCEEDED")).isEqualTo(2);
        }
        // a product secret (dynamic registration), a rotated device secret, and a claim with a wrong proof
        String dynamic = Platform.product("secrets-dyn");
        String productSecret = given().baseUri(platform.gateway.baseUrl())
                .contentType("application/json")
                .body("{\"productKey\":\"" + dynamic + "\",\"name\":\"d\",\"nodeType\":\"SUB_DEVICE\","
                        + "\"dynamicRegistration\":true}")
                .post("/api/v1/products")
                .then()
                .statusCode(201)
                .extract()
                .path("productSecret");
        String someDevice = deviceSecrets.keySet().iterator().next();
        String rotated = given().baseUri(platform.gateway.baseUrl())
                .post("/api/v1/devices/" + product + "/" + someDevice + "/secret:rotate")
                .then()
                .statusCode(200)
                .extract()
                .path("deviceSecret");

        // the console: sign-ins good and forged, a page and an API call on the session's token
        String console = platform.console().baseUrl();
        given().baseUri(console)
                .auth()
                .none()
                .formParam("token", forged)
                .post("/login")
                .then()
                .statusCode(401);
        given().baseUri(console)
                .auth()
                .none()
                .redirects()
                .follow(false)
                .formParam("token", admin)
                .post("/login")
                .then()
                .statusCode(303);
        given().baseUri(console)
                .auth()
                .none()
                .cookie("ota_session", admin)
                .get("/plans")
                .then()
                .statusCode(200);
        given().baseUri(console)
                .auth()
                .none()
                .cookie("ota_session", admin)
                .get("/api/v1/firmware/" + firmware)
                .then()
                .statusCode(200);
        given().baseUri(console)
                .auth()
                .none()
                .cookie("ota_session", forged)
                .redirects()
                .follow(false)
                .get("/plans")
                .then()
                .statusCode(303);

        Map<String, String> secrets = new java.util.LinkedHashMap<>();
        secrets.put(
                "the registry's sealing key",
                ServiceProcess.REGISTRY_SECRET_KEYS.substring(ServiceProcess.REGISTRY_SECRET_KEYS.indexOf(':') + 1));
        secrets.put("a product secret", productSecret);
        secrets.put("a rotated device secret", rotated);
        deviceSecrets.forEach((device, secret) -> secrets.put("the secret of " + device, secret));
        secrets.putAll(Map.of(
                "the download-link secret", ServiceProcess.LINK_SECRET,
                "the firmware signing key", platform.signingPrivateKey,
                "the database password", Platform.DB_PASSWORD,
                "an administrator's bearer token", admin,
                "a forged bearer token", forged));
        List<Path> logs;
        try (Stream<Path> files = Files.list(platform.logs)) {
            logs = files.filter(f -> f.toString().endsWith(".log")).toList();
        }
        assertThat(logs).hasSizeGreaterThanOrEqualTo(4);
        for (Path log : logs) {
            String text = Files.readString(log);
            secrets.forEach((what, secret) ->
                    assertThat(text).as("%s in %s", what, log.getFileName()).doesNotContain(secret));
            assertThat(text)
                    .as("a download link's signature in %s", log.getFileName())
                    .doesNotContainPattern(LINK_SIGNATURE);
            assertThat(text).as("a bearer token in %s", log.getFileName()).doesNotContainPattern(JWT);
        }
    }
}
