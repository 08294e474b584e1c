package org.otaplatform.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Generated hostile requests against every REST endpoint of the three services: wrong types, missing
 * fields, huge strings, bad time zones and dates, path traversal and injection in ids and query
 * parameters, bodies that are not JSON, bad multipart. Every answer must be a 4xx in
 * application/problem+json, never a 5xx, and nothing may be stored.
 */
class HostileRestIT {

    private static Platform platform;

    @BeforeAll
    static void start() throws Exception {
        platform = Platform.get();
    }

    private record Attempt(String what, Supplier<Response> send) {}

    private static final String HUGE = "x".repeat(100_000);
    private static final List<String> BAD_IDS = List.of(
            "..%2F..%2Fetc%2Fpasswd",
            "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
            "..;",
            "'%20OR%201=1--",
            "%00",
            "%E2%80%AE",
            "not-a-uuid",
            "00000000-0000-0000-0000-00000000000g",
            "x".repeat(3000),
            "%25%25",
            "%7B%7D",
            UUID.randomUUID().toString());
    private static final List<String> BAD_VALUES = List.of(
            "42",
            "-1",
            "1e400",
            "\"\"",
            "\"" + "y".repeat(20_000) + "\"",
            "true",
            "[]",
            "{}",
            "[1,2,3]",
            "{\"a\":{\"b\":{\"c\":{\"d\":[[[[[]]]]]}}}}",
            "\"Mars/Olympus_Mons\"",
            "\"2026-13-45T99:99\"",
            "\"\\u0000\"");
    /** Strings that are neither product keys nor device keys. */
    private static final List<String> BAD_KEYS = List.of(
            "..%2F..%2Fetc%2Fpasswd",
            "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
            "..;",
            "'%20OR%201=1--",
            "%00",
            "%E2%80%AE",
            "x".repeat(3000),
            "%25%25",
            "%7B%7D");

    private static final List<String> NOT_JSON = List.of(
            "",
            "{",
            "not json",
            "[]",
            "null",
            "42",
            "{\"a\":1,\"a\":2}",
            "{\"name\":\"x\"} trailing",
            "\u0000\u0001",
            HUGE);

