package org.otaplatform.simulator;

import static org.otaplatform.simulator.DemoApi.JSON;
import static org.otaplatform.simulator.DemoApi.enc;
import static org.otaplatform.simulator.DemoApi.get;
import static org.otaplatform.simulator.DemoApi.send;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./ota demo}: a simulated fleet, a generated firmware package, a silent plan over the fleet, live
 * progress, the final statistics and where to look. Talks to the platform only through its REST API and
 * (as the fleet) MQTT. Options: {@code --firmware URL --plan URL --gateway URL --console URL} and any simulator option.
 */
public final class Demo {

    /** This run's stamp, one SemVer identifier ("20261207T064919": a numeric one may not start with 0). */
    private static final String RUN = java.time.LocalDateTime.now(java.time.ZoneOffset.UTC)
            .format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss"));
    /** A new version per run: a package left by an earlier demo may be signed with a key no longer served. */
    static final String TARGET = "2.0.0-demo." + RUN;
    /**
     * The gateways' new firmware, which the sub-devices' package needs (SemVer: above the 1.0.0 the simulated
     * gateways start on).
     */
    static final String GATEWAY_TARGET = "1.1.0-demo." + RUN;
    /** The failure codes the demo injects; a device that ran out of attempts with any other is a problem. */
    private static final java.util.Set<String> INJECTED = java.util.Set.of("INSTALL_FAILED", "DOWNLOAD_FAILED");

    private static final int MAX_ATTEMPTS = 3;

    /** A token for the console's sign-in link (./ota passes one); without it the link asks to sign in. */
    private static final String CONSOLE_TOKEN = java.util.Objects.requireNonNullElse(
                    System.getenv("OTA_CONSOLE_TOKEN"), "")
            .strip();

    private final String firmwareUrl;
    private final String planUrl;
    private final String gatewayUrl;
    private final String consoleUrl;

    private Demo(String firmwareUrl, String planUrl, String gatewayUrl, String consoleUrl) {
        this.firmwareUrl = firmwareUrl;
        this.planUrl = planUrl;
        this.gatewayUrl = gatewayUrl;
        this.consoleUrl = consoleUrl;
    }

    /** The plan's page in the console, signing in on the way when the demo has a console token. */
    private String consoleLink(String planId) {
        String page = "/plans/" + planId;
        return CONSOLE_TOKEN.isEmpty()
                ? consoleUrl + page
                : consoleUrl + "/login?next=" + page + "#token=" + CONSOLE_TOKEN;
    }

    public static void main(String[] args) throws Exception {
        Main.quietLibraries();
        String firmware = "http://127.0.0.1:8081";
        String plan = "http://127.0.0.1:8082";
        String gateway = "http://127.0.0.1:8083";
        String console = "http://127.0.0.1:8080";
        List<String> simulator = new ArrayList<>(List.of(
                "--gateways",
                "20",
                "--devices",
                "25",
                "--prefix",
                // each run upgrades its own fleet: a new prefix, so its devices are new ones
                "demo-" + Long.toString(System.currentTimeMillis() / 1000 % 100_000_000L, 36),
                "--product",
                "demo-sensor",
                "--flash-time",
                "3s",
                "--fail",
                "INSTALL_FAILED=0.03,DOWNLOAD_FAILED=0.02",
                "--broken",
                "0.004",
                "--interrupt",
                "0.2",
                "--drop",
                "0.1",
                "--drop-every",
                "20s",
                "--drop-for",
                "4s",
                // one gateway that tries to claim the fleet's sub-devices: every claim is refused
                "--rogue",
                "1",
                // a gateway's new firmware fails to boot now and then: it comes back on the old one
                "--gateway-rollback-percent",
                "10",
                "--reboot-for",
                "3s",
                // two hardware revisions, in turn: the sub-devices' package fits only B (issue #34)
                "--hardware-revisions",
                "A,B",
                "--quiet"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--firmware" -> firmware = args[i + 1];
                case "--plan" -> plan = args[i + 1];
                case "--gateway" -> gateway = args[i + 1];
                case "--console" -> console = args[i + 1];
                default -> simulator.addAll(List.of(args[i], args[i + 1]));
            }
        }
        Options options = Options.parse(simulator.toArray(new String[0]));
        boolean ok = new Demo(firmware, plan, gateway, console).run(options);
        System.exit(ok ? 0 : 1);
    }

