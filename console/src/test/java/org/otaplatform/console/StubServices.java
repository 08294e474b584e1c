package org.otaplatform.console;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.otaplatform.testkit.JwtTokens;

/**
 * firmware-service and plan-service as the console sees them, answered by one small HTTP server with
 * canned JSON, counting what the console asks; device-gateway-service is an address nobody answers on.
 * For the console's own tests: the whole platform runs in e2e-tests' ConsoleIT.
 */
public class StubServices implements QuarkusTestResourceLifecycleManager {

    public static final String PLAN = "11111111-2222-3333-4444-555555555555";
    public static final String DRAFT = "11111111-2222-3333-4444-000000000000";
    /** Read only by the test of live reads. */
    public static final String WATCHED = "77777777-2222-3333-4444-555555555555";

    public static final String SECRET_PLAN = "99999999-2222-3333-4444-555555555555";
    /** A plan of a GATEWAY product: it upgrades the gateways' own firmware. */
    public static final String GATEWAY_PLAN = "66666666-2222-3333-4444-555555555555";
    /** A firmware package, for its verification form. */
    public static final String FIRMWARE = "88888888-2222-3333-4444-555555555555";

    /** A plan with a canary wave that waits for approval. */
    public static final String WAVED = "55555555-2222-3333-4444-555555555555";

    /** Requests by "METHOD path". */
    public static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();
    /** The Authorization and Cookie headers of every request, in order. */
    public static final List<String> HEADERS = new CopyOnWriteArrayList<>();

