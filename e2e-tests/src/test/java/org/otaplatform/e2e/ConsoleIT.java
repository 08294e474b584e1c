package org.otaplatform.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.otaplatform.simulator.Fleet;
import org.otaplatform.testkit.JwtTokens;

/**
 * An operator's campaign in a real browser (Debian's Chromium, driven by Playwright) against the packaged
 * services, the console and a simulated fleet: upload firmware through the form, create a plan with one
 * invalid field and see it named, fix it, activate it, watch it reach 100 %, open a failed device's
 * timeline, suspend and resume, retry the failed device; a viewer sees the same plan without a button.
 * Every page's screenshot is written under target/console-screenshots, at 1280 px and at a 390 px phone.
 */
class ConsoleIT {

    private static final Path SHOTS = Path.of("target", "console-screenshots");
    private static final LocatorAssertions.HasTextOptions LONG =
            new LocatorAssertions.HasTextOptions().setTimeout(90_000);

    private static Platform platform;
    private static Chromium chromium;
    private static String console;

    @BeforeAll
    static void start() throws Exception {
        chromium = Chromium.launch();
        platform = Platform.get();
        console = platform.console().baseUrl();
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
    }

    /** A browser signed in through the development link, as ./ota up prints it. */
    private static Page signedIn(String role, int width, String next) {
        BrowserContext context = chromium.browser.newContext(
                new Browser.NewContextOptions().setViewportSize(width, 900).setTimezoneId("America/New_York"));
        Page page = context.newPage();
        page.onDialog(dialog -> dialog.accept());
        String token = JwtTokens.devOnly().token("e2e-" + role, role);
        page.navigate(console + "/login?next=" + next + "#token=" + token);
        // the link names whom it signs in as, and waits for the person to agree
        assertThat(page.getByTestId("login-link")).containsText("signs you in as e2e-" + role);
        page.locator("#login button[type=submit]").click();
        page.waitForURL(Pattern.compile(".*" + Pattern.quote(next) + "$"));
        return page;
    }