    private boolean run(Options options) throws Exception {
        int devices = options.gateways() * options.devicesPerGateway();
        say(
                "Starting a simulated fleet: %d gateways x %d sub-devices of '%s' on version %s",
                options.gateways(), options.devicesPerGateway(), options.productKey(), options.version());
        say(
                "  (injected: INSTALL_FAILED 3%%, DOWNLOAD_FAILED 2%% per attempt, %.1f%% broken sub-devices, 20%% of"
                        + " downloads cut and resumed, 10%% of gateways dropping off now and then)",
                options.brokenRatio() * 100);
        long registering = System.nanoTime();
        Map<String, String> secrets = new Registration(gatewayUrl, DemoApi.TOKEN).fleet(options);
        say(
                "Registered product '%s' and its %d sub-devices in one bulk import (%.1f s); each gateway signs its"
                        + " claims with their secrets.",
                options.productKey(), secrets.size(), (System.nanoTime() - registering) / 1e9);
        try (Fleet fleet = Fleet.start(options, secrets)) {
            awaitGatewaysOnline(options);
            String gatewayFirmwareId =
                    DemoApi.uploadFirmware(firmwareUrl, options.gatewayProductKey(), GATEWAY_TARGET, null);
            String firmwareId = DemoApi.uploadFirmware(
                    firmwareUrl,
                    options.productKey(),
                    TARGET,
                    GATEWAY_TARGET,
                    options.hardwareRevisions().isEmpty() ? null : FITS);
            terminateEarlierDemoPlans(options.gatewayProductKey());
            terminateEarlierDemoPlans(options.productKey());
            String gatewayPlanId = startGatewayPlan(options, gatewayFirmwareId);
            String name = "demo " + Instant.now().toString().substring(0, 19).replace('T', ' ');
            JsonNode created = send(
                    "POST",
                    planUrl + "/api/v1/plans",
                    JSON.createObjectNode()
                            .put("name", name)
                            .put("productKey", options.productKey())
                            .put("firmwareId", firmwareId)
                            .put("mode", "SILENT")
                            .put("timeZone", "UTC")
                            .put("maxConcurrentPerGateway", 4)
                            .put("ackTimeoutSeconds", 60)
                            .put("taskTimeoutSeconds", 600)
                            .<com.fasterxml.jackson.databind.node.ObjectNode>set(
                                    "retry",
                                    JSON.createObjectNode()
                                            .put("maxAttempts", MAX_ATTEMPTS)
                                            .put("backoffSeconds", 5))
                            // a canary wave of 5 % first: once ten of its results are in and 80 % of them
                            // succeeded it waits for the operator's approval (the demo gives it), then the rest
                            .<com.fasterxml.jackson.databind.node.ObjectNode>set("waves", canaryThenRest())
                            // this run's sub-devices only: an earlier demo's fleet (of the same product) is
                            // offline, and would keep this plan from finishing
                            .set("whitelist", whitelist(secrets.keySet())));
            String planId = created.get("id").asText();
            preview(planId);
            send(
                    "POST",
                    planUrl + "/api/v1/plans/" + planId + "/activate",
                    JSON.createObjectNode().put("reason", "demo"));
            say(
                    "Plan '%s' (%s) is ACTIVE: silent, up to 4 tasks per gateway, 3 attempts 5 s apart; a canary"
                            + " wave of 5 %% first, then the rest once the operator approves.",
                    name, planId);
            say("Watch it in the console: %s", consoleLink(planId));

            say(
                    "Started while the gateways' plan runs: each sub-device waits for its gateway to boot %s, then"
                            + " follows by itself.",
                    GATEWAY_TARGET);

            JsonNode stats = follow(planId, devices, gatewayPlanId);
            JsonNode gatewayPlan = awaitFinished(gatewayPlanId);
            Map<String, Integer> exhaustedBy = exhaustedByCode(planId);
            int exhausted =
                    exhaustedBy.values().stream().mapToInt(Integer::intValue).sum();
            int injected = exhaustedBy.entrySet().stream()
                    .filter(e -> INJECTED.contains(e.getKey()))
                    .mapToInt(Map.Entry::getValue)
                    .sum();
            Stats sim = fleet.stats();
            System.out.println();
            System.out.print(sim.summary());
            System.out.println();
            say("Gateways' plan (%s): %s", gatewayPlan.get("status").asText(), gatewayPlan.get("stats"));
            printWaves(gatewayPlanId);
            printFailures(gatewayPlanId);
            say(
                    "Gateways that came back on their old firmware (ROLLED_BACK, retried): %d; told to upgrade"
                            + " themselves and a sub-device at once: %d.",
                    sim.gatewayRollbacks(), sim.bothAtOnce());
            say("Sub-devices' plan statistics: %s", stats.get("stats"));
            if (!options.hardwareRevisions().isEmpty()) {
                say(
                        "Left untouched as incompatible (not of revision %s): %d; never pushed, never failures.",
                        FITS, stats.path("stats").path("incompatible").asLong());
            }
            say("Sub-devices that waited for their gateway's new firmware: up to %d at once.", mostWaitingForGateway);
            printWaves(planId);
            printFailures(planId);
            printAudit(planId, firmwareId, options.productKey());
            int succeeded = stats.get("stats").get("succeeded").asInt();
            int upToDate = stats.get("stats").get("upToDate").asInt();
            int targeted = stats.get("stats").get("targeted").asInt();
            // a device the package does not fit is left alone by design: counted, never pushed
            int incompatible = stats.path("stats").path("incompatible").asInt();
            boolean accounted = upToDate + injected + incompatible == targeted;
            boolean noDoubleFlash = sim.errorCount() == 0;
            boolean gatewaysDone = "FINISHED".equals(gatewayPlan.get("status").asText());
            if (!gatewaysDone) {
                say("The gateways' plan did not finish: %s", gatewayPlan.get("stats"));
            }
            say("");
            say(
                    "%d of %d targeted sub-devices run %s (%d upgraded by this plan); %d failed all %d attempts"
                            + " (broken or unlucky under the injected failures); %d left alone as incompatible.",
                    upToDate, targeted, TARGET, succeeded, exhausted, MAX_ATTEMPTS, incompatible);
            if (injected != exhausted) {
                say("NOT accounted for by the injected failures: %s", exhaustedBy);
            }
            say(
                    "Every device accounted for: %s. Sub-devices told to flash twice for one task: %s.",
                    accounted ? "yes" : "NO", noDoubleFlash ? "none" : sim.errorCount() + " (see above)");
            if (sim.rogueClaims() > 0) {
                int refused = sim.rogueRefused().values().stream()
                        .mapToInt(Integer::intValue)
                        .sum();
                say(
                        "A rogue gateway tried to claim sub-devices of the others %d times: %d refused %s.",
                        sim.rogueClaims(), refused, sim.rogueRefused());
            }
            if (!ended.isEmpty()) {
                say("%s", ended);
            }
            say("");
            say("Where to look (the platform keeps running until ./ota down):");
            say(
                    "  the plan         %s/plans/%s  (the console; API: %s/api/v1/plans/%s)",
                    consoleUrl, planId, planUrl, planId);
            say("  console sign-in  %s", consoleLink(planId));
            say("  its tasks        %s/api/v1/plans/%s/tasks?state=FAILED", planUrl, planId);
            say("  gateways         %s/api/v1/gateways", gatewayUrl);
            say("  firmware         %s/api/v1/firmware/%s", firmwareUrl, firmwareId);
            say("  Swagger UI       /q/swagger-ui on each service's management port (./ota: 9081, 9082, 9083)");
            say("  metrics          /q/metrics on the same ports");
            say("The simulated gateways now go offline (each says so with its 'offline' message).");
            return accounted && noDoubleFlash && gatewaysDone;
        }
    }