    private Vertx vertx;
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        try {
            server = vertx.createHttpServer()
                    .requestHandler(StubServices::answer)
                    .listen(0, "127.0.0.1")
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the stub services did not start", e);
        }
        String url = "http://127.0.0.1:" + server.actualPort();
        return Map.of(
                "ota.console.firmware-url",
                url,
                "ota.console.plan-url",
                url,
                "ota.console.device-gateway-url",
                url,
                "ota.console.live-interval",
                "3s",
                "mp.jwt.verify.publickey",
                JwtTokens.devOnly().publicKeyPem());
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close();
        }
    }

    public static int calls(String request) {
        AtomicInteger n = CALLS.get(request);
        return n == null ? 0 : n.get();
    }

    private static void answer(HttpServerRequest request) {
        String key = request.method() + " " + request.path();
        CALLS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        HEADERS.add(key + " authorization=" + request.getHeader("Authorization") + " cookie="
                + request.getHeader("Cookie"));
        if (key.equals("GET /api/v1/gateways")) {
            // a service that does not answer: the connection ends without a reply
            request.connection().close();
            return;
        }
        request.body().onSuccess(body -> {
            if (key.equals("POST /api/v1/plans:preview")) {
                preview(request, body.toString());
            } else if (key.equals("GET /api/v1/devices")) {
                devices(request);
            } else if (key.equals("PATCH /api/v1/devices/thermo/t-1")
                    || key.equals("POST /api/v1/firmware/" + FIRMWARE + "/verification")) {
                // the registry's PATCH, firmware-service's verification: the body kept, a plain answer
                SENT.add(key + " " + body);
                json(request, key.startsWith("PATCH") ? 200 : 202, new JsonObject().put("id", "x"));
            } else if (key.equals("POST /api/v1/products/thermo/devices:tag")) {
                JsonObject tagging = new JsonObject(body.toString());
                TAGGINGS.add(tagging);
                json(request, 200, new JsonObject().put("matched", 2).put("changed", 1));
            } else if (key.equals("POST /api/v1/groups")) {
                // like plan-service: a taken name is named, any other group created
                JsonObject group = new JsonObject(body.toString());
                if ("taken".equals(group.getString("name"))) {
                    problem(
                            request,
                            422,
                            "VALIDATION_FAILED",
                            "1 field is invalid",
                            new JsonArray()
                                    .add(new JsonObject()
                                            .put("field", "name")
                                            .put("message", "is taken: a group named 'taken' exists already")));
                } else {
                    json(request, 201, group.put("count", 3));
                }
            } else {
                route(request, key);
            }
        });
    }

    /** The registry PATCHes and verification requests the console sent, as {@code METHOD path body}. */
    static final java.util.List<String> SENT = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** The bodies of {@code devices:tag} calls, in order. */
    static final java.util.List<JsonObject> TAGGINGS = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Like the registry's list: a filter "bad…" is refused with its position, any other answers two devices. */
    private static void devices(HttpServerRequest request) {
        String filter = request.getParam("filter");
        if (filter != null && filter.startsWith("bad")) {
            problem(
                    request,
                    422,
                    "VALIDATION_FAILED",
                    "filter: at position 4: expected a comparison operator (==, !=, =in=, =out=, <, <=, >, >=)",
                    new JsonArray()
                            .add(new JsonObject()
                                    .put("field", "filter")
                                    .put("message", "at position 4: expected a comparison operator")));
            return;
        }
        JsonArray items = new JsonArray();
        for (String key : java.util.List.of("t-1", "t-2")) {
            items.add(new JsonObject()
                    .put("productKey", "thermo")
                    .put("deviceKey", key)
                    .put("nodeType", "SUB_DEVICE")
                    .put("version", "1.0.0")
                    .put("hardwareRevision", "B")
                    .put("tags", new JsonObject().put("site", "hamburg"))
                    .put("gatewayId", "gw-7")
                    .put("attached", true)
                    .put("online", true));
        }
        json(request, 200, page(items));
    }

    /** Like plan-service's preview: a filter "bad…" is refused with its position, any other counted. */
    private static void preview(HttpServerRequest request, String body) {
        JsonObject plan = new JsonObject(body);
        String filter = plan.getJsonObject("target", new JsonObject()).getString("filter", "");
        if (filter.startsWith("bad")) {
            problem(
                    request,
                    422,
                    "VALIDATION_FAILED",
                    "1 field is invalid",
                    new JsonArray()
                            .add(new JsonObject()
                                    .put("field", "target.filter")
                                    .put("message", "at position 3: a comparison operator is missing")));
            return;
        }
        json(
                request,
                200,
                new JsonObject()
                        .put("targeted", 120)
                        .put("upToDate", 10)
                        .put("downgradesRefused", 0)
                        .put("incompatible", 30)
                        .put("onHold", 2)
                        .put("waitingForGatewayVersion", 0)
                        .put("willUpgrade", 78)
                        .put("productDevices", filter.isEmpty() ? 120 : 1000)
                        .put("byWave", new JsonArray())
                        .put(
                                "sample",
                                new JsonArray()
                                        .add(new JsonObject()
                                                .put("productKey", "thermo")
                                                .put("deviceKey", "t-0001")
                                                .put("version", "1.0.0")
                                                .put("hardwareRevision", "B")
                                                .put("gatewayId", "gw-1")))
                        .put(
                                "leftAlone",
                                new JsonArray()
                                        .add(new JsonObject()
                                                .put("productKey", "thermo")
                                                .put("deviceKey", "t-0002")
                                                .put("version", "1.0.0")
                                                .put("hardwareRevision", "A")
                                                .put("gatewayId", "gw-1")
                                                .put("reason", "INCOMPATIBLE"))));
    }

    private static void route(HttpServerRequest request, String key) {
        if (key.startsWith("GET /api/v1/plans/" + SECRET_PLAN)) {
            // like plan-service: the plan and everything under it (stats, tasks, ...) refused alike, so the
            // page's parallel reads fail the same way whichever answers first
            problem(request, 403, "FORBIDDEN", "not for this token");
            return;
        }
        switch (key) {
            case "GET /api/v1/plans/" + PLAN ->
                json(
                        request,
                        200,
                        plan(PLAN, "ACTIVE")
                                .put(
                                        "target",
                                        new JsonObject()
                                                .put("filter", "hardwareRevision==B")
                                                .put("groups", new JsonArray().add("hamburg")))
                                .put("membership", "FROZEN")
                                .put(
                                        "targetRecorded",
                                        new JsonObject()
                                                .put("membership", "FROZEN")
                                                .put("filter", "hardwareRevision==B")
                                                .put("matched", 1234)
                                                .put("recordedAt", "2026-12-02T03:00:00Z")));
            case "GET /api/v1/plans/" + GATEWAY_PLAN ->
                json(request, 200, plan(GATEWAY_PLAN, "ACTIVE").put("nodeType", "GATEWAY"));
            case "GET /api/v1/plans/" + DRAFT -> json(request, 200, plan(DRAFT, "DRAFT"));
            case "GET /api/v1/plans/" + WATCHED -> json(request, 200, plan(WATCHED, "ACTIVE"));
            case "GET /api/v1/plans/" + WAVED ->
                json(
                        request,
                        200,
                        plan(WAVED, "ACTIVE")
                                .put(
                                        "waves",
                                        new JsonArray()
                                                .add(new JsonObject().put("name", "canary"))
                                                .add(new JsonObject().put("name", "rest"))));
            case "GET /api/v1/plans/" + WAVED + "/waves" -> json(request, 200, waves("AWAITING_APPROVAL", null));
            case "POST /api/v1/plans/" + WAVED + "/waves/1/approve" -> json(request, 200, waves("PASSED", "op"));
            case "GET /api/v1/plans/" + PLAN + "/tasks",
                    "GET /api/v1/plans/" + GATEWAY_PLAN + "/tasks",
                    "GET /api/v1/plans/" + DRAFT + "/tasks",
                    "GET /api/v1/plans/" + WAVED + "/tasks" -> json(request, 200, tasks());
            case "GET /api/v1/plans/" + PLAN + "/progress",
                    "GET /api/v1/plans/" + GATEWAY_PLAN + "/progress",
                    "GET /api/v1/plans/" + DRAFT + "/progress" ->
                json(
                        request,
                        200,
                        new JsonObject()
                                .put("from", "2026-12-02T03:00:00Z")
                                .put("to", "2026-12-02T03:59:00Z")
                                .put(
                                        "minutes",
                                        new JsonArray()
                                                .add(new JsonObject()
                                                        .put("at", "2026-12-02T03:58:00Z")
                                                        .put("succeeded", 40)
                                                        .put("failed", 2))));
            case "GET /api/v1/plans/" + PLAN + "/failures",
                    "GET /api/v1/plans/" + GATEWAY_PLAN + "/failures",
                    "GET /api/v1/plans/" + DRAFT + "/failures" ->
                json(
                        request,
                        200,
                        new JsonObject()
                                .put("failed", 2)
                                .put(
                                        "byCode",
                                        new JsonArray()
                                                .add(new JsonObject()
                                                        .put("key", "INSTALL_FAILED")
                                                        .put("count", 2)))
                                .put(
                                        "byGateway",
                                        new JsonArray()
                                                .add(new JsonObject()
                                                        .put("key", "gw-7")
                                                        .put("count", 2))));
            case "GET /api/v1/firmware" -> json(request, 200, page(new JsonArray()));
            // a package that awaits its release approval, uploaded by alice-ota-admin
            case "GET /api/v1/firmware/" + FIRMWARE -> json(request, 200, pendingFirmware());
            case "GET /api/v1/firmware/" + FIRMWARE + "/downloads", "GET /api/v1/plans" ->
                json(request, 200, page(new JsonArray()));
            case "POST /api/v1/firmware/" + FIRMWARE + "/approve" ->
                json(request, 200, pendingFirmware().put("signature", "c2ln"));
            case "GET /api/v1/groups" ->
                json(
                        request,
                        200,
                        new JsonArray()
                                .add(new JsonObject()
                                        .put("name", "hamburg")
                                        .put("productKey", "thermo")
                                        .put("kind", "DYNAMIC")
                                        .put("count", 120)
                                        .put("filter", "tag.site==hamburg")));
            case "POST /api/v1/plans" ->
                problem(
                        request,
                        422,
                        "VALIDATION_FAILED",
                        "2 fields are invalid",
                        new JsonArray()
                                .add(new JsonObject().put("field", "name").put("message", "must not be blank"))
                                .add(new JsonObject()
                                        .put("field", "pushWindows[0].from")
                                        .put("message", "must be HH:mm")));
            case "POST /api/v1/plans/" + PLAN + "/suspend" -> json(request, 200, plan(PLAN, "SUSPENDED"));
            default -> problem(request, 404, "NOT_FOUND", "no such thing: " + key);
        }
    }

    /** The waved plan's waves: the canary in {@code state}, the rest not begun. */
    static JsonArray waves(String canaryState, String approvedBy) {
        JsonObject gate = new JsonObject().put("minSuccessPercent", 95).put("soakMinutes", 0);
        return new JsonArray()
                .add(new JsonObject()
                        .put("number", 1)
                        .put("name", "canary")
                        .put("canary", true)
                        .put("state", canaryState)
                        .put("percent", 5)
                        .put("quota", 12)
                        .put("members", 12)
                        .put("open", 0)
                        .put("succeeded", 11)
                        .put("firmwareFailed", 0)
                        .put("transportFailed", 1)
                        .put("successGate", gate)
                        .put("requireApproval", true)
                        .put("reason", "wave 1 (canary) passed its success gate: 11 of 11 results succeeded")
                        .put("approvedBy", approvedBy))
                .add(new JsonObject()
                        .put("number", 2)
                        .put("name", "rest")
                        .put("filter", "tag.site==hamburg")
                        .put("canary", false)
                        .put("state", approvedBy == null ? "PENDING" : "RUNNING")
                        .put("members", 0)
                        .put("open", 0)
                        .put("succeeded", 0)
                        .put("firmwareFailed", 0)
                        .put("transportFailed", 0)
                        .put("successGate", gate)
                        .put("requireApproval", false));
    }

    static JsonObject plan(String id, String status) {
        return new JsonObject()
                .put("id", id)
                .put("name", "Spring rollout <b>")
                .put("productKey", "thermo")
                .put("nodeType", "SUB_DEVICE")
                .put("firmwareId", "aaaaaaaa-2222-3333-4444-555555555555")
                .put("sourceVersions", new JsonArray())
                .put("mode", "SILENT")
                .put("whitelist", new JsonArray())
                .put("blacklist", new JsonArray())
                .put("timeZone", "Europe/Berlin")
                .put("startAt", null)
                .put("endAt", null)
                .put(
                        "pushWindows",
                        new JsonArray()
                                .add(new JsonObject().put("from", "02:00").put("to", "05:00")))
                .put("rolloutPerMinute", null)
                .put("maxConcurrentPerGateway", 4)
                .put("failureThresholdPercent", 20)
                .put("failureThresholdMinSamples", 50)
                .put("retry", new JsonObject().put("maxAttempts", 3).put("backoffSeconds", 60))
                .put("ackTimeoutSeconds", 60)
                .put("taskTimeoutSeconds", 900)
                .put("requireVerifiedFirmware", false)
                .put("pushActively", true)
                .put("repushAfterRejectMinutes", 120)
                .put("minBatteryPercent", null)
                .put("minSignalDbm", null)
                .put("upgradeNotes", new JsonObject().put("en", "Faster"))
                .put("status", status)
                .put("suspendedReason", null)
                .put("createdAt", "2026-12-02T03:00:00Z")
                .put("updatedAt", "2026-12-02T03:10:00Z")
                .put(
                        "stats",
                        new JsonObject()
                                .put("targeted", 1000)
                                .put("upToDate", 400)
                                .put("awaitingConfirmation", 0)
                                .put("pending", 500)
                                .put("inProgress", 50)
                                .put("succeeded", 398)
                                .put("failed", 50)
                                .put("rejected", 0)
                                .put("cancelled", 0)
                                .put("successRate", 0.888)
                                .put("waitingForGatewayVersion", 12)
                                .put("downgradesRefused", 3)
                                .put("incompatible", 5)
                                .put("onHold", 2));
    }

    private static JsonObject tasks() {
        return page(new JsonArray()
                .add(new JsonObject()
                        .put("taskId", "bbbbbbbb-2222-3333-4444-555555555555")
                        .put("planId", PLAN)
                        .put("productKey", "thermo")
                        .put("deviceKey", "dev-1")
                        .put("gatewayId", "gw-7")
                        .put("attempt", 3)
                        .put("state", "FAILED")
                        .put("percent", 0)
                        .put("fromVersion", "1.0.0")
                        .put("toVersion", "2.0.0")
                        .put(
                                "error",
                                new JsonObject().put("code", "INSTALL_FAILED").put("message", "flash broken"))
                        .put("createdAt", "2026-12-02T03:00:00Z")
                        .put("updatedAt", "2026-12-02T03:05:00Z")));
    }

    private static JsonObject pendingFirmware() {
        return new JsonObject()
                .put("id", FIRMWARE)
                .put("productKey", "thermo")
                .put("version", "3.0.0")
                .put("type", "FULL")
                .put("size", 1024)
                .put("sha256", "ab")
                .put("md5", "cd")
                .put("verification", "UNVERIFIED")
                .put("createdAt", "2026-12-08T00:00:00Z")
                .put(
                        "release",
                        new JsonObject().put("state", "PENDING_APPROVAL").put("uploadedBy", "alice-ota-admin"));
    }

    private static JsonObject page(JsonArray items) {
        return new JsonObject()
                .put("items", items)
                .put("page", 0)
                .put("size", 20)
                .put("total", items.size());
    }

    private static void json(HttpServerRequest request, int status, JsonArray body) {
        request.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(body.encode());
    }

    private static void json(HttpServerRequest request, int status, JsonObject body) {
        request.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(body.encode());
    }

    private static void problem(HttpServerRequest request, int status, String code, String detail) {
        problem(request, status, code, detail, new JsonArray());
    }

    private static void problem(HttpServerRequest request, int status, String code, String detail, JsonArray errors) {
        request.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/problem+json")
                .end(new JsonObject()
                        .put("status", status)
                        .put("code", code)
                        .put("detail", detail)
                        .put("errors", errors)
                        .encode());
    }
}
