package org.otaplatform.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.codec.MessageCodec;
import org.otaplatform.testkit.AccessCheck;
import org.otaplatform.testkit.JwtTokens;
import org.otaplatform.testkit.ServiceProcess;

/**
 * The console is the platform's one public entry (issue #35): every public endpoint of every service, as the
 * service's own OpenAPI document lists it, is reachable through the console's {@code /api}, at its own path or,
 * for the paths every service has (audit log, dead letters), at {@code /api/<service>/...}; and the audit log
 * records the person's address, not the console's.
 */
class ConsoleApiIT {

    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");
    private static final String SOME_ID = "00000000-0000-4000-8000-0000000000ff";

    private static Platform platform;
    private static String console;

    @BeforeAll
    static void start() throws Exception {
        platform = Platform.get();
        console = platform.console().baseUrl();
    }

    private record Endpoint(String service, String method, String path) {}

    @Test
    void everyServicesEveryPathIsReachableThroughTheConsole() throws Exception {
        Map<String, List<Endpoint>> byPath = new LinkedHashMap<>();
        for (ServiceProcess service : List.of(platform.firmware, platform.plan, platform.gateway)) {
            JsonNode doc = MessageCodec.mapper()
                    .readTree(given().baseUri(service.managementUrl())
                            .get("/q/openapi?format=json")
                            .then()
                            .statusCode(200)
                            .extract()
                            .asByteArray());
            for (Iterator<Map.Entry<String, JsonNode>> it = doc.get("paths").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> path = it.next();
                for (Iterator<String> m = path.getValue().fieldNames(); m.hasNext(); ) {
                    String method = m.next();
                    if (METHODS.contains(method)) {
                        byPath.computeIfAbsent(path.getKey(), k -> new ArrayList<>())
                                .add(new Endpoint(service.name(), method, path.getKey()));
                    }
                }
            }
        }
        assertThat(byPath).hasSizeGreaterThan(40).containsKeys("/api/v1/webhooks", "/api/v1/audit", "/api/v1/groups");
        assertThat(byPath.get("/api/v1/audit")).extracting(Endpoint::service).hasSize(3);
        String admin = AccessCheck.token(JwtTokens.ADMIN);
        List<String> unreachable = new ArrayList<>();
        int tried = 0;
        for (Map.Entry<String, List<Endpoint>> entry : byPath.entrySet()) {
            boolean shared =
                    entry.getValue().stream().map(Endpoint::service).distinct().count() > 1;
            for (Endpoint e : entry.getValue()) {
                String concrete = e.path().replaceAll("\\{[^}]+}", SOME_ID);
                List<String> addresses = new ArrayList<>();
                if (concrete.startsWith("/api/")) {
                    addresses.add("/api/" + e.service() + concrete.substring("/api".length()));
                    if (!shared) {
                        addresses.add(concrete);
                    }
                } else {
                    addresses.add(concrete);
                }
                for (String address : addresses) {
                    tried++;
                    Response r = given().baseUri(console)
                            .auth()
                            .oauth2(admin)
                            .contentType("application/json")
                            .body(e.method().equals("get") || e.method().equals("delete") ? "" : "{}")
                            .request(e.method().toUpperCase(java.util.Locale.ROOT), address);
                    String servedBy = r.header("X-OTA-Service");
                    if (!e.service().equals(servedBy) || r.statusCode() >= 500) {
                        unreachable.add(e.method().toUpperCase(java.util.Locale.ROOT) + " " + address + " ("
                                + e.service() + "'s): answered " + r.statusCode() + " by " + servedBy);
                    }
                }
            }
        }
        assertThat(tried).isGreaterThan(40);
        assertThat(unreachable).as("endpoints the console does not reach").isEmpty();
    }

    /**
     * Here the test client stands where the Ingress controller would, on an address the console trusts
     * (OTA_TRUSTED_PROXIES, this machine by default): the person's address it names reaches the service's audit
     * log through the console, which trusts the console in turn.
     */
    @Test
    void theAuditLogRecordsThePersonsAddressAndEachServicesLogIsReadThroughTheConsole() {
        String admin = AccessCheck.token(JwtTokens.ADMIN);
        String product = "addr-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        given().baseUri(console)
                .auth()
                .oauth2(admin)
                .header("X-Forwarded-For", "203.0.113.66")
                .contentType("application/json")
                .body("{\"productKey\":\"" + product + "\",\"name\":\"A\",\"nodeType\":\"SUB_DEVICE\"}")
                .post("/api/v1/products")
                .then()
                .statusCode(201);
        Map<String, Object> entry = new HashMap<>(given().baseUri(console)
                .auth()
                .oauth2(admin)
                .queryParam("resource", "product/" + product)
                .get("/api/device-gateway-service/v1/audit")
                .then()
                .statusCode(200)
                .header("X-OTA-Service", "device-gateway-service")
                .extract()
                .jsonPath()
                .getMap("items[0]"));
        assertThat(entry.get("action")).isEqualTo("product.create");
        assertThat(entry.get("address")).isEqualTo("203.0.113.66");
        for (String service : List.of("firmware-service", "plan-service", "device-gateway-service")) {
            given().baseUri(console)
                    .auth()
                    .oauth2(admin)
                    .get("/api/" + service + "/v1/dead-letters")
                    .then()
                    .statusCode(200)
                    .header("X-OTA-Service", service);
            given().baseUri(console)
                    .auth()
                    .oauth2(admin)
                    .get("/api/" + service + "/v1/audit")
                    .then()
                    .statusCode(200)
                    .header("X-OTA-Service", service);
        }
    }
}