    /**
     * The gateways' own plan: this run's gateways to {@link #GATEWAY_TARGET}, one at a time per gateway (it is
     * the gateway), a canary of 10 % first that needs two results and half of them good, then the rest.
     */
    /** The hardware revision the demo's sub-device package fits. */
    static final String FITS = "B";

    /** What the plan will touch, before it is activated: the preview an operator sees in the console. */
    private void preview(String planId) throws Exception {
        JsonNode p = DemoApi.get(planUrl + "/api/v1/plans/" + planId + "/preview");
        say(
                "Preview before activation: %d targeted, %d to upgrade now, %d waiting for their gateway's new"
                        + " firmware, %d incompatible (their hardware revision is not %s), %d up to date.",
                p.get("targeted").asLong(),
                p.get("willUpgrade").asLong(),
                p.get("waitingForGatewayVersion").asLong(),
                p.get("incompatible").asLong(),
                FITS,
                p.get("upToDate").asLong());
    }

    private String startGatewayPlan(Options options, String firmwareId) throws Exception {
        List<String> gateways = new ArrayList<>();
        for (int g = 0; g < options.gateways(); g++) {
            gateways.add(options.gatewayId(g));
        }
        var waves = JSON.createArrayNode();
        waves.addObject()
                .put("canary", true)
                .put("percent", 10)
                .putObject("successGate")
                .put("minSuccessPercent", 50)
                .put("minResults", 2);
        String name =
                "demo gateways " + Instant.now().toString().substring(0, 19).replace('T', ' ');
        JsonNode created = send(
                "POST",
                planUrl + "/api/v1/plans",
                JSON.createObjectNode()
                        .put("name", name)
                        .put("productKey", options.gatewayProductKey())
                        .put("nodeType", "GATEWAY")
                        .put("firmwareId", firmwareId)
                        .put("mode", "SILENT")
                        .put("timeZone", "UTC")
                        .put("maxConcurrentPerGateway", 1)
                        .put("ackTimeoutSeconds", 60)
                        .put("taskTimeoutSeconds", 300)
                        .<com.fasterxml.jackson.databind.node.ObjectNode>set(
                                "retry",
                                JSON.createObjectNode()
                                        .put("maxAttempts", MAX_ATTEMPTS)
                                        .put("backoffSeconds", 5))
                        .<com.fasterxml.jackson.databind.node.ObjectNode>set("waves", waves)
                        .set("whitelist", whitelist(gateways)));
        String id = created.get("id").asText();
        send(
                "POST",
                planUrl + "/api/v1/plans/" + id + "/activate",
                JSON.createObjectNode().put("reason", "demo"));
        say(
                "Plan '%s' (%s) is ACTIVE: the %d gateways' own firmware to %s, a canary of 10 %% first; each gateway"
                        + " reboots into it and its hello's version decides.",
                name, id, gateways.size(), GATEWAY_TARGET);
        return id;
    }

