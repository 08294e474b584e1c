package org.otaplatform.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Registers a fleet the way an operator does, through device-gateway-service's registry API: the
 * sub-devices' product (bound only with a proof), every sub-device in one bulk import, and the gateways'
 * product and gateways. Returns each sub-device's secret, with which the simulated gateways sign their
 * claims. A sub-device registered by an earlier run gets a new secret ({@code secret:rotate}): secrets are
 * shown only once.
 */
public final class Registration {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    private final String baseUrl;
    private final String token;

    /**
     * @param baseUrl device-gateway-service, e.g. {@code http://127.0.0.1:8083}
     * @param token a bearer token of an administrator (empty: none)
     */
    public Registration(String baseUrl, String token) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.token = token == null ? "" : token.strip();
    }

    /** Registers the fleet of {@code options}; deviceKey → deviceSecret of every sub-device. */
    public Map<String, String> fleet(Options options) throws IOException, InterruptedException {
        product(options.gatewayProductKey(), "GATEWAY", "SIGNED");
        List<String> gateways = new ArrayList<>();
        List<String> devices = new ArrayList<>();
        for (int g = 0; g < options.gateways(); g++) {
            String gatewayId = options.gatewayId(g);
            gateways.add(gatewayId);
            for (int d = 0; d < options.devicesPerGateway(); d++) {
                devices.add(Options.deviceKey(gatewayId, d));
            }
        }
        devices(options.gatewayProductKey(), gateways);
        product(options.productKey(), "SUB_DEVICE", "SIGNED");
        return devices(options.productKey(), devices);
    }

    /** Creates the product unless it exists. */
    public void product(String productKey, String nodeType, String bindPolicy)
            throws IOException, InterruptedException {
        HttpResponse<String> r = send(
                "POST",
                "/api/v1/products",
                "application/json",
                JSON.createObjectNode()
                        .put("productKey", productKey)
                        .put("name", productKey)
                        .put("nodeType", nodeType)
                        .put("bindPolicy", bindPolicy)
                        // versions the platform can order: a package may need a minimum gateway
                        .put("versionScheme", "SEMVER")
                        .toString());
        if (r.statusCode() == 409) {
            // made by an earlier run, perhaps before version schemes: SEMVER from now on (refused, it stays)
            send("PATCH", "/api/v1/products/" + productKey, "application/json", "{\"versionScheme\":\"SEMVER\"}");
        }
        if (r.statusCode() != 201 && r.statusCode() != 409) {
            throw new IllegalStateException(
                    "creating product " + productKey + " answered " + r.statusCode() + ": " + r.body());
        }
    }

    /**
     * Registers the devices in one import (those registered already get a new secret instead); deviceKey →
     * deviceSecret.
     */
    public Map<String, String> devices(String productKey, List<String> deviceKeys)
            throws IOException, InterruptedException {
        Map<String, String> secrets = new LinkedHashMap<>();
        if (deviceKeys.isEmpty()) {
            return secrets;
        }
        HttpResponse<String> r = importAll(productKey, deviceKeys);
        if (r.statusCode() == 422) {
            Set<String> taken = registeredAlready(r.body(), deviceKeys);
            List<String> fresh =
                    deviceKeys.stream().filter(k -> !taken.contains(k)).toList();
            if (!fresh.isEmpty()) {
                r = importAll(productKey, fresh);
            }
            for (String key : taken) {
                secrets.put(key, rotate(productKey, key));
            }
            if (fresh.isEmpty()) {
                return secrets;
            }
        }
        if (r.statusCode() != 201) {
            throw new IllegalStateException("importing " + deviceKeys.size() + " devices of " + productKey
                    + " answered " + r.statusCode() + ": " + abbreviate(r.body()));
        }
        for (JsonNode device : JSON.readTree(r.body())) {
            secrets.put(
                    device.get("deviceKey").asText(), device.get("deviceSecret").asText());
        }
        return secrets;
    }

    private HttpResponse<String> importAll(String productKey, List<String> deviceKeys)
            throws IOException, InterruptedException {
        ArrayNode rows = JSON.createArrayNode();
        deviceKeys.forEach(k -> rows.addObject().put("deviceKey", k));
        return send(
                "POST", "/api/v1/products/" + enc(productKey) + "/devices:import", "application/json", rows.toString());
    }

    /** The keys a 422 answer names as registered already (rows {@code [i].deviceKey}); fails on any other fault. */
    private static Set<String> registeredAlready(String problem, List<String> deviceKeys) throws IOException {
        Set<String> taken = new HashSet<>();
        for (JsonNode error : JSON.readTree(problem).path("errors")) {
            String field = error.path("field").asText();
            if (!error.path("message").asText().contains("registered already") || !field.startsWith("[")) {
                throw new IllegalStateException("the import was refused: " + abbreviate(problem));
            }
            taken.add(deviceKeys.get(Integer.parseInt(field.substring(1, field.indexOf(']')))));
        }
        return taken;
    }

    private String rotate(String productKey, String deviceKey) throws IOException, InterruptedException {
        HttpResponse<String> r = send(
                "POST", "/api/v1/devices/" + enc(productKey) + "/" + enc(deviceKey) + "/secret:rotate", null, null);
        if (r.statusCode() != 200) {
            throw new IllegalStateException(
                    "rotating the secret of " + deviceKey + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body()).get("deviceSecret").asText();
    }

    private HttpResponse<String> send(String method, String path, String contentType, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofMinutes(2))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (!token.isEmpty()) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String text) {
        return text.length() <= 500 ? text : text.substring(0, 497) + "...";
    }
}
