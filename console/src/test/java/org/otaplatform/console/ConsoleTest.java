package org.otaplatform.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.RedirectConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.otaplatform.testkit.JwtTokens;

/** Sign-in, roles, refusals and the live reads of the console, against stubbed services. */
@QuarkusTest
@QuarkusTestResource(StubServices.class)
class ConsoleTest {

    private static final RestAssuredConfig NO_REDIRECTS =
            RestAssuredConfig.config().redirect(RedirectConfig.redirectConfig().followRedirects(false));

    private static String token(String role) {
        return JwtTokens.devOnly().token("alice-" + role, role);
    }

    private static RequestSpecification as(String role) {
        return anonymous().cookie("ota_session", token(role));
    }

    /** A browser: no bearer token of its own (the test kit gives every request an administrator's). */
    private static RequestSpecification anonymous() {
        return given().config(NO_REDIRECTS).auth().none();
    }

    @Test
    void signsInWithAPlatformTokenIntoAnHttpOnlyStrictCookie() {
        String token = token("ota-operator");
        Response r = anonymous()
                .formParam("token", "Bearer " + token)
                .formParam("next", "/plans")
                .post("/login");
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.header("Location")).endsWith("/plans");
        String cookie = r.header("Set-Cookie");
        assertThat(cookie)
                .startsWith("ota_session=" + token)
                .contains("HttpOnly")
                .containsIgnoringCase("SameSite=Strict");
    }

    @Test
    void refusesATokenTheplatformDidNotSign() throws Exception {
        String foreign =
                JwtTokens.inDirectory(Files.createTempDirectory("other-key")).token("mallory", "ota-admin");
        anonymous()
                .formParam("token", foreign)
                .post("/login")
                .then()
                .statusCode(401)
                .header("Set-Cookie", org.hamcrest.Matchers.nullValue())
                .body(containsString("not signed by this platform"));
    }

    @Test
    void neverSendsAPersonToAnotherSiteAfterSigningIn() {
        for (String next : List.of("//evil.example/x", "https://evil.example", "/\\evil.example")) {
            String location = anonymous()
                    .formParam("token", token("ota-viewer"))
                    .formParam("next", next)
                    .post("/login")
                    .header("Location");
            assertThat(location).as(next).matches("https?://[^/]+/");
        }
    }

    @Test
    void saysWhenNoIdentityProviderIsSetUp() {
        anonymous()
                .get("/login/oidc")
                .then()
                .statusCode(303)
                .header("Location", containsString("/login?reason=no-oidc"));
        anonymous().get("/login?reason=no-oidc").then().statusCode(200).body(containsString("not set up here"));
    }

    @Test
    void sendsSomeoneWithoutASessionToSignInAndBackToThePage() {
        anonymous()
                .get("/plans?status=ACTIVE")
                .then()
                .statusCode(303)
                .header("Location", containsString("/login?reason=required&next=%2Fplans%3Fstatus%3DACTIVE"));
    }

    @Test
    void endsASessionWhoseTokenHasExpired() {
        String expired = JwtTokens.devOnly()
                .token("alice", Duration.ofMinutes(5), Instant.now().minus(Duration.ofHours(1)), List.of("ota-admin"));
        Response r = anonymous().cookie("ota_session", expired).get("/plans");
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.header("Location")).contains("/login?reason=expired");
        assertThat(r.header("Set-Cookie")).startsWith("ota_session=;").contains("Max-Age=0");
    }

    @Test
    void showsARoleThatIsNotEnoughAsAClearMessage() {
        as("ota-viewer")
                .get("/plans/new")
                .then()
                .statusCode(403)
                .body(containsString("Your roles do not allow this"))
                .body(containsString("creating and editing plans needs ota-admin"))
                .body(containsString("Sign out"));
    }

    @Test
    void showsAServiceRefusalAsAMessageAndAsAFragmentForLiveParts() {
        as("ota-viewer")
                .get("/plans/" + StubServices.SECRET_PLAN)
                .then()
                .statusCode(403)
                .body(containsString("not for this token"));
        as("ota-viewer")
                .header("HX-Request", "true")
                .get("/plans/" + StubServices.SECRET_PLAN + "/live")
                .then()
                .statusCode(403)
                .header("X-OTA-Fragment", "problem")
                .body(containsString("role=\"alert\""))
                .body(not(containsString("<html")));
    }

    @Test
    void namesTheServiceThatCannotBeReached() {
        as("ota-viewer")
                .get("/gateways")
                .then()
                .statusCode(503)
                .body(containsString("device-gateway cannot be reached just now"));
    }

    @Test
    void aPlanPageCountsTheDevicesThePlanLeavesAlone() {
        String page = as("ota-viewer")
                .get("/plans/" + StubServices.PLAN)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(page)
                .containsPattern("data-testid=\"waiting-for-gateway\"[^>]*>12<")
                .containsPattern("data-testid=\"downgrades-refused\"[^>]*>3<")
                .containsPattern("data-testid=\"incompatible\"[^>]*>5<")
                .containsPattern("data-testid=\"on-hold\"[^>]*>2<")
                .containsPattern("data-testid=\"plan-target\"><code>hardwareRevision==B</code> and group"
                        + " <a href=\"/groups\">hamburg</a>, FROZEN<")
                .containsPattern("data-testid=\"target-recorded\">1,234 devices matched");
    }

    @Test
    void aPlanOfAGatewayProductSaysItUpgradesTheGatewaysThemselves() {
        assertThat(as("ota-viewer")
                        .get("/plans/" + StubServices.GATEWAY_PLAN)
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .contains("data-testid=\"plan-targets-gateways\"", "the gateways' own firmware");
        assertThat(as("ota-viewer")
                        .get("/plans/" + StubServices.PLAN)
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .doesNotContain("plan-targets-gateways");
    }

    @Test
    void aViewerSeesThePlanWithoutAnyActionButton() {
        String page = as("ota-viewer")
                .get("/plans/" + StubServices.PLAN)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(page)
                .contains(
                        "Spring rollout &lt;b&gt;",
                        "dev-1",
                        "gw-7",
                        "45 %",
                        "88.8 %",
                        "/plans/" + StubServices.PLAN + "/results")
                .doesNotContain("Spring rollout <b>")
                .doesNotContain("/suspend", "/terminate", "/retry", "data-testid=\"actions\"");
        as("ota-viewer")
                .get("/plans/" + StubServices.PLAN + "/results")
                .then()
                .statusCode(200)
                .body(containsString("INSTALL_FAILED"))
                .body(containsString("40 succeeded and 2 failed in the last hour"));
        String operator = as("ota-operator").get("/plans/" + StubServices.PLAN).asString();
        assertThat(operator).contains("/plans/" + StubServices.PLAN + "/suspend", "/retry", "/terminate");
    }

    @Test
    void readsAPlansLiveFiguresOncePerIntervalWhateverTheNumberOfViewers() throws Exception {
        String plan = StubServices.WATCHED;
        String read = "GET /api/v1/plans/" + plan;
        ExecutorService viewers = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                String role = i % 2 == 0 ? "ota-viewer" : "ota-operator";
                answers.add(viewers.submit(
                        () -> as(role).get("/plans/" + plan + "/live").statusCode()));
            }
            for (Future<Integer> answer : answers) {
                assertThat(answer.get()).isEqualTo(200);
            }
            assertThat(StubServices.calls(read)).isEqualTo(1);
            // the next interval reads once more
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                as("ota-viewer").get("/plans/" + plan + "/live");
                return StubServices.calls(read) == 2;
            });
        } finally {
            viewers.shutdownNow();
        }
    }

    @Test
    void aWaveAwaitingApprovalIsShownWithItsFiguresAndOnlyAnOperatorApprovesIt() {
        String viewer = as("ota-viewer")
                .get("/plans/" + StubServices.WAVED)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(viewer)
                .contains(
                        "data-testid=\"waves\"", "AWAITING_APPROVAL", "(canary)", "12 / 12", "passed its success gate")
                .contains("data-testid=\"wave-filter\">tag.site==hamburg</code>")
                .doesNotContain("/waves/1/approve");
        String operator = as("ota-operator").get("/plans/" + StubServices.WAVED).asString();
        assertThat(operator).contains("action=\"/plans/" + StubServices.WAVED + "/waves/1/approve\"");
        // the live part polled by the page carries the waves too
        assertThat(as("ota-viewer")
                        .get("/plans/" + StubServices.WAVED + "/live")
                        .asString())
                .contains("AWAITING_APPROVAL");

        as("ota-viewer")
                .post("/plans/" + StubServices.WAVED + "/waves/1/approve")
                .then()
                .statusCode(403);
        int before = StubServices.calls("POST /api/v1/plans/" + StubServices.WAVED + "/waves/1/approve");
        as("ota-operator")
                .post("/plans/" + StubServices.WAVED + "/waves/1/approve")
                .then()
                .statusCode(303)
                .header("Location", containsString("/plans/" + StubServices.WAVED + "?done=approved"));
        assertThat(StubServices.calls("POST /api/v1/plans/" + StubServices.WAVED + "/waves/1/approve"))
                .isEqualTo(before + 1);
    }

    @Test
    void showsEveryFieldTheServiceRefusedBesideItsField() {
        String page = as("ota-admin")
                .formParam("name", "")
                .formParam("productKey", "thermo")
                .formParam("pushWindows", "2am-05:00")
                .formParam("timeZone", "UTC")
                .post("/plans")
                .then()
                .statusCode(422)
                .extract()
                .asString();
        assertThat(page)
                .contains("2 fields need a change")
                .containsPattern("id=\"e-name\"\\s*>must not be blank<")
                .containsPattern("id=\"e-pushWindows\"\\s*>pushWindows\\[0\\]\\.from: must be HH:mm<")
                .contains("value=\"thermo\"");
    }

    /**
     * The plan form's live preview: the figures of the target as plan-service counts them, the devices left alone
     * and why, a target over 10 % of the product called out; a bad filter named with its position.
     */
    @Test
    void thePlanFormPreviewsItsTargetAndNamesABadFilter() {
        String counted = as("ota-admin")
                .formParam("name", "x")
                .formParam("productKey", "thermo")
                .formParam("target.filter", "hardwareRevision==B")
                .post("/plans/preview")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(counted)
                .contains("<strong>78</strong> of <strong>120</strong> targeted devices would be upgraded (12.0 %")
                .contains("data-testid=\"preview-large\"")
                .contains("<td>t-0002</td><td>1.0.0</td><td>A</td><td>INCOMPATIBLE</td>");
        String all = as("ota-admin")
                .formParam("name", "x")
                .formParam("productKey", "thermo")
                .post("/plans/preview")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(all).contains("100.0 %");
        String bad = as("ota-admin")
                .formParam("name", "x")
                .formParam("productKey", "thermo")
                .formParam("target.filter", "bad")
                .post("/plans/preview")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(bad)
                .contains("data-testid=\"preview-errors\"")
                .contains("<code>target.filter</code>: at position 3: a comparison operator is missing");
    }

    /** Groups: listed with their counts; a refused group is shown again with the refusal beside its field. */
    @Test
    void theDeviceListTakesAFilterNamesABadOneUnderItAndTagsWhatItMatches() {
        String bad = as("ota-admin")
                .queryParam("productKey", "thermo")
                .queryParam("filter", "bad filter")
                .get("/devices")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(bad)
                .containsPattern(
                        "data-testid=\"filter-error\"\\s*>filter: at position 4: expected a comparison" + " operator")
                .contains("aria-invalid=\"true\"")
                .contains("value=\"bad filter\"")
                .doesNotContain("Tag all");

        String good = as("ota-admin")
                .queryParam("productKey", "thermo")
                .queryParam("filter", "hardwareRevision==B")
                .get("/devices")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(good)
                .contains("site=hamburg")
                .containsPattern("data-testid=\"filter-error\"\\s*hidden")
                .contains("Tag all 2");
        // a viewer sees the devices but is offered no tagging
        assertThat(as("ota-viewer")
                        .queryParam("productKey", "thermo")
                        .queryParam("filter", "hardwareRevision==B")
                        .get("/devices")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .doesNotContain("Tag all");

        StubServices.TAGGINGS.clear();
        as("ota-admin")
                .formParam("productKey", "thermo")
                .formParam("filter", "hardwareRevision==B")
                .formParam("set", "ring=pilot, site=bremen")
                .formParam("remove", "old")
                .post("/devices/tag")
                .then()
                .statusCode(303)
                .header("Location", containsString("done=bulk-tagged&matched=2&changed=1"));
        assertThat(StubServices.TAGGINGS).hasSize(1);
        var sent = StubServices.TAGGINGS.get(0);
        assertThat(sent.getString("filter")).isEqualTo("hardwareRevision==B");
        assertThat(sent.getJsonObject("set").getMap())
                .containsEntry("ring", "pilot")
                .containsEntry("site", "bremen");
        assertThat(sent.getJsonArray("remove").getList()).containsExactly("old");
        assertThat(as("ota-admin")
                        .get("/devices?productKey=thermo&filter=x&done=bulk-tagged&matched=2&changed=1")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .contains("Tagged: 2 devices matched the filter, 1 of them changed.");
        as("ota-viewer")
                .formParam("productKey", "thermo")
                .formParam("filter", "hardwareRevision==B")
                .formParam("set", "a=b")
                .post("/devices/tag")
                .then()
                .statusCode(403);
    }

    /** Every answer carries the security headers; HSTS only where the public address is HTTPS (it is not here). */
    @Test
    void everyPageCarriesTheSecurityHeadersAndTheLoginLinkAsksFirst() {
        for (String path : java.util.List.of("/login", "/plans", "/no-such-page")) {
            anonymous()
                    .cookie("ota_session", token("ota-viewer"))
                    .get(path)
                    .then()
                    .header("Content-Security-Policy", containsString("script-src 'self';"))
                    .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                    .header("Content-Security-Policy", org.hamcrest.Matchers.not(containsString("'unsafe-eval'")))
                    .header("X-Content-Type-Options", "nosniff")
                    .header("X-Frame-Options", "DENY")
                    .header("Referrer-Policy", "same-origin")
                    .header("Strict-Transport-Security", org.hamcrest.Matchers.nullValue());
        }
        // the login page knows who is signed in, so that a link for someone else asks before it signs in
        assertThat(anonymous()
                        .cookie("ota_session", token("ota-viewer"))
                        .get("/login")
                        .then()
                        .extract()
                        .asString())
                .contains("data-current=\"alice-ota-viewer\"")
                .contains("id=\"login-link\"");
        // a session cookie is not Secure over plain HTTP without an HTTPS public address
        assertThat(anonymous()
                        .formParam("token", token("ota-viewer"))
                        .formParam("next", "/")
                        .post("/login")
                        .header("Set-Cookie"))
                .doesNotContainIgnoringCase("secure");
    }

    /** A release waits for a second admin: its uploader is told so, another admin approves it (issue #35). */
    @Test
    void aPendingReleaseIsApprovedByAnotherAdminThanItsUploader() {
        String uploaderSees = anonymous()
                .cookie("ota_session", JwtTokens.devOnly().token("alice-ota-admin", "ota-admin"))
                .get("/firmware/" + StubServices.FIRMWARE)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(uploaderSees)
                .contains("awaits approval")
                .contains("data-testid=\"approve-not-yours\"")
                .doesNotContain("data-testid=\"approve\"");
        String otherSees = anonymous()
                .cookie("ota_session", JwtTokens.devOnly().token("bob", "ota-admin"))
                .get("/firmware/" + StubServices.FIRMWARE)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(otherSees).contains("data-testid=\"approve\"").doesNotContain("Verify on these devices");
        int before = StubServices.calls("POST /api/v1/firmware/" + StubServices.FIRMWARE + "/approve");
        anonymous()
                .cookie("ota_session", JwtTokens.devOnly().token("bob", "ota-admin"))
                .post("/firmware/" + StubServices.FIRMWARE + "/approve")
                .then()
                .statusCode(303)
                .header("Location", containsString("done=approved-release"));
        as("ota-operator")
                .post("/firmware/" + StubServices.FIRMWARE + "/approve")
                .then()
                .statusCode(403);
        assertThat(StubServices.calls("POST /api/v1/firmware/" + StubServices.FIRMWARE + "/approve"))
                .isEqualTo(before + 1);
    }

    /** Test devices are an admin's to mark, verifications an admin's to start (issue #35). */
    @Test
    void onlyAnAdminMarksTestDevicesAndStartsAVerificationOrARepeatedOne() {
        StubServices.SENT.clear();
        as("ota-admin")
                .formParam("test", "true")
                .post("/devices/thermo/t-1/test-device")
                .then()
                .statusCode(303)
                .header("Location", containsString("done=test-device"));
        as("ota-operator")
                .formParam("test", "false")
                .post("/devices/thermo/t-1/test-device")
                .then()
                .statusCode(403);
        as("ota-operator")
                .formParam("productKey", "thermo")
                .formParam("devices", "t-1")
                .post("/firmware/" + StubServices.FIRMWARE + "/verification")
                .then()
                .statusCode(403);
        as("ota-admin")
                .formParam("productKey", "thermo")
                .formParam("devices", "t-1\nt-2")
                .formParam("reverify", "true")
                .post("/firmware/" + StubServices.FIRMWARE + "/verification")
                .then()
                .statusCode(303)
                .header("Location", containsString("done=verifying"));
        assertThat(StubServices.SENT).hasSize(2);
        assertThat(new io.vertx.core.json.JsonObject(StubServices.SENT
                                .get(0)
                                .substring(StubServices.SENT.get(0).indexOf('{')))
                        .getBoolean("testDevice"))
                .isTrue();
        var verification = new io.vertx.core.json.JsonObject(
                StubServices.SENT.get(1).substring(StubServices.SENT.get(1).indexOf('{')));
        assertThat(verification.getBoolean("reverify")).isTrue();
        assertThat(verification.getJsonArray("devices").size()).isEqualTo(2);
    }

    @Test
    void groupsAreListedAndARefusedOneIsNamedBesideItsField() {
        assertThat(as("ota-viewer")
                        .get("/groups")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .contains("<td>hamburg</td>")
                .contains("<td class=\"num\">120</td>")
                .doesNotContain("New group");
        String refused = as("ota-operator")
                .formParam("name", "taken")
                .formParam("productKey", "thermo")
                .formParam("filter", "online==true")
                .formParam("kind", "STATIC")
                .post("/groups")
                .then()
                .statusCode(422)
                .extract()
                .asString();
        assertThat(refused)
                .containsPattern("id=\"ge-name\"\\s*>is taken: a group named &#39;taken&#39; exists already<")
                .contains("value=\"online==true\"");
        as("ota-operator")
                .formParam("name", "lab")
                .formParam("productKey", "thermo")
                .formParam("filter", "tag.lab==yes")
                .formParam("kind", "STATIC")
                .post("/groups")
                .then()
                .statusCode(303)
                .header("Location", containsString("/groups?done=group-created"));
    }

    @Test
    void aNumberThatIsNotOneIsNamedWithoutAskingTheService() {
        int before = StubServices.calls("POST /api/v1/plans");
        String page = as("ota-admin")
                .formParam("name", "x")
                .formParam("maxConcurrentPerGateway", "four")
                .post("/plans")
                .then()
                .statusCode(422)
                .extract()
                .asString();
        assertThat(page).containsPattern("id=\"e-maxConcurrentPerGateway\"\\s*>must be a whole number<");
        assertThat(StubServices.calls("POST /api/v1/plans")).isEqualTo(before);
    }

    @Test
    void theApiRouteSendsTheSessionsTokenButRefusesACookieOnlyChange() {
        String token = token("ota-admin");
        anonymous()
                .cookie("ota_session", token)
                .contentType("application/json")
                .body("{}")
                .post("/api/v1/plans")
                .then()
                .statusCode(403)
                .body(containsString("X-OTA-Console"));
        int before = StubServices.calls("POST /api/v1/plans");
        anonymous()
                .cookie("ota_session", token)
                .header("X-OTA-Console", "1")
                .contentType("application/json")
                .body("{}")
                .post("/api/v1/plans")
                .then()
                .statusCode(422);
        assertThat(StubServices.calls("POST /api/v1/plans")).isEqualTo(before + 1);
        String forwarded = StubServices.HEADERS.stream()
                .filter(h -> h.startsWith("POST /api/v1/plans "))
                .reduce((a, b) -> b)
                .orElseThrow();
        assertThat(forwarded).contains("authorization=Bearer " + token).contains("cookie=null");
    }

    /**
     * The same-origin check once read the raw path: /api/../plans/x/suspend skipped it as an API call, and the
     * router, which matches the normalised path, ran the page's form (issue #35). Sent over a raw socket, so
     * that no client normalises the path first.
     */
    @Test
    void theSameOriginCheckJudgesTheNormalisedPath() throws Exception {
        int before = StubServices.calls("POST /api/v1/plans/" + StubServices.PLAN + "/suspend");
        for (String path : java.util.List.of(
                "/api/../plans/" + StubServices.PLAN + "/suspend",
                "/api/%2e%2e/plans/" + StubServices.PLAN + "/suspend",
                "/api/./../plans/" + StubServices.PLAN + "/suspend")) {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", io.restassured.RestAssured.port)) {
                socket.setSoTimeout(10_000);
                String request = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + io.restassured.RestAssured.port
                        + "\r\nOrigin: https://evil.example\r\nCookie: ota_session=" + token("ota-operator")
                        + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 0"
                        + "\r\nConnection: close\r\n\r\n";
                socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                String status = new java.io.BufferedReader(new java.io.InputStreamReader(
                                socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII))
                        .readLine();
                assertThat(status).as(path).isIn("HTTP/1.1 403 Forbidden", "HTTP/1.1 400 Bad Request");
            }
        }
        assertThat(StubServices.calls("POST /api/v1/plans/" + StubServices.PLAN + "/suspend"))
                .isEqualTo(before);
    }

    @Test
    void aConsoleFormPostedFromAnotherSiteIsRefused() {
        int before = StubServices.calls("POST /api/v1/plans/" + StubServices.PLAN + "/suspend");
        as("ota-operator")
                .header("Origin", "https://evil.example")
                .post("/plans/" + StubServices.PLAN + "/suspend")
                .then()
                .statusCode(403);
        assertThat(StubServices.calls("POST /api/v1/plans/" + StubServices.PLAN + "/suspend"))
                .isEqualTo(before);
        as("ota-operator")
                .post("/plans/" + StubServices.PLAN + "/suspend")
                .then()
                .statusCode(303)
                .header("Location", containsString("done=suspended"));
    }
}