    /** Follows a plan until it finished or nothing changed for a while (approving its waves); the plan. */
    private JsonNode awaitFinished(String planId) throws Exception {
        long end = System.currentTimeMillis() + STALLED_AFTER_MILLIS;
        String last = "";
        while (true) {
            JsonNode plan = get(planUrl + "/api/v1/plans/" + planId);
            String figures = plan.get("stats").toString();
            if (!figures.equals(last)) {
                last = figures;
                end = System.currentTimeMillis() + STALLED_AFTER_MILLIS;
            }
            if ("FINISHED".equals(plan.get("status").asText()) || System.currentTimeMillis() > end) {
                return plan;
            }
            approveWaitingWave(planId, false);
            Thread.sleep(1_000);
        }
    }

    private static com.fasterxml.jackson.databind.node.ArrayNode whitelist(java.util.Collection<String> keys) {
        com.fasterxml.jackson.databind.node.ArrayNode list = JSON.createArrayNode();
        keys.stream().sorted().forEach(list::add);
        return list;
    }

    private void awaitGatewaysOnline(Options options) throws Exception {
        long end = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < end) {
            JsonNode page = get(gatewayUrl + "/api/v1/gateways?online=true&size=500");
            long ours = 0;
            for (JsonNode g : page.get("items")) {
                if (g.get("gatewayId").asText().startsWith(options.prefix() + "-")) {
                    ours++;
                }
            }
            if (ours >= options.gateways() || page.get("total").asLong() >= options.gateways() + 500L) {
                say("All %d gateways said hello.", options.gateways());
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(
                "the gateways did not come online within 60 s: is the broker the services use reachable?");
    }

    private void terminateEarlierDemoPlans(String productKey) throws Exception {
        for (String status : List.of("ACTIVE", "SUSPENDED")) {
            JsonNode page =
                    get(planUrl + "/api/v1/plans?status=" + status + "&productKey=" + enc(productKey) + "&size=500");
            for (JsonNode p : page.get("items")) {
                send(
                        "POST",
                        planUrl + "/api/v1/plans/" + p.get("id").asText() + "/terminate",
                        JSON.createObjectNode().put("reason", "a new demo started"));
                say("Terminated the earlier demo plan '%s'.", p.get("name").asText());
            }
        }
    }

    /** How long the demo follows its plan at most, and how long it waits for a change before it stops. */
    private static final long FOLLOW_LIMIT_MILLIS = 10 * 60_000L;

    private static final long STALLED_AFTER_MILLIS = 90_000L;

    /** The most sub-devices that waited at once for their gateway's new firmware. */
    private int mostWaitingForGateway;

    /** Why following the plan ended, and what was left when it did. */
    private String ended = "";

    /**
     * Shows progress until the plan is FINISHED, every device is up to date or out of attempts, nothing
     * changed for {@link #STALLED_AFTER_MILLIS}, or {@link #FOLLOW_LIMIT_MILLIS} passed: a demo always ends,
     * and says what did not finish.
     */
    private JsonNode follow(String planId, int devices, String gatewayPlanId) throws Exception {
        boolean console = System.console() != null;
        long started = System.currentTimeMillis();
        long lastPrint = 0;
        long lastChange = started;
        String lastFigures = "";
        JsonNode plan = get(planUrl + "/api/v1/plans/" + planId);
        while (true) {
            plan = get(planUrl + "/api/v1/plans/" + planId);
            JsonNode s = plan.get("stats");
            int targeted = s.get("targeted").asInt();
            int upToDate = s.get("upToDate").asInt();
            int open = s.get("inProgress").asInt() + s.get("pending").asInt();
            int waiting = s.path("waitingForGatewayVersion").asInt();
            mostWaitingForGateway = Math.max(mostWaitingForGateway, waiting);
            String line = String.format(
                    Locale.ROOT,
                    "%s %5.1f%%  up to date %d/%d | in progress %d | waiting for gateway %d | failed attempts %d"
                            + " | status %s",
                    bar(targeted == 0 ? 0 : upToDate / (double) targeted),
                    targeted == 0 ? 0.0 : upToDate * 100.0 / targeted,
                    upToDate,
                    targeted,
                    s.get("inProgress").asInt(),
                    waiting,
                    s.get("failed").asInt(),
                    plan.get("status").asText());
            if (console) {
                System.out.print("\r" + line);
            } else if (System.currentTimeMillis() - lastPrint > 5_000) {
                System.out.println(line);
                lastPrint = System.currentTimeMillis();
            }
            long now = System.currentTimeMillis();
            String figures = s.toString();
            if (!figures.equals(lastFigures)) {
                lastFigures = figures;
                lastChange = now;
            }
            if ("FINISHED".equals(plan.get("status").asText())) {
                break;
            }
            if (approveWaitingWave(planId, console) | approveWaitingWave(gatewayPlanId, console)) {
                lastChange = now;
            }
            if (open == 0 && targeted > 0 && upToDate + exhausted(planId) >= targeted) {
                break;
            }
            if (now - lastChange > STALLED_AFTER_MILLIS || now - started > FOLLOW_LIMIT_MILLIS) {
                ended = String.format(
                        Locale.ROOT,
                        "The plan did not finish: %s after %d s, %d of %d targeted sub-devices are not up to date"
                                + " (%d in progress, %d waiting to be sent, %d rejected by their gateways, %d failed"
                                + " attempts so far). The platform keeps working on it; follow it at"
                                + " %s/api/v1/plans/%s.",
                        now - lastChange > STALLED_AFTER_MILLIS
                                ? "nothing changed for " + STALLED_AFTER_MILLIS / 1000 + " s"
                                : "the demo's limit was reached",
                        (now - started) / 1000,
                        targeted - upToDate,
                        targeted,
                        s.get("inProgress").asInt(),
                        s.get("pending").asInt(),
                        s.get("rejected").asInt(),
                        s.get("failed").asInt(),
                        planUrl,
                        planId);
                break;
            }
            Thread.sleep(1_000);
        }
        System.out.println();
        return plan;
    }

    /** The demo's waves: a canary of 5 % (ten results, 80 % succeeded, then the operator approves), the rest. */
    private static com.fasterxml.jackson.databind.node.ArrayNode canaryThenRest() {
        var waves = JSON.createArrayNode();
        waves.addObject()
                .put("canary", true)
                .put("percent", 5)
                .putObject("successGate")
                .put("minSuccessPercent", 80)
                .put("minResults", 10);
        return waves;
    }

    /**
     * Approves, as the operator, a wave that waits for approval (or one its gate halted: the demo's injected
     * failures are known); whether it approved one.
     */
    private boolean approveWaitingWave(String planId, boolean console) throws Exception {
        JsonNode waves = get(planUrl + "/api/v1/plans/" + planId + "/waves");
        for (JsonNode w : waves) {
            String state = w.get("state").asText();
            if (state.equals("AWAITING_APPROVAL") || state.equals("HALTED")) {
                if (console) {
                    System.out.println();
                }
                say(
                        "Wave %d (%s): %s",
                        w.get("number").asInt(),
                        w.get("name").asText(),
                        w.get("reason").asText());
                send(
                        "POST",
                        planUrl + "/api/v1/plans/" + planId + "/waves/"
                                + w.get("number").asInt() + "/approve",
                        JSON.createObjectNode());
                say("  approved by the operator: the next wave begins.");
                return true;
            }
        }
        return false;
    }

    private void printWaves(String planId) throws Exception {
        say("Waves:");
        for (JsonNode w : get(planUrl + "/api/v1/plans/" + planId + "/waves")) {
            say(
                    "  %d %-8s %-17s %4d devices: %d succeeded, %d failed by the firmware, %d by transport%s",
                    w.get("number").asInt(),
                    w.get("name").asText(),
                    w.get("state").asText(),
                    w.get("members").asLong(),
                    w.get("succeeded").asLong(),
                    w.get("firmwareFailed").asLong(),
                    w.get("transportFailed").asLong(),
                    w.path("approvedBy").isTextual()
                            ? " (approved by " + w.get("approvedBy").asText() + ")"
                            : "");
        }
    }

    private void printFailures(String planId) throws Exception {
        JsonNode f = get(planUrl + "/api/v1/plans/" + planId + "/failures");
        say("Failures (each device's latest attempt): %d", f.get("failed").asLong());
        say("  by cause          %s", counts(f.get("byCause")));
        say("  by code           %s", counts(f.get("byCode")));
        say("  by source version %s", counts(f.get("bySourceVersion")));
        say("  top gateways      %s", counts(f.get("byGateway")));
    }

    private static String counts(JsonNode list) {
        if (list == null || list.isEmpty()) {
            return "none";
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode c : list) {
            text.append(text.length() == 0 ? "" : ", ")
                    .append(c.get("key").asText())
                    .append(' ')
                    .append(c.get("count").asLong());
        }
        return text.toString();
    }

    /** The run's audit entries: the plan's in plan-service, the package's in firmware-service, the registry's. */
    private void printAudit(String planId, String firmwareId, String productKey) throws Exception {
        say("Audit log of this run (newest first; each service's chain verified):");
        printAudit(planUrl, "plan/" + planId);
        printAudit(firmwareUrl, "firmware/" + firmwareId);
        printAudit(gatewayUrl, "product/" + productKey);
    }

    private void printAudit(String serviceUrl, String resource) throws Exception {
        JsonNode page = get(serviceUrl + "/api/v1/audit?size=8&resource=" + enc(resource));
        for (JsonNode e : page.get("items")) {
            say(
                    "  %s %-22s %-40s by %s%s",
                    e.get("at").asText().substring(11, 19),
                    e.get("action").asText(),
                    e.get("resource").asText(),
                    e.get("actor").asText(),
                    e.path("after").path("status").isTextual()
                            ? " → " + e.get("after").get("status").asText()
                            : e.path("after").path("state").isTextual()
                                    ? " → " + e.get("after").get("state").asText()
                                    : "");
        }
        JsonNode verified = get(serviceUrl + "/api/v1/audit/verify");
        say(
                "  %s: %d entries, chain %s",
                serviceUrl,
                verified.get("entries").asLong(),
                verified.get("valid").asBoolean()
                        ? "intact"
                        : "BROKEN: " + verified.get("problem").asText());
    }

    /** Devices whose latest task failed on its last allowed attempt, by failure code. */
    private Map<String, Integer> exhaustedByCode(String planId) throws Exception {
        Map<String, Integer> byCode = new java.util.TreeMap<>();
        for (String state : List.of("FAILED", "TIMED_OUT")) {
            for (int page = 0; ; page++) {
                JsonNode tasks =
                        get(planUrl + "/api/v1/plans/" + planId + "/tasks?state=" + state + "&size=500&page=" + page);
                for (JsonNode t : tasks.get("items")) {
                    if (t.get("attempt").asInt() >= MAX_ATTEMPTS) {
                        String code = t.path("error").path("code").asText(state);
                        byCode.merge(code, 1, Integer::sum);
                    }
                }
                if ((page + 1) * 500L >= tasks.get("total").asLong()) {
                    break;
                }
            }
        }
        return byCode;
    }

    /** Devices whose latest task failed on its last allowed attempt. */
    private int exhausted(String planId) throws Exception {
        return exhaustedByCode(planId).values().stream()
                .mapToInt(Integer::intValue)
                .sum();
    }

    private static String bar(double fraction) {
        int width = 30;
        int full = (int) Math.round(fraction * width);
        char[] b = new char[width];
        Arrays.fill(b, 0, full, '#');
        Arrays.fill(b, full, width, '.');
        return "[" + new String(b) + "]";
    }

    static void say(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }
}