    @Test
    void everyHostileRequestGetsAProblemAndNothingIsStored() {
        long plansBefore = total(platform.plan.baseUrl() + "/api/v1/plans");
        long firmwareBefore = total(platform.firmware.baseUrl() + "/api/v1/firmware");
        given().contentType("application/json")
                .body("{\"productKey\":\"" + REGISTRY_PRODUCT + "\",\"name\":\"hostile\",\"nodeType\":\"SUB_DEVICE\"}")
                .post(platform.gateway.baseUrl() + "/api/v1/products");
        long productsBefore = total(platform.gateway.baseUrl() + "/api/v1/products");
        long devicesBefore = total(platform.gateway.baseUrl() + "/api/v1/devices");
        List<Attempt> attempts = new ArrayList<>();
        String fw = platform.firmware.baseUrl();
        String pl = platform.plan.baseUrl();
        String gw = platform.gateway.baseUrl();

        // plan bodies: a plan with an unknown firmware, each field in turn given each bad value (POST and PUT)
        Map<String, String> plan = validPlan();
        for (String field : plan.keySet()) {
            for (String bad : BAD_VALUES) {
                Map<String, String> body = new LinkedHashMap<>(plan);
                body.put(field, bad);
                String json = json(body);
                attempts.add(new Attempt(
                        "POST plan " + field + "=" + abbreviate(bad), () -> jsonPost(pl + "/api/v1/plans", json)));
                attempts.add(new Attempt(
                        "PUT plan " + field + "=" + abbreviate(bad),
                        () -> given().contentType("application/json")
                                .body(json)
                                .put(pl + "/api/v1/plans/" + UUID.randomUUID())));
            }
            Map<String, String> without = new LinkedHashMap<>(plan);
            without.remove(field);
            String json = json(without);
            attempts.add(new Attempt("POST plan without " + field, () -> jsonPost(pl + "/api/v1/plans", json)));
        }
        // bodies that are not JSON objects, on every endpoint that takes JSON
        List<String> jsonEndpoints = List.of(
                pl + "/api/v1/plans",
                pl + "/api/v1/plans/" + UUID.randomUUID() + "/activate",
                pl + "/api/v1/plans/" + UUID.randomUUID() + "/terminate",
                pl + "/api/v1/devices/p/d/upgrade/confirm",
                pl + "/api/v1/devices/p/d/upgrade/reject",
                fw + "/api/v1/firmware/" + UUID.randomUUID() + "/verification");
        for (String url : jsonEndpoints) {
            for (String body : NOT_JSON) {
                attempts.add(new Attempt("POST " + url + " body " + abbreviate(body), () -> jsonPost(url, body)));
            }
            attempts.add(new Attempt(
                    "POST " + url + " as text/plain",
                    () -> given().contentType("text/plain").body("{}").post(url)));
        }
        // confirm, reject and verification bodies with bad fields
        for (String bad : BAD_VALUES) {
            attempts.add(new Attempt(
                    "confirm planId=" + abbreviate(bad),
                    () -> jsonPost(pl + "/api/v1/devices/p/d/upgrade/confirm", "{\"planId\":" + bad + "}")));
            attempts.add(new Attempt(
                    "confirm appointment=" + abbreviate(bad),
                    () -> jsonPost(
                            pl + "/api/v1/devices/p/d/upgrade/confirm",
                            "{\"planId\":\"" + UUID.randomUUID() + "\",\"appointment\":" + bad + "}")));
            attempts.add(new Attempt(
                    "reject reason=" + abbreviate(bad),
                    () -> jsonPost(
                            pl + "/api/v1/devices/p/d/upgrade/reject",
                            "{\"planId\":\"" + UUID.randomUUID() + "\",\"reason\":" + bad + "}")));
            attempts.add(new Attempt(
                    "verification devices=" + abbreviate(bad),
                    () -> jsonPost(
                            fw + "/api/v1/firmware/" + UUID.randomUUID() + "/verification",
                            "{\"devices\":" + bad + "}")));
            attempts.add(new Attempt(
                    "terminate reason=" + abbreviate(bad),
                    () -> jsonPost(
                            pl + "/api/v1/plans/" + UUID.randomUUID() + "/terminate", "{\"reason\":" + bad + "}")));
        }
        // hostile ids in every path
        for (String id : BAD_IDS) {
            for (String path : List.of(
                    fw + "/api/v1/firmware/" + id,
                    fw + "/api/v1/firmware/" + id + "/content",
                    fw + "/download/" + id + "?gw=g&exp=1&sig=x",
                    pl + "/api/v1/plans/" + id,
                    pl + "/api/v1/plans/" + id + "/history",
                    pl + "/api/v1/plans/" + id + "/tasks",
                    pl + "/api/v1/plans/" + UUID.randomUUID() + "/tasks/" + id,
                    gw + "/api/v1/gateways/" + id,
                    gw + "/api/v1/gateways/" + id + "/sub-devices",
                    gw + "/api/v1/devices/" + id + "/" + id)) {
                attempts.add(new Attempt(
                        "GET " + abbreviate(path),
                        () -> given().urlEncodingEnabled(false).get(path)));
            }
            for (String path : List.of(
                    pl + "/api/v1/plans/" + id + "/activate",
                    pl + "/api/v1/plans/" + id + "/suspend",
                    pl + "/api/v1/plans/" + id + "/resume",
                    pl + "/api/v1/plans/" + id + "/devices/" + id + "/" + id + "/retry")) {
                attempts.add(new Attempt(
                        "POST " + abbreviate(path),
                        () -> given().urlEncodingEnabled(false).post(path)));
            }
            attempts.add(new Attempt(
                    "DELETE plan " + abbreviate(id),
                    () -> given().urlEncodingEnabled(false).delete(pl + "/api/v1/plans/" + id)));
            attempts.add(new Attempt(
                    "DELETE firmware " + abbreviate(id),
                    () -> given().urlEncodingEnabled(false).delete(fw + "/api/v1/firmware/" + id)));
        }
        // the manual-upgrade offers of a device: a well-formed unknown device has none (200 []), so only
        // keys that cannot be keys here
        for (String key : BAD_KEYS) {
            attempts.add(new Attempt(
                    "GET offers of " + abbreviate(key),
                    () -> given().urlEncodingEnabled(false)
                            .get(pl + "/api/v1/devices/" + key + "/" + key + "/upgrade")));
        }
        // hostile query parameters on every list
        List<String> paging = List.of(
                "page=-1",
                "page=abc",
                "size=0",
                "size=100000",
                "size=-5",
                "page=99999999999999999999",
                "size=1e3",
                "size=%00");
        Map<String, List<String>> lists = new LinkedHashMap<>();
        lists.put(
                fw + "/api/v1/firmware",
                List.of(
                        "productKey=%00",
                        "productKey=" + "p".repeat(5000), "version=%00", "productKey=%27%20OR%201=1--"));
        lists.put(
                pl + "/api/v1/plans",
                List.of(
                        "status=NOPE",
                        "status=%00",
                        "productKey=%00",
                        "productKey=" + "p".repeat(5000),
                        "productKey=%27%20OR%201=1--"));
        lists.put(pl + "/api/v1/plans/" + UUID.randomUUID() + "/tasks", List.of("state=NOPE"));
        lists.put(gw + "/api/v1/gateways", List.of("online=maybe", "online=%00"));
        for (var list : lists.entrySet()) {
            List<String> queries = new ArrayList<>(paging);
            queries.addAll(list.getValue());
            for (String q : queries) {
                String url = list.getKey() + "?" + q;
                attempts.add(new Attempt(
                        "GET " + abbreviate(url),
                        () -> given().urlEncodingEnabled(false).get(url)));
            }
        }
        // filters of a plan's tasks that cannot name anything
        String tasksOfAPlan = pl + "/api/v1/plans/" + planIdForFilters() + "/tasks?";
        for (String q : List.of(
                "state=NOPE", "gatewayId=%00", "deviceKey=%00", "gatewayId=a%20b", "deviceKey=" + "d".repeat(300))) {
            attempts.add(new Attempt(
                    "GET tasks " + abbreviate(q),
                    () -> given().urlEncodingEnabled(false).get(tasksOfAPlan + q)));
        }
        // bad uploads
        attempts.addAll(uploads(fw));
        // the registry: products, devices, imports and bindings
        attempts.addAll(registry(gw));

        int checked = 0;
        List<String> wrong = new ArrayList<>();
        for (Attempt a : attempts) {
            Response r = a.send().get();
            checked++;
            int status = r.statusCode();
            String type = r.contentType() == null ? "" : r.contentType();
            boolean ok = status >= 400 && status < 500 && type.startsWith("application/problem+json");
            if (!ok) {
                wrong.add(a.what() + " -> " + status + " " + type + " " + abbreviate(r.asString()));
            }
        }
        System.out.printf(
                "hostile REST: %d requests, %d answered other than 4xx problem+json%n", checked, wrong.size());
        assertThat(checked).isGreaterThanOrEqualTo(1_000);
        assertThat(wrong).as("answers that are not a 4xx problem+json").isEmpty();
        assertThat(total(platform.plan.baseUrl() + "/api/v1/plans"))
                .as("plans stored")
                .isEqualTo(plansBefore);
        assertThat(total(platform.firmware.baseUrl() + "/api/v1/firmware"))
                .as("firmware stored")
                .isEqualTo(firmwareBefore);
        assertThat(total(platform.gateway.baseUrl() + "/api/v1/products"))
                .as("products stored")
                .isEqualTo(productsBefore);
        assertThat(total(platform.gateway.baseUrl() + "/api/v1/devices"))
                .as("devices registered")
                .isEqualTo(devicesBefore);
    }

