package org.otaplatform.devicegateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The registry's REST API: products, devices, bulk imports, secrets issued once. */
@QuarkusTest
class RegistryTest {

    @Inject
    Pool pool;

    private static String product(String prefix) {
        return prefix + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    }

    private static ExtractableResponse<Response> createProduct(String body) {
        return given().contentType(ContentType.JSON)
                .body(body)
                .post("/api/v1/products")
                .then()
                .extract();
    }

    @Test
    void aProductWithDynamicRegistrationGetsItsSecretOnceAndNeverAgain() {
        String pk = product("dyn");
        var created = createProduct("{\"productKey\":\"" + pk
                + "\",\"name\":\"Door sensor\",\"nodeType\":\"SUB_DEVICE\"," + "\"dynamicRegistration\":true}");

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.header("Cache-Control")).isEqualTo("no-store");
        assertThat(created.<String>path("productSecret")).matches("[0-9a-f]{64}");
        assertThat(created.<String>path("bindPolicy")).isEqualTo("SIGNED");
        given().get("/api/v1/products/" + pk).then().statusCode(200).body("$", not(hasKey("productSecret")));
        String secret = created.path("productSecret");
        given().get("/api/v1/products?size=500").then().body("items.productSecret", not(hasItems(secret)));
        assertThat(Gateways.count(
                        pool,
                        "SELECT count(*) FROM product WHERE product_key = $1 AND position(convert_to($2, 'UTF8') in secret) > 0",
                        pk,
                        created.<String>path("productSecret")))
                .as("stored sealed, not in clear")
                .isZero();
    }

    @Test
    void aProductWithoutDynamicRegistrationHasNoSecret() {
        String pk = product("plain");
        var created = createProduct("{\"productKey\":\"" + pk + "\",\"name\":\"Bulb\",\"nodeType\":\"SUB_DEVICE\","
                + "\"bindPolicy\":\"FIRST_CLAIM\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.<String>path("productSecret")).isNull();
        assertThat(created.<String>path("bindPolicy")).isEqualTo("FIRST_CLAIM");
        given().post("/api/v1/products/" + pk + "/secret:rotate").then().statusCode(409);
    }

    @Test
    void anInvalidProductIsRefusedNamingEveryField() {
        var refused = createProduct(
                "{\"productKey\":\"bad key\",\"name\":\"\",\"nodeType\":\"ROUTER\"," + "\"bindPolicy\":\"ANYONE\"}");
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.jsonPath().getList("errors.field", String.class))
                .containsExactlyInAnyOrder("productKey", "name", "nodeType", "bindPolicy");
        var gatewayDynamic = createProduct("{\"productKey\":\"" + product("g") + "\",\"name\":\"G\","
                + "\"nodeType\":\"GATEWAY\",\"dynamicRegistration\":true}");
        assertThat(gatewayDynamic.statusCode()).isEqualTo(422);
        assertThat(gatewayDynamic.jsonPath().getList("errors.field", String.class))
                .containsExactly("dynamicRegistration");
    }

    @Test
    void aProductKeyIsTakenOnce() {
        String pk = product("dup");
        String body = "{\"productKey\":\"" + pk + "\",\"name\":\"A\",\"nodeType\":\"SUB_DEVICE\"}";
        assertThat(createProduct(body).statusCode()).isEqualTo(201);
        var again = createProduct(body);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.<String>path("code")).isEqualTo("CONFLICT");
    }

    @Test
    void patchingAProductTurnsDynamicRegistrationOnWithANewSecretAndOffWithout() {
        String pk = product("patch");
        createProduct("{\"productKey\":\"" + pk + "\",\"name\":\"A\",\"nodeType\":\"SUB_DEVICE\"}");

        given().contentType(ContentType.JSON)
                .body("{\"name\":\"Renamed\",\"bindPolicy\":\"FIRST_CLAIM\",\"dynamicRegistration\":true}")
                .patch("/api/v1/products/" + pk)
                .then()
                .statusCode(200)
                .body("name", equalTo("Renamed"))
                .body("bindPolicy", equalTo("FIRST_CLAIM"))
                .body("productSecret", matchesPattern("[0-9a-f]{64}"));
        given().contentType(ContentType.JSON)
                .body("{\"name\":\"Again\"}")
                .patch("/api/v1/products/" + pk)
                .then()
                .statusCode(200)
                .body("$", not(hasKey("productSecret")))
                .body("dynamicRegistration", equalTo(true));
        given().contentType(ContentType.JSON)
                .body("{\"nodeType\":\"GATEWAY\"}")
                .patch("/api/v1/products/" + pk)
                .then()
                .statusCode(422)
                .body("errors[0].field", equalTo("nodeType"));
        given().contentType(ContentType.JSON)
                .body("{\"dynamicRegistration\":false}")
                .patch("/api/v1/products/" + pk)
                .then()
                .statusCode(200);
        assertThat(Gateways.count(pool, "SELECT count(*) FROM product WHERE product_key = $1 AND secret IS NULL", pk))
                .as("its secret forgotten")
                .isEqualTo(1);
    }

    @Test
    void aProductWithDevicesCannotBeDeleted() {
        String pk = product("del");
        createProduct("{\"productKey\":\"" + pk + "\",\"name\":\"A\",\"nodeType\":\"SUB_DEVICE\"}");
        register(pk, "d1");

        given().delete("/api/v1/products/" + pk).then().statusCode(409).body("detail", containsString("1 registered"));
        given().delete("/api/v1/devices/" + pk + "/d1").then().statusCode(204);
        given().delete("/api/v1/products/" + pk).then().statusCode(204);
        given().get("/api/v1/products/" + pk).then().statusCode(404);
    }

    @Test
    void aDeviceGetsItsSecretOnceWhichIsNeverListedOrLogged() {
        String pk = product("one");
        createProduct("{\"productKey\":\"" + pk + "\",\"name\":\"A\",\"nodeType\":\"SUB_DEVICE\"}");

        var created = given().contentType(ContentType.JSON)
                .body("{\"deviceKey\":\"00:17:88:01:0a\",\"name\":\"Kitchen bulb\"}")
                .post("/api/v1/products/" + pk + "/devices")
                .then()
                .statusCode(201)
                .header("Cache-Control", "no-store")
                .body("deviceSecret", matchesPattern("[0-9a-f]{64}"))
                .extract();

        given().get("/api/v1/devices/" + pk + "/00:17:88:01:0a")
                .then()
                .statusCode(200)
                .body("name", equalTo("Kitchen bulb"))
                .body("gatewayId", nullValue())
                .body("attached", equalTo(false))
                .body("registeredAt", not(nullValue()))
                .body("$", not(hasKey("deviceSecret")));
        given().get("/api/v1/devices?productKey=" + pk)
                .then()
                .body("total", equalTo(1))
                .body("items[0]", not(hasKey("deviceSecret")));
        given().contentType(ContentType.JSON)
                .body("{\"deviceKey\":\"00:17:88:01:0a\"}")
                .post("/api/v1/products/" + pk + "/devices")
                .then()
                .statusCode(409);
        String rotated = given().post("/api/v1/devices/" + pk + "/00:17:88:01:0a/secret:rotate")
                .then()
                .statusCode(200)
                .header("Cache-Control", "no-store")
                .extract()
                .path("deviceSecret");
        assertThat(rotated).matches("[0-9a-f]{64}").isNotEqualTo(created.path("deviceSecret"));
        given().post("/api/v1/devices/" + pk + "/nobody/secret:rotate").then().statusCode(404);
    }

    @Test
    void aDeviceOfAnUnknownProductOrWithABadKeyOrNameIsRefused() {
        given().contentType(ContentType.JSON)
                .body("{\"deviceKey\":\"d1\"}")
                .post("/api/v1/products/" + product("none") + "/devices")
                .then()
                .statusCode(404);
        String pk = product("rules");
        createProduct("{\"productKey\":\"" + pk + "\",\"name\":\"A\",\"nodeType\":\"SUB_DEVICE\"}");
        given().contentType(ContentType.JSON)
                .body("{\"deviceKey\":\"has space\",\"name\":\"" + "n".repeat(101) + "\"}")
                .post("/api/v1/products/" + pk + "/devices")
                .then()
                .statusCode(422)
                .body("errors.field", hasItems("deviceKey", "name"));
    }

    /** {@code .} and {@code ..} name another path segment or topic level: never a key or gateway id (issue #35). */
    @Test
    void dotAndDotDotAreRefusedAsDeviceKeysAndGatewayIds() {
        String pk = product("dots");
        createProduct("{\"productKey\":\"" + pk + "\",\"name\":\"A\",\"nodeType\":\"SUB_DEVICE\"}");
        String gp = product("dotsgw");
        createProduct("{\"productKey\":\"" + gp + "\",\"name\":\"G\",\"nodeType\":\"GATEWAY\"}");
        for (String dots : List.of(".", "..")) {
            for (String product : List.of(pk, gp)) {
                given().contentType(ContentType.JSON)
                        .body("{\"deviceKey\":\"" + dots + "\"}")
                        .post("/api/v1/products/" + product + "/devices")
                        .then()
                        .statusCode(422)
                        .body("errors[0].field", equalTo("deviceKey"))
                        .body("errors[0].message", org.hamcrest.Matchers.containsString("not . or .."));
            }
            given().contentType(ContentType.JSON)
                    .body("[{\"deviceKey\":\"ok\"},{\"deviceKey\":\"" + dots + "\"}]")
                    .post("/api/v1/products/" + pk + "/devices:import")
                    .then()
                    .statusCode(422);
        }
        given().get("/api/v1/devices?productKey=" + pk).then().body("total", equalTo(0));
        // a key with dots among other characters is fine
        given().contentType(ContentType.JSON)
                .body("{\"deviceKey\":\"...\"}")
                .post("/api/v1/products/" + pk + "/devices")
                .then()
                .statusCode(201);
    }

    @Test
    void anImportRegistersEveryRowWithItsSecretInTheOrderGiven() {
        String pk = product("imp");
        createProduct("{\"productKey\":\"" + pk + "\",\"name\":\"A\",\"nodeType\":\"SUB_DEVICE\"}");
        List<Map<String, String>> rows = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            rows.add(Map.of("deviceKey", "dev-" + i, "name", "Device " + i));
        }

        var imported = given().contentType(ContentType.JSON)
                .body(rows)
                .post("/api/v1/products/" + pk + "/devices:import")
                .then()
                .statusCode(201)
                .header("Cache-Control", "no-store")
                .extract()
                .jsonPath();

        assertThat(imported.getList("deviceKey", String.class)).hasSize(500).startsWith("dev-0", "dev-1");
        assertThat(imported.getList("deviceSecret", String.class))
                .allMatch(s -> s.matches("[0-9a-f]{64}"))
                .doesNotHaveDuplicates();
        given().get("/api/v1/devices?productKey=" + pk + "&size=1").then().body("total", equalTo(500));
        given().get("/api/v1/products/" + pk).then().body("deviceCount", equalTo(500));
    }

    @Test
    void anImportOverTheLimitIsRefusedWhole() {
        String pk = product("big");
        createProduct("{\"productKey\":\"" + pk + "\",\"name\":\"A\",\"nodeType\":\"SUB_DEVICE\"}");
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i <= 500; i++) {
            csv.append("dev-").append(i).append('\n');
        }
        given().contentType("text/csv")
                .body(csv.toString())
                .post("/api/v1/products/" + pk + "/devices:import")
                .then()
                .statusCode(422)
                .body("errors[0].field", equalTo("rows"))
                .body("errors[0].message", containsString("at most 500"));
        given().get("/api/v1/devices?productKey=" + pk).then().body("total", equalTo(0));
    }

    @Test
    void anImportWithBadRowsNamesEveryOneAndRegistersNothing() {
        String pk = product("bad");
        createProduct("{\"productKey\":\"" + pk + "\",\"name\":\"A\",\"nodeType\":\"SUB_DEVICE\"}");
        register(pk, "taken");
        String body = "[{\"deviceKey\":\"ok-1\"},{\"deviceKey\":\"has space\"},{\"deviceKey\":\"ok-1\"},"
                + "{\"name\":\"no key\"},{\"deviceKey\":\"ok-2\",\"name\":\"" + "n".repeat(101) + "\"},"
                + "{\"deviceKey\":7},\"text\",{\"deviceKey\":\"" + "k".repeat(129) + "\"}]";

        var refused = given().contentType(ContentType.JSON)
                .body(body)
                .post("/api/v1/products/" + pk + "/devices:import")
                .then()
                .statusCode(422)
                .extract()
                .jsonPath();

        assertThat(refused.getList("errors.field", String.class))
                .containsExactly(
                        "[1].deviceKey",
                        "[2].deviceKey",
                        "[3].deviceKey",
                        "[4].name",
                        "[5].deviceKey",
                        "[6]",
                        "[7].deviceKey");
        assertThat(refused.getString("errors[1].message"))
                .contains("appears twice")
                .contains("[0]");
        given().get("/api/v1/devices?productKey=" + pk).then().body("total", equalTo(1));

        var existing = given().contentType(ContentType.JSON)
                .body("[{\"deviceKey\":\"new-1\"},{\"deviceKey\":\"taken\"}]")
                .post("/api/v1/products/" + pk + "/devices:import")
                .then()
                .statusCode(422)
                .extract()
                .jsonPath();
        assertThat(existing.getList("errors.field", String.class)).containsExactly("[1].deviceKey");
        assertThat(existing.getString("errors[0].message")).contains("registered already");
        given().get("/api/v1/devices?productKey=" + pk).then().body("total", equalTo(1));
    }

    /** The CSV answer sits beside the secrets in a spreadsheet: a name it would run as a formula is text. */
    @Test
    void aCsvAnswerNeutralisesNamesASpreadsheetWouldRunAsFormulas() {
        String pk = product("formula");
        createProduct("{\"productKey\":\"" + pk + "\",\"name\":\"A\",\"nodeType\":\"SUB_DEVICE\"}");
        String csv = given().contentType(ContentType.JSON)
                .accept("text/csv")
                .body(List.of(
                        Map.of("deviceKey", "f-1", "name", "=HYPERLINK(\"http://evil.example\",\"x\")"),
                        Map.of("deviceKey", "f-2", "name", "+1+1"),
                        Map.of("deviceKey", "f-3", "name", "-2"),
                        Map.of("deviceKey", "f-4", "name", "@SUM(A1)"),
                        Map.of("deviceKey", "f-5", "name", "Hall = upstairs")))
                .post("/api/v1/products/" + pk + "/devices:import")
                .then()
                .statusCode(201)
                .extract()
                .asString();
        String[] lines = csv.split("\r\n");
        assertThat(lines[1]).startsWith(pk + ",f-1,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",");
        assertThat(lines[2]).startsWith(pk + ",f-2,\"'+1+1\",");
        assertThat(lines[3]).startsWith(pk + ",f-3,\"'-2\",");
        assertThat(lines[4]).startsWith(pk + ",f-4,\"'@SUM(A1)\",");
        assertThat(lines[5]).startsWith(pk + ",f-5,\"Hall = upstairs\",");
        // the registry keeps the names as given
        given().get("/api/v1/devices/" + pk + "/f-2").then().body("name", equalTo("+1+1"));
    }

    @Test
    void aCsvImportAnswersInCsvOrJsonAfterAccept() {
        String pk = product("csv");
        createProduct("{\"productKey\":\"" + pk + "\",\"name\":\"A\",\"nodeType\":\"SUB_DEVICE\"}");

        String csv = given().contentType("text/csv; charset=UTF-8")
                .body("\uFEFFname,deviceKey\r\n\"Hall, upstairs\",c-1\r\n\r\n,c-2\r\n")
                .post("/api/v1/products/" + pk + "/devices:import")
                .then()
                .statusCode(201)
                .contentType(containsString("text/csv"))
                .extract()
                .asString();
        String[] lines = csv.split("\r\n");
        assertThat(lines[0]).isEqualTo("productKey,deviceKey,name,deviceSecret");
        assertThat(lines[1]).matches(pk + ",c-1,\"Hall, upstairs\",[0-9a-f]{64}");
        assertThat(lines[2]).matches(pk + ",c-2,,[0-9a-f]{64}");

        given().contentType("text/csv")
                .accept(ContentType.JSON)
                .body("c-3\nc-4,Porch\n")
                .post("/api/v1/products/" + pk + "/devices:import")
                .then()
                .statusCode(201)
                .body("deviceKey", org.hamcrest.Matchers.contains("c-3", "c-4"))
                .body("[1].name", equalTo("Porch"));

        given().contentType("text/csv")
                .body("c-5,a,b\n\"open\n")
                .post("/api/v1/products/" + pk + "/devices:import")
                .then()
                .statusCode(422)
                .body("errors.field", org.hamcrest.Matchers.contains("line 1", "line 2"));
    }

    @Test
    void anImportThatIsNotJsonIsMalformed() {
        String pk = product("nojson");
        createProduct("{\"productKey\":\"" + pk + "\",\"name\":\"A\",\"nodeType\":\"SUB_DEVICE\"}");
        for (String body : List.of("{\"deviceKey\":\"a\"}", "[{\"deviceKey\":\"a\"", "not json", "[] []")) {
            given().contentType(ContentType.JSON)
                    .body(body)
                    .post("/api/v1/products/" + pk + "/devices:import")
                    .then()
                    .statusCode(400)
                    .contentType(containsString("application/problem+json"));
        }
        given().contentType(ContentType.JSON)
                .body("[]")
                .post("/api/v1/products/" + pk + "/devices:import")
                .then()
                .statusCode(422);
        given().contentType(ContentType.XML)
                .body("<a/>")
                .post("/api/v1/products/" + pk + "/devices:import")
                .then()
                .statusCode(415);
    }

    /** {@code GET /api/v1/devices?filter=}: the REST API's filter language; a bad filter is a 422 saying where. */
    @Test
    void theDeviceListTakesAFilter() {
        String pk = product("flt");
        createProduct("{\"productKey\":\"" + pk + "\",\"name\":\"A\",\"nodeType\":\"SUB_DEVICE\"}");
        given().contentType(ContentType.JSON)
                .body("[{\"deviceKey\":\"kitchen-1\",\"name\":\"Kitchen; north\"},{\"deviceKey\":\"kitchen-2\"},"
                        + "{\"deviceKey\":\"hall-1\",\"name\":\"50% off_\"}]")
                .post("/api/v1/products/" + pk + "/devices:import")
                .then()
                .statusCode(201);

        given().queryParam("filter", "productKey==" + pk + ";deviceKey==kitchen-*")
                .get("/api/v1/devices")
                .then()
                .statusCode(200)
                .body("total", equalTo(2))
                .body("items.deviceKey", hasItems("kitchen-1", "kitchen-2"));
        given().queryParam("filter", "productKey==" + pk + ";(name==\"Kitchen; north\",name==50%*)")
                .get("/api/v1/devices")
                .then()
                .body("total", equalTo(2))
                .body("items.deviceKey", hasItems("kitchen-1", "hall-1"));
        // a name without the value (null) is "not equal"; % and _ are no wildcards
        given().queryParam("filter", "productKey==" + pk + ";name!=\"Kitchen; north\";name!=5_*")
                .get("/api/v1/devices")
                .then()
                .body("total", equalTo(2));
        given().queryParam(
                        "filter",
                        "productKey==" + pk + ";registeredAt>2020-01-01T00:00:00Z;online==false;version=out=(9)")
                .get("/api/v1/devices")
                .then()
                .body("total", equalTo(3));
        given().queryParam("filter", "productKey=in=(" + pk + ",other);deviceKey=='x\\' OR \\'1\\'=\\'1'")
                .get("/api/v1/devices")
                .then()
                .statusCode(200)
                .body("total", equalTo(0));

        var refused = given().queryParam("filter", "productKey==" + pk + ";colour==red")
                .get("/api/v1/devices")
                .then()
                .statusCode(422)
                .contentType(containsString("application/problem+json"))
                .extract();
        assertThat(refused.jsonPath().getString("errors[0].field")).isEqualTo("filter");
        assertThat(refused.jsonPath().getString("errors[0].message"))
                .contains("at position " + ("productKey==" + pk + ";").length(), "unknown field 'colour'");
        given().queryParam("filter", "version>1.0.0")
                .get("/api/v1/devices")
                .then()
                .statusCode(422)
                .body("errors[0].message", containsString("cannot be ordered in this list"));
    }

    @Test
    void aGatewayIsRegisteredByItsGatewayIdAndListedOfflineUntilItConnects() {
        String pk = product("gw");
        createProduct("{\"productKey\":\"" + pk + "\",\"name\":\"Hub\",\"nodeType\":\"GATEWAY\"}");
        String gatewayId = Gateways.id("gw-reg");

        given().contentType(ContentType.JSON)
                .body("{\"deviceKey\":\"" + gatewayId + "\"}")
                .post("/api/v1/products/" + pk + "/devices")
                .then()
                .statusCode(201);
        given().contentType(ContentType.JSON)
                .body("[{\"deviceKey\":\"has:colon\"}]")
                .post("/api/v1/products/" + pk + "/devices:import")
                .then()
                .statusCode(422)
                .body("errors[0].message", containsString("gatewayId"));

        given().get("/api/v1/gateways/" + gatewayId)
                .then()
                .statusCode(200)
                .body("online", equalTo(false))
                .body("connectedAt", nullValue())
                .body("productKey", equalTo(pk));
        given().get("/api/v1/devices/" + pk + "/" + gatewayId).then().body("nodeType", equalTo("GATEWAY"));
        String other = product("gw2");
        createProduct("{\"productKey\":\"" + other + "\",\"name\":\"Hub 2\",\"nodeType\":\"GATEWAY\"}");
        given().contentType(ContentType.JSON)
                .body("{\"deviceKey\":\"" + gatewayId + "\"}")
                .post("/api/v1/products/" + other + "/devices")
                .then()
                .statusCode(409);
    }

    @Test
    void theDeviceListFiltersAndPages() {
        String pk = product("list");
        createProduct("{\"productKey\":\"" + pk + "\",\"name\":\"A\",\"nodeType\":\"SUB_DEVICE\"}");
        given().contentType(ContentType.JSON)
                .body("[{\"deviceKey\":\"l-1\",\"name\":\"Living room\"},{\"deviceKey\":\"l-2\",\"name\":\"Hall\"},"
                        + "{\"deviceKey\":\"x_3%\"}]")
                .post("/api/v1/products/" + pk + "/devices:import")
                .then()
                .statusCode(422);
        given().contentType(ContentType.JSON)
                .body("[{\"deviceKey\":\"l-1\",\"name\":\"Living room\"},{\"deviceKey\":\"l-2\",\"name\":\"Hall\"},"
                        + "{\"deviceKey\":\"x_3\"}]")
                .post("/api/v1/products/" + pk + "/devices:import")
                .then()
                .statusCode(201);

        given().get("/api/v1/devices?productKey=" + pk + "&q=LIVING").then().body("items.deviceKey", hasItems("l-1"));
        given().get("/api/v1/devices?productKey=" + pk + "&q=_").then().body("total", equalTo(1));
        given().get("/api/v1/devices?productKey=" + pk + "&size=2&page=1")
                .then()
                .body("items.deviceKey", org.hamcrest.Matchers.contains("x_3"))
                .body("total", equalTo(3))
                .body("page", equalTo(1));
        given().get("/api/v1/devices?productKey=" + pk + "&online=true").then().body("total", equalTo(0));
        given().get("/api/v1/devices?productKey=bad%20key").then().statusCode(422);
        given().get("/api/v1/devices?online=maybe").then().statusCode(422);
    }

    private static void register(String pk, String... keys) {
        Registry.devices(given(), pk, List.of(keys));
    }
}