    private static void shot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions()
                .setPath(SHOTS.resolve(name + ".png"))
                .setFullPage(true));
    }

    @Test
    void anOperatorRunsACampaignFromTheBrowser() throws Exception {
        String product = Platform.product("console");
        // six sub-devices, the layout seed breaking some of them: their flash always fails
        try (Fleet fleet = platform.fleet(Platform.fleetOptions(Platform.prefix(), product)
                .gateways(2)
                .devicesPerGateway(3)
                .seed(11)
                .brokenRatio(0.3)
                // the gateways report their sub-devices' revisions in their hello (issue #34)
                .hardwareRevisions(java.util.List.of("A", "B"))
                .build())) {
            Page admin = signedIn(JwtTokens.ADMIN, 1280, "/firmware/new");

            // 1. firmware through the upload form: the browser's SHA-256 travels with it
            byte[] image = new byte[300_000];
            new Random(5).nextBytes(image);
            Path file = Files.createTempFile("console-fw", ".bin");
            Files.write(file, image);
            admin.getByLabel("Package file").setInputFiles(file);
            admin.getByLabel("Product key").fill(product);
            admin.getByLabel("Version", new Page.GetByLabelOptions().setExact(true))
                    .fill("2.0.0");
            // the package's name is required: the refusal is shown beside the field, then it is given
            admin.getByRole(
                            com.microsoft.playwright.options.AriaRole.BUTTON,
                            new Page.GetByRoleOptions().setName("Upload and sign"))
                    .click();
            assertThat(admin.locator(".field.invalid")).containsText("is required");
            admin.getByLabel("Name", new Page.GetByLabelOptions().setExact(true))
                    .fill("console test image");
            shot(admin, "firmware-upload");
            admin.getByRole(
                            com.microsoft.playwright.options.AriaRole.BUTTON,
                            new Page.GetByRoleOptions().setName("Upload and sign"))
                    .click();
            admin.waitForURL(Pattern.compile(".*/firmware/[0-9a-f-]{36}$"));
            String sha256 = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(image));
            assertThat(admin.getByTestId("sha256")).hasText(sha256);
            assertThat(admin.getByTestId("key-id")).not().isEmpty();
            shot(admin, "firmware-detail");

            // 2. a plan with one invalid field: named beside it; then fixed
            admin.getByText("New plan with it").click();
            admin.waitForURL(Pattern.compile(".*/plans/new\\?.*"));
            admin.getByLabel("Name", new Page.GetByLabelOptions().setExact(true))
                    .fill("console " + product);
            admin.getByLabel("Time zone").fill("Mars/Olympus_Mons");
            // a second attempt only after an hour: the plan stays open for the operator's retry below
            admin.getByLabel("Attempts per device").fill("2");
            admin.getByLabel("Seconds between attempts").fill("3600");
            admin.getByLabel("Ack timeout (s)").fill("30");
            admin.getByRole(
                            com.microsoft.playwright.options.AriaRole.BUTTON,
                            new Page.GetByRoleOptions().setName("Create the plan"))
                    .click();
            Locator zoneError = admin.locator("#e-timeZone");
            assertThat(zoneError).isVisible();
            assertThat(zoneError).containsText("time zone");
            assertThat(admin.getByTestId("form-errors")).containsText("timeZone");
            assertThat(admin.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)))
                    .hasValue("console " + product);
            shot(admin, "plan-form-invalid");
            admin.setViewportSize(390, 900);
            shot(admin, "plan-form-invalid-390");
            admin.setViewportSize(1280, 900);
            admin.getByLabel("Time zone").fill("Europe/Berlin");

            // the target by filter, previewed live as it is typed: a bad filter is named with its position, a
            // good one counts the devices (all six here: a large share of the product, so creating asks first)
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (org.otaplatform.testkit.PostgresServer.shared()
                                    .count(
                                            platform.planDatabase,
                                            "SELECT count(*) FROM device_view WHERE product_key = '" + product + "'")
                            < 6
                    && System.nanoTime() < deadline) {
                Thread.sleep(250);
            }
            Locator filter = admin.getByLabel("Filter", new Page.GetByLabelOptions().setExact(true));
            filter.fill("deviceKey=");
            assertThat(admin.getByTestId("preview-errors")).containsText("target.filter");
            assertThat(admin.getByTestId("preview-errors")).containsText("position");
            filter.fill("deviceKey==*");
            assertThat(admin.getByTestId("preview-figures")).containsText("6 of 6 targeted");
            assertThat(admin.getByTestId("preview-large")).isVisible();
            assertThat(admin.getByTestId("preview-incompatible")).hasText("0");
            shot(admin, "plan-form-preview");
            admin.setViewportSize(390, 900);
            shot(admin, "plan-form-preview-390");
            admin.setViewportSize(1280, 900);
            admin.getByRole(
                            com.microsoft.playwright.options.AriaRole.BUTTON,
                            new Page.GetByRoleOptions().setName("Create the plan"))
                    .click();
            admin.waitForURL(Pattern.compile(".*/plans/[0-9a-f-]{36}\\?done=created$"));
            String planPath = admin.url().replaceAll("^https?://[^/]+", "").replaceAll("\\?.*$", "");
            assertThat(admin.getByTestId("plan-status")).hasText("DRAFT");

            // 3. activate (behind a confirmation) and watch it reach 100 %
            admin.getByRole(
                            com.microsoft.playwright.options.AriaRole.BUTTON,
                            new Page.GetByRoleOptions().setName("Activate"))
                    .click();
            assertThat(admin.getByTestId("plan-status")).hasText("ACTIVE");
            assertThat(admin.getByTestId("progress-percent")).hasText("100 %", LONG);
            int failed =
                    Integer.parseInt(admin.getByTestId("failed").innerText().strip());
            int succeeded =
                    Integer.parseInt(admin.getByTestId("succeeded").innerText().strip());
            assertThat(failed).as("broken sub-devices of seed 11").isPositive();
            assertThat(succeeded + failed).isEqualTo(6);
            // the breakdowns and the chart follow every few live intervals
            assertThat(admin.getByTestId("failures-by-code"))
                    .containsText("INSTALL_FAILED", new LocatorAssertions.ContainsTextOptions().setTimeout(30_000));
            // the simulator's broken devices fail installing: the firmware's fault, not the transport's
            assertThat(admin.getByTestId("failures-by-cause")).containsText("firmware");
            assertThat(admin.getByTestId("failures-by-version")).containsText("1.0.0");
            assertThat(admin.getByTestId("chart")).isVisible();
            shot(admin, "plan");
            admin.setViewportSize(390, 900);
            shot(admin, "plan-390");
            admin.setViewportSize(1280, 900);

            // 4. the failed tasks, filtered on the server and kept in the URL; a failed task's timeline
            admin.getByLabel("State").selectOption("FAILED");
            admin.getByRole(
                            com.microsoft.playwright.options.AriaRole.BUTTON,
                            new Page.GetByRoleOptions().setName("Filter").setExact(true))
                    .click();
            admin.waitForURL(Pattern.compile(".*state=FAILED.*"));
            assertThat(admin.getByTestId("task-row")).hasCount(failed);
            Locator firstFailed = admin.getByTestId("task-row").first();
            String device = firstFailed.locator("td").first().innerText().strip();
            firstFailed.locator("td").first().locator("a").click();
            admin.waitForURL(Pattern.compile(".*/tasks/[0-9a-f-]{36}$"));
            assertThat(admin.getByTestId("task-state")).hasText("FAILED");
            assertThat(admin.getByTestId("timeline")).containsText("INSTALL_FAILED");
            assertThat(admin.getByTestId("timeline").locator("li")).not().hasCount(0);
            shot(admin, "task-timeline");

            // 5. suspend and resume
            admin.navigate(console + planPath);
            admin.getByRole(
                            com.microsoft.playwright.options.AriaRole.BUTTON,
                            new Page.GetByRoleOptions().setName("Suspend"))
                    .click();
            assertThat(admin.getByTestId("plan-status")).hasText("SUSPENDED");
            admin.getByRole(
                            com.microsoft.playwright.options.AriaRole.BUTTON,
                            new Page.GetByRoleOptions().setName("Resume"))
                    .click();
            assertThat(admin.getByTestId("plan-status")).hasText("ACTIVE");

            // 6. retry the failed device: a second attempt appears in its tasks
            admin.navigate(console + planPath + "?deviceKey=" + device);
            admin.getByRole(
                            com.microsoft.playwright.options.AriaRole.BUTTON,
                            new Page.GetByRoleOptions().setName("Retry"))
                    .first()
                    .click();
            assertThat(admin.locator(".notice.info")).containsText("A new attempt was created");
            String planId = planPath.substring(planPath.lastIndexOf('/') + 1);
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> given().baseUri(platform.plan.baseUrl())
                                    .get("/api/v1/plans/" + planId + "/tasks?deviceKey=" + device)
                                    .then()
                                    .extract()
                                    .jsonPath()
                                    .getInt("total")
                            == 2);

            // 7. the other pages, each with its screenshot
            for (String[] page : new String[][] {
                {"/", "overview"},
                {"/plans", "plans"},
                {"/firmware", "firmware"},
                {"/devices?productKey=" + product, "devices"},
                {"/devices/" + product + "/" + device, "device"},
                {"/gateways", "gateways"},
                {"/manual?productKey=" + product + "&deviceKey=" + device, "manual"}
            }) {
                admin.navigate(console + page[0]);
                assertThat(admin.locator("h1")).isVisible();
                assertThat(admin.locator("[data-testid=problem]")).hasCount(0);
                shot(admin, page[1]);
            }
            admin.navigate(console + "/devices/" + product + "/" + device);
            assertThat(admin.locator("table")).containsText("console " + product);
            // its hardware revision as its gateway reported it, and its tags, edited here
            assertThat(admin.getByTestId("hardware-revision")).containsText("reported by the gateway");
            // and its history the revision it had when each task was created
            assertThat(admin.getByTestId("history-revision").first()).hasText(Pattern.compile("^[AB]$"));
            admin.getByLabel("Set", new Page.GetByLabelOptions().setExact(true)).fill("site=hamburg, lab=yes");
            admin.getByRole(
                            com.microsoft.playwright.options.AriaRole.BUTTON,
                            new Page.GetByRoleOptions().setName("Save tags"))
                    .click();
            assertThat(admin.getByTestId("tags")).containsText("site=hamburg");
            assertThat(admin.getByTestId("tags")).containsText("lab=yes");
            shot(admin, "device-tags");
            admin.setViewportSize(390, 900);
            shot(admin, "device-tags-390");
            admin.setViewportSize(1280, 900);

            // the devices list: a bad filter is named under its field; a good one lists and tags what it matches
            admin.navigate(console + "/devices?productKey=" + product);
            admin.getByLabel("Filter", new Page.GetByLabelOptions().setExact(true))
                    .fill("hardwareRevision=A");
            admin.locator("form.filters button[type=submit]").click();
            assertThat(admin.getByTestId("filter-error")).containsText("position");
            shot(admin, "devices-bad-filter");
            admin.getByLabel("Filter", new Page.GetByLabelOptions().setExact(true))
                    .fill("hardwareRevision==A");
            admin.locator("form.filters button[type=submit]").click();
            assertThat(admin.getByTestId("filter-error")).isHidden();
            admin.locator("#bulk-set").fill("ring=pilot");
            shot(admin, "devices-filter");
            admin.setViewportSize(390, 900);
            shot(admin, "devices-filter-390");
            admin.setViewportSize(1280, 900);
            admin.locator("form.bulk-tag button").click();
            assertThat(admin.getByText(Pattern.compile("devices matched the filter")))
                    .isVisible();
            int revisionA = given().baseUri(platform.gateway.baseUrl())
                    .queryParam("filter", "productKey==" + product + ";hardwareRevision==A")
                    .get("/api/v1/devices")
                    .then()
                    .statusCode(200)
                    .extract()
                    .path("total");
            int tagged = given().baseUri(platform.gateway.baseUrl())
                    .queryParam("filter", "productKey==" + product + ";tag.ring==pilot")
                    .get("/api/v1/devices")
                    .then()
                    .statusCode(200)
                    .extract()
                    .path("total");
            org.assertj.core.api.Assertions.assertThat(tagged).isPositive().isEqualTo(revisionA);

            // groups: a bad filter is named beside its field; a good one counts its devices
            String group = "console-" + product;
            admin.navigate(console + "/groups");
            admin.getByLabel("Name", new Page.GetByLabelOptions().setExact(true))
                    .fill(group);
            admin.getByLabel("Product key").fill(product);
            admin.getByLabel("Filter", new Page.GetByLabelOptions().setExact(true))
                    .fill("hardwareRevision=A");
            admin.getByRole(
                            com.microsoft.playwright.options.AriaRole.BUTTON,
                            new Page.GetByRoleOptions().setName("Create the group"))
                    .click();
            assertThat(admin.locator("#ge-filter")).containsText("position");
            admin.getByLabel("Filter", new Page.GetByLabelOptions().setExact(true))
                    .fill("hardwareRevision==A");
            admin.getByRole(
                            com.microsoft.playwright.options.AriaRole.BUTTON,
                            new Page.GetByRoleOptions().setName("Create the group"))
                    .click();
            // revisions A and B in turn over three sub-devices per gateway: two of each gateway's are A
            assertThat(admin.getByTestId("group-row")
                            .filter(new Locator.FilterOptions().setHasText(group))
                            .locator("td.num"))
                    .hasText("4");
            shot(admin, "groups");
            admin.setViewportSize(390, 900);
            shot(admin, "groups-390");
            admin.setViewportSize(1280, 900);
            // a gateway's page shows its own firmware, its hardware revision and where its own upgrades are
            String gw = fleet.gatewayIds().get(0);
            admin.navigate(console + "/gateways/" + gw);
            assertThat(admin.getByTestId("gateway-firmware")).hasText("1.0.0");
            assertThat(admin.getByTestId("gateway-hardware")).hasText("sim-A1");
            assertThat(admin.getByTestId("gateway-upgrades")).hasAttribute("href", "/devices/sim-gateway/" + gw);
            shot(admin, "gateway");
            admin.context().close();

            // 8. a viewer: the same plan without a single action; a page that needs more says so
            Page viewer = signedIn(JwtTokens.VIEWER, 1280, planPath);
            assertThat(viewer.getByTestId("plan-status")).hasText("ACTIVE");
            assertThat(viewer.locator("main button")).hasCount(1); // the task filter's
            assertThat(viewer.locator("form[method=post]")).hasCount(1); // signing out
            shot(viewer, "plan-viewer");
            viewer.navigate(console + "/plans/new");
            assertThat(viewer.getByTestId("problem")).containsText("Your roles do not allow this");
            shot(viewer, "forbidden-viewer");
            viewer.context().close();
        }
    }
}
