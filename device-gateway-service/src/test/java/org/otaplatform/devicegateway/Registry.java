package org.otaplatform.devicegateway;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.otaplatform.contract.SubDeviceProof;

/** The registry as the tests need it, through its REST API as an administrator. */
final class Registry {

    /**
     * The product of most tests: its sub-devices are bound by the first gateway that claims them, so a test
     * registers its sub-devices and lets its gateway's {@code hello} bind them.
     */
    static final String BULBS = "zb-bulb";

    private Registry() {}

    /** Creates the product unless it exists; returns its secret when this call issued one. */
    static String product(RequestSpecification on, String productKey, String policy, boolean dynamic) {
        var response = on.contentType(ContentType.JSON)
                .body(Map.of(
                        "productKey", productKey,
                        "name", productKey,
                        "nodeType", "SUB_DEVICE",
                        "bindPolicy", policy,
                        "dynamicRegistration", dynamic))
                .post("/api/v1/products")
                .then()
                .extract();
        if (response.statusCode() != 201 && response.statusCode() != 409) {
            throw new AssertionError("creating product " + productKey + ": " + response.asString());
        }
        return response.statusCode() == 201 ? response.path("productSecret") : null;
    }

    /** Registers the sub-devices; deviceKey → deviceSecret. */
    static Map<String, String> devices(RequestSpecification on, String productKey, List<String> deviceKeys) {
        var response = on.contentType(ContentType.JSON)
                .body(deviceKeys.stream().map(k -> Map.of("deviceKey", k)).toList())
                .post("/api/v1/products/" + productKey + "/devices:import")
                .then()
                .extract();
        if (response.statusCode() != 201) {
            throw new AssertionError("importing " + deviceKeys.size() + " devices: " + response.asString());
        }
        Map<String, String> secrets = new HashMap<>();
        List<Map<String, String>> items = response.jsonPath().getList("$");
        items.forEach(i -> secrets.put(i.get("deviceKey"), i.get("deviceSecret")));
        return secrets;
    }

    /** Registers bulbs (product {@link #BULBS}, first claim binds); deviceKey → deviceSecret. */
    static Map<String, String> bulbs(String... deviceKeys) {
        product(given(), BULBS, "FIRST_CLAIM", false);
        return devices(given(), BULBS, Arrays.asList(deviceKeys));
    }

    /** As {@link #bulbs(String...)}, on a service started as a process. */
    static Map<String, String> bulbsAt(String baseUri, List<String> deviceKeys) {
        product(given().baseUri(baseUri), BULBS, "FIRST_CLAIM", false);
        return devices(given().baseUri(baseUri), BULBS, deviceKeys);
    }

    /** A product whose sub-devices are bound only with a proof (or by an operator). */
    static String signedProduct(String productKey) {
        return product(given(), productKey, "SIGNED", false);
    }

    /** The {@code auth} object of a claim by {@code gatewayId}, made now with the device's secret. */
    static String auth(String gatewayId, String productKey, String deviceKey, String secret) {
        return auth(gatewayId, productKey, deviceKey, secret, System.currentTimeMillis());
    }

    static String auth(String gatewayId, String productKey, String deviceKey, String secret, long timestamp) {
        String sign =
                SubDeviceProof.sign(secret, SubDeviceProof.deviceText(gatewayId, productKey, deviceKey, timestamp));
        return "{\"timestamp\":" + timestamp + ",\"sign\":\"" + sign + "\"}";
    }

    /** The {@code auth} of a dynamic registration, made with the product's secret. */
    static String registration(String gatewayId, String productKey, String deviceKey, String productSecret) {
        long timestamp = System.currentTimeMillis();
        String sign = SubDeviceProof.sign(
                productSecret, SubDeviceProof.registrationText(gatewayId, productKey, deviceKey, timestamp));
        return "{\"timestamp\":" + timestamp + ",\"sign\":\"" + sign + "\"}";
    }

    /** deviceKeys prefixed by a gateway's id: {@code <gw>-<suffix>}. */
    static String[] keys(String gatewayId, String... suffixes) {
        return Arrays.stream(suffixes)
                .map(s -> gatewayId + "-" + s)
                .collect(Collectors.toList())
                .toArray(String[]::new);
    }
}