    /** A product of this test's: imports into it are attempted, none may register anything. */
    private static final String REGISTRY_PRODUCT = "hostile-registry";

    /** A row no import accepts: every import here is refused as a whole, whatever its other rows. */
    private static final String NEVER_VALID_ROW = "{\"deviceKey\":\"never valid\"}";

    private static List<Attempt> registry(String gw) {
        List<Attempt> attempts = new ArrayList<>();
        // product bodies: the node type is never valid, so no variation can store a product
        Map<String, String> product = new LinkedHashMap<>();
        product.put("productKey", "\"hostile-" + UUID.randomUUID().toString().substring(0, 8) + "\"");
        product.put("name", "\"hostile\"");
        product.put("nodeType", "\"ROUTER\"");
        product.put("bindPolicy", "\"SIGNED\"");
        product.put("dynamicRegistration", "false");
        for (String field : product.keySet()) {
            for (String bad : BAD_VALUES) {
                Map<String, String> body = new LinkedHashMap<>(product);
                body.put(field, bad);
                String json = json(body);
                attempts.add(new Attempt(
                        "POST product " + field + "=" + abbreviate(bad),
                        () -> jsonPost(gw + "/api/v1/products", json)));
                attempts.add(new Attempt(
                        "PATCH unknown product " + field + "=" + abbreviate(bad),
                        () -> given().contentType("application/json")
                                .body(json)
                                .patch(gw + "/api/v1/products/hostile-unknown-product")));
            }
        }
        String imports = gw + "/api/v1/products/" + REGISTRY_PRODUCT + "/devices:import";
        for (String body : NOT_JSON) {
            attempts.add(new Attempt("import body " + abbreviate(body), () -> jsonPost(imports, body)));
            attempts.add(new Attempt(
                    "POST device body " + abbreviate(body),
                    () -> jsonPost(gw + "/api/v1/products/" + REGISTRY_PRODUCT + "/devices", body)));
        }
        for (String bad : BAD_VALUES) {
            attempts.add(new Attempt(
                    "import row deviceKey=" + abbreviate(bad),
                    () -> jsonPost(
                            imports,
                            "[{\"deviceKey\":\"ok-" + UUID.randomUUID() + "\"},{\"deviceKey\":" + bad + "},"
                                    + NEVER_VALID_ROW + "]")));
            attempts.add(new Attempt(
                    "import row name=" + abbreviate(bad),
                    () -> jsonPost(
                            imports,
                            "[{\"deviceKey\":\"ok-" + UUID.randomUUID() + "\"},{\"deviceKey\":\"x\",\"name\":" + bad
                                    + "}," + NEVER_VALID_ROW + "]")));
        }
        for (String csv : List.of(
                "a b\n", "ok-1,name,extra\n", "\"open\n", "deviceKey,colour\nx,red\n", "dup\ndup\n", HUGE + "\n")) {
            attempts.add(new Attempt(
                    "import CSV " + abbreviate(csv),
                    () -> given().contentType("text/csv").body(csv).post(imports)));
        }
        attempts.add(new Attempt(
                "import CSV that is not UTF-8",
                () -> given().contentType("text/csv; charset=UTF-8")
                        .body(new byte[] {'a', (byte) 0xC3, (byte) 0x28, '\n'})
                        .post(imports)));
        attempts.add(new Attempt(
                "import CSV of an unknown charset",
                () -> given().contentType("text/csv; charset=klingon")
                        .body("a\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                        .post(imports)));
        attempts.add(new Attempt(
                "import as XML",
                () -> given().contentType("application/xml").body("<a/>").post(imports)));
        for (String id : BAD_IDS) {
            for (String path : List.of(
                    gw + "/api/v1/products/" + id,
                    gw + "/api/v1/devices/" + id + "/" + id,
                    gw + "/api/v1/devices/" + REGISTRY_PRODUCT + "/" + id)) {
                attempts.add(new Attempt(
                        "GET " + abbreviate(path),
                        () -> given().urlEncodingEnabled(false).get(path)));
                attempts.add(new Attempt(
                        "DELETE " + abbreviate(path),
                        () -> given().urlEncodingEnabled(false).delete(path)));
            }
            for (String path : List.of(
                    gw + "/api/v1/products/" + id + "/secret:rotate",
                    gw + "/api/v1/devices/" + REGISTRY_PRODUCT + "/" + id + "/secret:rotate",
                    gw + "/api/v1/products/" + id + "/devices:import")) {
                attempts.add(new Attempt(
                        "POST " + abbreviate(path),
                        () -> given().urlEncodingEnabled(false)
                                .contentType("application/json")
                                .body("[]")
                                .post(path)));
            }
            String binding = gw + "/api/v1/gateways/" + id + "/sub-devices/" + REGISTRY_PRODUCT + "/" + id;
            attempts.add(new Attempt(
                    "PUT " + abbreviate(binding),
                    () -> given().urlEncodingEnabled(false).put(binding)));
            attempts.add(new Attempt(
                    "DELETE " + abbreviate(binding),
                    () -> given().urlEncodingEnabled(false).delete(binding)));
        }
        for (String q : List.of(
                "productKey=%00",
                "productKey=a%20b",
                "gatewayId=%00",
                "online=maybe",
                "version=%00",
                "q=%00",
                "q=" + "q".repeat(300),
                "page=-1",
                "size=501")) {
            String url = gw + "/api/v1/devices?" + q;
            attempts.add(new Attempt(
                    "GET " + abbreviate(url),
                    () -> given().urlEncodingEnabled(false).get(url)));
        }
        for (String q : List.of("nodeType=ROUTER", "nodeType=%00", "size=0")) {
            String url = gw + "/api/v1/products?" + q;
            attempts.add(new Attempt(
                    "GET " + abbreviate(url),
                    () -> given().urlEncodingEnabled(false).get(url)));
        }
        return attempts;
    }

    private static List<Attempt> uploads(String fw) {
        List<Attempt> attempts = new ArrayList<>();
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("productKey", "hostile-product");
        fields.put("version", "1.0.0");
        fields.put("type", "FULL");
        fields.put("name", "hostile");
        List<String> badFieldValues =
                List.of("", HUGE, "../../etc/passwd", "DELTA", "FULLX", "\u0000", "a b c", "é".repeat(70));
        for (String field : List.of("productKey", "version", "type", "name", "sourceVersion", "sha256")) {
            for (String bad : badFieldValues) {
                attempts.add(new Attempt("upload " + field + "=" + abbreviate(bad), () -> {
                    RequestSpecification spec =
                            given().multiPart("file", "fw.bin", new byte[] {1, 2, 3}, "application/octet-stream");
                    Map<String, String> f = new LinkedHashMap<>(fields);
                    // a sha256 the bytes cannot match: no upload here may ever be stored
                    f.put("sha256", "0".repeat(64));
                    f.put(field, field.equals("sha256") && bad.isEmpty() ? "not-hex" : bad);
                    f.forEach(spec::multiPart);
                    return spec.post(fw + "/api/v1/firmware");
                }));
            }
            attempts.add(new Attempt("upload without " + field, () -> {
                RequestSpecification spec =
                        given().multiPart("file", "fw.bin", new byte[] {1, 2, 3}, "application/octet-stream");
                Map<String, String> f = new LinkedHashMap<>(fields);
                f.put("sha256", "0".repeat(64));
                f.remove(field);
                if (field.equals("sha256") || field.equals("sourceVersion")) {
                    f.put("type", "DELTA"); // a DELTA without its source version
                }
                f.forEach(spec::multiPart);
                return spec.post(fw + "/api/v1/firmware");
            }));
        }
        attempts.add(new Attempt("upload without a file", () -> {
            RequestSpecification spec = given().multiPart("productKey", "hostile-product");
            fields.forEach(spec::multiPart);
            return spec.post(fw + "/api/v1/firmware");
        }));
        attempts.add(new Attempt("upload as JSON", () -> jsonPost(fw + "/api/v1/firmware", "{\"productKey\":\"x\"}")));
        attempts.add(new Attempt(
                "upload as garbage multipart",
                () -> given().contentType("multipart/form-data; boundary=zzz")
                        .body("--zzz\r\nnonsense".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        .post(fw + "/api/v1/firmware")));
        return attempts;
    }

    /** A plan id for the task filters: unknown, so a filter that slipped through would still get 404. */
    private static String planIdForFilters() {
        return UUID.randomUUID().toString();
    }

    private static Map<String, String> validPlan() {
        Map<String, String> plan = new LinkedHashMap<>();
        plan.put("name", "\"hostile-" + UUID.randomUUID() + "\"");
        plan.put("productKey", "\"hostile-product\"");
        plan.put("firmwareId", "\"" + UUID.randomUUID() + "\""); // unknown: nothing can be stored
        plan.put("sourceVersions", "[\"1.0\"]");
        plan.put("mode", "\"SILENT\"");
        plan.put("whitelist", "[]");
        plan.put("blacklist", "[]");
        plan.put("timeZone", "\"Europe/Berlin\"");
        plan.put("startAt", "\"2026-12-01T00:00:00\"");
        plan.put("endAt", "\"2026-12-31T00:00:00\"");
        plan.put("pushWindows", "[{\"from\":\"02:00\",\"to\":\"05:00\"}]");
        plan.put("rolloutPerMinute", "100");
        plan.put("maxConcurrentPerGateway", "4");
        plan.put("failureThresholdPercent", "20");
        plan.put("failureThresholdMinSamples", "10");
        plan.put("retry", "{\"maxAttempts\":3,\"backoffSeconds\":60}");
        plan.put("ackTimeoutSeconds", "300");
        plan.put("taskTimeoutSeconds", "3600");
        plan.put("requireVerifiedFirmware", "false");
        plan.put("pushActively", "true");
        plan.put("repushAfterRejectMinutes", "120");
        plan.put("minBatteryPercent", "30");
        plan.put("minSignalDbm", "-90");
        plan.put("upgradeNotes", "{\"en\":\"notes\"}");
        return plan;
    }

    private static String json(Map<String, String> fields) {
        StringBuilder b = new StringBuilder("{");
        fields.forEach((k, v) -> b.append(b.length() > 1 ? "," : "")
                .append('"')
                .append(k)
                .append("\":")
                .append(v));
        return b.append('}').toString();
    }

    private static Response jsonPost(String url, String body) {
        return given().contentType("application/json").body(body).post(url);
    }

    private static long total(String url) {
        return given().get(url + "?size=1")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getLong("total");
    }

    private static String abbreviate(String s) {
        String flat = s.replaceAll("\\s+", " ");
        return flat.length() <= 60 ? flat : flat.substring(0, 57) + "...";
    }
}
