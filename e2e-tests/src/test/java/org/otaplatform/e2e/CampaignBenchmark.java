package org.otaplatform.e2e;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.otaplatform.simulator.Fleet;
import org.otaplatform.simulator.Options;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.PostgresServer;
import org.otaplatform.testkit.ServiceProcess;

/**
 * The benchmark of issue #8 ({@code bench/run.sh}): a silent campaign over a simulated fleet (default
 * 1,000 gateways × 100 sub-devices, {@code maxConcurrentPerGateway} 10, instant flashing), the same
 * number of MQTT messages through the same broker with no platform in between, and the scheduler over
 * 1,000,000 devices. All three services run as packaged processes with the broker and PostgreSQL on this
 * machine. Prints a Markdown table and writes it with a JSON file to {@code bench/results/}.
 *
 * <p>Options: {@code --gateways N --devices N --concurrency N --scheduler-devices N (0 skips) --warmup N
 * (sub-devices of the warm-up campaign, 10,000; 0: none) --postgres machine|stock --shape field|pipelined
 * --gateway-firmware on|off}. With {@code --gateway-firmware on} (off by default) the campaign also upgrades
 * the gateways' own firmware: a plan of the fleet's gateway product activated with the sub-device plan,
 * whose package needs the new gateway version, so that every sub-device waits for its gateway to reboot into
 * it (issue #33); the figures add both plans' times and the sub-devices' wait.
 * The field shape (default) has each gateway publish one message at a time, the next after the broker's
 * PUBACK; the gateway-protocol floor ({@link GatewayProtocolFloor}) runs the same load with an instant
 * platform in the same run.
 */
public final class CampaignBenchmark {

    static {
        // Vert.x logs through SLF4J where it finds it, and on this class path SLF4J leads to a JBoss log
        // manager that nothing configures: it records every DEBUG line, and Vert.x's MQTT client formats one
        // per packet. That cost the simulator and the raw baseline up to a core. java.util.logging at its
        // defaults (INFO) skips them; the MQTT client's INFO lines (a connect each) are kept at WARNING.
        System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.JULLogDelegateFactory");
        org.otaplatform.simulator.Main.quietLibraries();
    }

    private final Map<String, Object> figures = new LinkedHashMap<>();
    private final List<String[]> rows = new ArrayList<>();
    private final Platform platform;
    private final PostgresServer postgres;
    private final MqttBroker broker;

    private final boolean awaitPublish;

    private CampaignBenchmark(Platform platform, PostgresServer postgres, MqttBroker broker, boolean awaitPublish) {
        this.awaitPublish = awaitPublish;
        this.platform = platform;
        this.postgres = postgres;
        this.broker = broker;
    }

    public static void main(String[] args) throws Exception {
        int gateways = BenchArgs.integer(args, "--gateways", 1_000);
        int devices = BenchArgs.integer(args, "--devices", 100);
        int concurrency = BenchArgs.integer(args, "--concurrency", 10);
        int schedulerDevices = BenchArgs.integer(args, "--scheduler-devices", 1_000_000);
        int warmup = BenchArgs.integer(args, "--warmup", 10_000);
        boolean gatewayFirmware = "on".equals(BenchArgs.string(args, "--gateway-firmware", "off"));
        Path results = Path.of("..", "bench", "results").toAbsolutePath().normalize();
        Files.createDirectories(results);
        // "--postgres stock": a PostgreSQL of its own with the server's default settings (autovacuum on,
        // synchronous commit on) instead of the machine's, whose configuration may differ (CI's has no autovacuum)
        boolean stock = "stock".equals(BenchArgs.string(args, "--postgres", "machine"));
        // "--shape field" (the default): each gateway publishes one message at a time, the next after the
        // broker's PUBACK, as gateways in the field are built; "pipelined": up to 1,000 in flight per gateway
        String shape = BenchArgs.string(args, "--shape", "field");
        if (!shape.equals("field") && !shape.equals("pipelined")) {
            throw new IllegalArgumentException("--shape: expected field or pipelined");
        }
        PostgresServer postgres = stock
                ? PostgresServer.startEmbedded(
                        org.otaplatform.testkit.Ports.free(), null, Map.of("synchronous_commit", "on"))
                : PostgresServer.shared();
        MqttBroker broker = MqttBroker.shared();
        say(
                "starting the platform (3 services as processes) on %s and PostgreSQL %s:%d ...",
                broker.host() + ":" + broker.port(), postgres.host(), postgres.port());
        Platform platform = new Platform(postgres, broker, null, "bench-logs");
        CampaignBenchmark bench = new CampaignBenchmark(platform, postgres, broker, shape.equals("field"));
        int exit = 0;
        try {
            bench.figures.put("cores", Runtime.getRuntime().availableProcessors());
            bench.figures.put("postgres", stock ? "stock (embedded, default settings)" : "the machine's");
            bench.figures.put(
                    "postgres.autovacuum",
                    postgres.count(
                                    "postgres",
                                    "SELECT (setting = 'on')::int FROM pg_settings WHERE name = 'autovacuum'")
                            == 1);
            bench.figures.put("startedAt", Instant.now().toString());
            bench.figures.put("gatewayShape", shape);
            bench.warmUp(warmup, concurrency);
            boolean ok = bench.campaign(gateways, devices, concurrency, gatewayFirmware);
            if (schedulerDevices > 0) {
                bench.scheduler(schedulerDevices);
            }
            bench.download(results);
            bench.write(results);
            exit = ok ? 0 : 1;
        } finally {
            platform.close();
        }
        System.exit(exit);
    }

    // --- 1 + 2: the campaign and the raw baseline ------------------------------------------------

    /**
     * A small campaign on a product and fleet of its own before the measured one, as a platform that has
     * been running meets a campaign: with its code compiled. Freshly started, the services (and the
     * simulator) spend the measured campaign's first half minute in the JIT compiler, while the raw
     * baseline, which runs later in this warmed-up process, would not. {@code --warmup 0} measures cold.
     */
    private void warmUp(int devices, int concurrency) throws Exception {
        if (devices <= 0) {
            figures.put("warmup.devices", 0);
            return;
        }
        // one round per gateway: a gateway with many more sub-devices than it may upgrade at once, served at
        // a small fleet's speed, would send more than its rate limit (50 messages/s, bursts of 100) allows,
        // and the simulator does not send a refused report again (its task would wait for its deadline)
        int perGateway = Math.min(Math.max(1, concurrency), devices);
        int gateways = Math.max(1, devices / perGateway);
        figures.put("warmup.devices", gateways * perGateway);
        String product = Platform.product("warm");
        say("warming up: a campaign of %,d sub-devices on a product of its own ...", gateways * perGateway);
        org.otaplatform.simulator.Options warm = fleetOptions(product, gateways, perGateway);
        try (Fleet fleet = Fleet.start(warm, platform.register(warm))) {
            String plan = silentPlan(product, (long) gateways * perGateway, concurrency);
            platform.move(plan, "activate");
            awaitCount(
                    "warm-up sub-devices upgraded",
                    "SELECT count(*) FROM upgrade_task WHERE plan_id = '" + plan + "' AND state = 'SUCCEEDED'",
                    (long) gateways * perGateway,
                    Duration.ofMinutes(10));
        }
        awaitQuiet();
    }

    /** A simulated fleet of the product on the platform's broker, flashing instantly. */
    private Options fleetOptions(String product, int gateways, int devicesPerGateway) {
        return Platform.fleetOptions(broker, Platform.prefix(), product)
                .gateways(gateways)
                .devicesPerGateway(devicesPerGateway)
                .flashTime(Duration.ZERO)
                .awaitPublish(awaitPublish)
                .build();
    }

    /**
     * Once plan-service knows the product's {@code devices} sub-devices online: a 64 KiB firmware 2.0.0 and a
     * silent plan for the product with {@code concurrency} per gateway, not yet active. The plan's id.
     */
    private String silentPlan(String product, long devices, int concurrency) throws Exception {
        return silentPlan(product, devices, concurrency, null);
    }

    /** As {@link #silentPlan(String, long, int)}, its package needing gateway firmware {@code minGateway}. */
    private String silentPlan(String product, long devices, int concurrency, String minGateway) throws Exception {
        awaitCount(
                "sub-devices known to plan-service",
                "SELECT count(*) FROM device_view WHERE product_key = '" + product + "' AND online",
                devices,
                Duration.ofMinutes(10));
        return platform.createPlan(
                product,
                product,
                platform.uploadFirmware(product, "2.0.0", 64 * 1024, minGateway),
                "\"mode\":\"SILENT\",\"maxConcurrentPerGateway\":" + concurrency
                        + ",\"ackTimeoutSeconds\":300,\"taskTimeoutSeconds\":3600");
    }

    private boolean campaign(int gateways, int devicesPerGateway, int concurrency, boolean gatewayFirmware)
            throws Exception {
        int devices = gateways * devicesPerGateway;
        String product = Platform.product("bench");
        String gatewayProduct = product + "-gw";
        say("connecting %,d gateways × %d sub-devices ...", gateways, devicesPerGateway);
        org.otaplatform.simulator.Options options = gatewayFirmware
                ? Platform.fleetOptions(broker, Platform.prefix(), product)
                        .gatewayProductKey(gatewayProduct)
                        .gateways(gateways)
                        .devicesPerGateway(devicesPerGateway)
                        .flashTime(Duration.ZERO)
                        .awaitPublish(awaitPublish)
                        .build()
                : fleetOptions(product, gateways, devicesPerGateway);
        // registered as an operator would before a campaign, with one bulk import (not part of the campaign)
        long registering = System.nanoTime();
        java.util.Map<String, String> secrets = platform.register(options);
        double registered = (System.nanoTime() - registering) / 1e9;
        figures.put("registration.devices", secrets.size());
        figures.put("registration.seconds", Math.round(registered * 100) / 100.0);
        say("registered %,d sub-devices in one bulk import in %.1f s", secrets.size(), registered);
        try (Fleet fleet = Fleet.start(options, secrets)) {
            String plan = silentPlan(product, devices, concurrency, gatewayFirmware ? "1.1.0" : null);
            String gatewayPlan = null;
            if (gatewayFirmware) {
                awaitCount(
                        "gateways known to plan-service as devices",
                        "SELECT count(*) FROM device_view WHERE product_key = '" + gatewayProduct + "' AND is_gateway",
                        gateways,
                        Duration.ofMinutes(5));
                gatewayPlan = platform.createPlan(
                        gatewayProduct,
                        gatewayProduct,
                        platform.uploadFirmware(gatewayProduct, "1.1.0", 64 * 1024),
                        "\"mode\":\"SILENT\",\"nodeType\":\"GATEWAY\",\"ackTimeoutSeconds\":300,"
                                + "\"taskTimeoutSeconds\":3600");
            }
            Counters before = counters();
            Map<String, Long> logStart = logSizes();
            Map<String, Double> cpuBefore = cpuSeconds();
            long bytesBefore = databaseBytes();
            long walBefore = walBytes();
            Instant activated = Instant.now();
            if (gatewayPlan != null) {
                platform.move(gatewayPlan, "activate");
                say("gateway plan %s active: upgrading the %,d gateways themselves ...", gatewayPlan, gateways);
            }
            platform.move(plan, "activate");
            say("plan %s active: upgrading %,d sub-devices ...", plan, devices);
            long succeeded = 0;
            long lastPrint = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
            while (succeeded < devices && System.nanoTime() < deadline) {
                // the count reads the plan's tasks: asked once a second so that the harness does not load the
                // database it measures (the wall time comes from the tasks' own updated_at, not from here)
                Thread.sleep(1_000);
                succeeded = count(
                        "SELECT count(*) FROM upgrade_task WHERE plan_id = '" + plan + "' AND state = 'SUCCEEDED'");
                if (System.nanoTime() - lastPrint > TimeUnit.SECONDS.toNanos(5)) {
                    lastPrint = System.nanoTime();
                    double seconds = Duration.between(activated, Instant.now()).toMillis() / 1000.0;
                    say("  %6.1f s  %,9d succeeded  (%,.0f / min)", seconds, succeeded, succeeded / seconds * 60);
                }
            }
            long firstSuccessMillis = count("SELECT (extract(epoch FROM min(updated_at)) * 1000)::bigint"
                            + " FROM upgrade_task WHERE plan_id = '" + plan + "' AND state = 'SUCCEEDED'")
                    - activated.toEpochMilli();
            Instant lastSucceeded =
                    Instant.ofEpochMilli(count("SELECT (extract(epoch FROM max(updated_at)) * 1000)::bigint"
                            + " FROM upgrade_task WHERE plan_id = '" + plan + "' AND state = 'SUCCEEDED'"));
            Thread.sleep(2_000); // the broker's $SYS counters are published every second
            Counters after = counters();
            double wall = Duration.between(activated, lastSucceeded).toMillis() / 1000.0;
            long p50 = count(latency(plan, 0.5));
            long p99 = count(latency(plan, 0.99));
            var stats = platform.plan(plan);
            long statsSucceeded = stats.getLong("stats.succeeded");
            long recount = count("SELECT count(*) FROM (SELECT DISTINCT ON (device_key) state FROM upgrade_task"
                    + " WHERE plan_id = '" + plan
                    + "' ORDER BY device_key, attempt DESC) latest WHERE state = 'SUCCEEDED'");
            long tasks = count("SELECT count(*) FROM upgrade_task WHERE plan_id = '" + plan + "'");
            long mqttIn = after.brokerReceived - before.brokerReceived;
            long mqttOut = after.brokerSent - before.brokerSent;
            long transactions = after.transactions - before.transactions;
            boolean complete = succeeded == devices;

            figures.put("campaign.devices", devices);
            figures.put("campaign.gateways", gateways);
            figures.put("campaign.maxConcurrentPerGateway", concurrency);
            figures.put("campaign.complete", complete);
            figures.put("campaign.succeeded", succeeded);
            figures.put("campaign.tasks", tasks);
            figures.put("campaign.wallSeconds", round(wall));
            figures.put("campaign.devicesPerMinute", Math.round(succeeded / wall * 60));
            figures.put("campaign.latencyP50Millis", p50);
            figures.put("campaign.latencyP99Millis", p99);
            figures.put("campaign.mqttMessagesReceivedByBroker", mqttIn);
            figures.put("campaign.mqttMessagesSentByBroker", mqttOut);
            figures.put("campaign.mqttMessagesPerSecond", Math.round((mqttIn + mqttOut) / wall));
            figures.put("campaign.databaseTransactions", transactions);
            figures.put("campaign.databaseTransactionsPerSecond", Math.round(transactions / wall));
            figures.put("campaign.statsSucceeded", statsSucceeded);
            figures.put("campaign.recountSucceeded", recount);
            figures.put("campaign.statsEqualRecount", statsSucceeded == recount);
            figures.put("campaign.firstSucceededMillis", firstSuccessMillis);
            long stallLines = stallLines(logStart);
            long walPerDevice = (walBytes() - walBefore) / devices;
            figures.put("campaign.walBytesPerDevice", walPerDevice);
            Map<String, Double> cpuAfter = cpuSeconds();
            StringBuilder cpu = new StringBuilder();
            for (var e : cpuAfter.entrySet()) {
                double perThousand = (e.getValue() - cpuBefore.getOrDefault(e.getKey(), 0.0)) / devices * 1000;
                figures.put("campaign.cpuSecondsPer1000Devices." + e.getKey(), round(perThousand));
                cpu.append(cpu.isEmpty() ? "" : ", ")
                        .append(e.getKey())
                        .append(String.format(Locale.ROOT, " %.2f s", perThousand));
            }
            for (String database : platform.databases()) {
                try (Connection c = DriverManager.getConnection(
                                postgres.jdbcUrl(database), postgres.user(), postgres.password());
                        Statement st = c.createStatement()) {
                    st.execute("VACUUM");
                }
            }
            long bytesPerDevice = (databaseBytes() - bytesBefore) / devices;
            figures.put("campaign.databaseBytesPerDevice", bytesPerDevice);
            String largest = largestTables(devices);
            // when the first task of the plan reached each state: where a slow start comes from
            StringBuilder phases = new StringBuilder();
            for (String state : List.of("NOTIFIED", "ACCEPTED", "DOWNLOADING", "DOWNLOADED", "SUCCEEDED")) {
                long at = count("SELECT coalesce((extract(epoch FROM min(e.at)) * 1000)::bigint, 0) FROM task_event e"
                                + " JOIN upgrade_task t ON t.id = e.task_id WHERE t.plan_id = '" + plan
                                + "' AND e.state = '" + state + "'")
                        - activated.toEpochMilli();
                figures.put("campaign.firstMillis." + state, at);
                phases.append(phases.isEmpty() ? "" : ", ")
                        .append(state)
                        .append(' ')
                        .append(at)
                        .append(" ms");
            }
            figures.put("campaign.stallLines", stallLines);
            if (gatewayPlan != null) {
                gatewayFigures(gatewayPlan, plan, gateways, activated, fleet);
            }
            figures.put("campaign.simulatorErrors", fleet.stats().errorCount());
            figures.put("campaign.repeatedUpgradeDeliveries", fleet.stats().duplicateUpgrades());
            for (ServiceProcess service : List.of(platform.firmware, platform.plan, platform.gateway)) {
                figures.put("rssPeakMiB." + service.name(), service.peakRssMiB());
            }

            row(
                    "Campaign",
                    devices + " sub-devices (" + gateways + " × " + devicesPerGateway + "), silent, " + concurrency
                            + " per gateway",
                    complete ? "complete" : "INCOMPLETE: " + succeeded + " succeeded");
            row(
                    "Registration",
                    "the fleet's sub-devices in one bulk import (before the campaign)",
                    String.format(
                            Locale.ROOT, "%,d in %.1f s (target < 10 s for 100,000)", secrets.size(), registered));
            row(
                    "Campaign wall time",
                    "activate → last SUCCEEDED recorded",
                    String.format(Locale.ROOT, "%.1f s (target ≤ 120 s, aim 60 s)", wall));
            row(
                    "Throughput",
                    "sub-devices per minute",
                    String.format(Locale.ROOT, "%,d (target ≥ 50,000)", Math.round(succeeded / wall * 60)));
            row("Latency", "upgrade sent → SUCCEEDED recorded", "p50 " + p50 + " ms, p99 " + p99 + " ms");
            row(
                    "First success",
                    "activate → first SUCCEEDED recorded",
                    String.format(Locale.ROOT, "%,d ms (target ≤ 5,000)", firstSuccessMillis));
            row("CPU per 1,000 sub-devices", "each service's CPU time through the campaign", cpu.toString());
            row(
                    "Storage",
                    "growth of the three databases per upgraded sub-device, after VACUUM (retention not yet run)",
                    String.format(Locale.ROOT, "%,d bytes (target ≤ 4 KB, aim 1 KB)", bytesPerDevice));
            row(
                    "WAL",
                    "write-ahead log written by the server per upgraded sub-device (all databases)",
                    String.format(Locale.ROOT, "%,d bytes", walPerDevice));
            row("Largest tables", "size with indexes per sub-device, after VACUUM (whole run)", largest);
            row("First of each state", "activate → the first task in it", phases.toString());
            row("Stalls", "\"paused\" / \"given up\" lines in the services' logs", stallLines + " (target 0)");
            row(
                    "MQTT",
                    "messages through the broker (in / out)",
                    String.format(
                            Locale.ROOT,
                            "%,d / %,d, %,d per second",
                            mqttIn,
                            mqttOut,
                            Math.round((mqttIn + mqttOut) / wall)));
            row(
                    "PostgreSQL",
                    "transactions committed",
                    String.format(Locale.ROOT, "%,d, %,d per second", transactions, Math.round(transactions / wall)));
            row(
                    "Statistics",
                    "plan stats succeeded vs. recount from the task table",
                    statsSucceeded + " vs " + recount + (statsSucceeded == recount ? " (equal)" : " (DIFFERENT)"));
            row(
                    "Simulator",
                    "errors / repeated upgrade deliveries",
                    fleet.stats().errorCount() + " / " + fleet.stats().duplicateUpgrades());
            for (ServiceProcess service : List.of(platform.firmware, platform.plan, platform.gateway)) {
                row("Peak RSS", service.name(), service.peakRssMiB() + " MiB (target < 512 MiB)");
            }
            fleet.close();
            // the platform handles the fleet going away (1,000 gateways offline, their sub-devices with them):
            // the baseline must not share the machine with that work
            awaitQuiet();

            long messages = mqttIn > 0 ? mqttIn : (long) devices * 6;
            say(
                    "raw baseline: %,d QoS 1 messages from %,d connections through the same broker ...",
                    messages, gateways);
            long rawMillis = RawMqttBaseline.run(broker.host(), broker.port(), messages, gateways);
            double ratio = wall / (rawMillis / 1000.0);
            figures.put("baseline.messages", messages);
            figures.put("baseline.seconds", round(rawMillis / 1000.0));
            figures.put("baseline.ratio", round(ratio));
            row(
                    "Raw MQTT baseline",
                    String.format(Locale.ROOT, "%,d messages, same broker and client library", messages),
                    String.format(Locale.ROOT, "%.1f s", rawMillis / 1000.0));
            row(
                    "Campaign ÷ baseline",
                    "wall-time ratio",
                    String.format(Locale.ROOT, "%.2f (target ≤ 3, aim 2)", ratio));
            say(
                    "gateway-protocol floor: %,d gateways × %d sub-devices, %d at once, an instant platform ...",
                    gateways, devicesPerGateway, concurrency);
            long floorMillis =
                    GatewayProtocolFloor.run(broker.host(), broker.port(), gateways, devicesPerGateway, concurrency);
            double floorRatio = wall / (floorMillis / 1000.0);
            figures.put("floor.messages", (long) devices * 6);
            figures.put("floor.seconds", round(floorMillis / 1000.0));
            figures.put("floor.ratio", round(floorRatio));
            row(
                    "Gateway-protocol floor",
                    String.format(
                            Locale.ROOT,
                            "%,d messages (1 down + 5 up per sub-device, each publish awaited), an instant platform",
                            (long) devices * 6),
                    String.format(Locale.ROOT, "%.1f s", floorMillis / 1000.0));
            row(
                    "Campaign ÷ floor",
                    "wall-time ratio",
                    String.format(Locale.ROOT, "%.2f (target ≤ 4, aim 2)", floorRatio));
            return complete && statsSucceeded == recount && fleet.stats().errorCount() == 0;
        }
    }

    /** Each service's CPU time so far (user + system), in seconds, from /proc (Linux). */
    private Map<String, Double> cpuSeconds() throws IOException {
        Map<String, Double> seconds = new LinkedHashMap<>();
        for (ServiceProcess service : List.of(platform.firmware, platform.plan, platform.gateway)) {
            String stat = Files.readString(Path.of("/proc", Long.toString(service.pid()), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields from the state on: utime and stime are the 12th and 13th, in clock ticks (100 a second)
            seconds.put(service.name(), (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0);
        }
        return seconds;
    }

    /** Where the server's write-ahead log stands, in bytes. */
    private long walBytes() throws Exception {
        return count("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint");
    }

    /**
     * The five largest tables of the three databases (with their indexes and TOAST), in bytes per upgraded
     * sub-device of the campaign: where the storage goes (the warm-up's rows are in them too).
     */
    private String largestTables(long devices) throws Exception {
        List<String[]> sizes = new ArrayList<>();
        for (String database : platform.databases()) {
            try (Connection c = DriverManager.getConnection(
                            postgres.jdbcUrl(database), postgres.user(), postgres.password());
                    Statement st = c.createStatement();
                    var rows = st.executeQuery("SELECT relname, pg_total_relation_size(oid) FROM pg_class"
                            + " WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace"
                            + " ORDER BY 2 DESC LIMIT 5")) {
                while (rows.next()) {
                    sizes.add(new String[] {rows.getString(1), Long.toString(rows.getLong(2))});
                }
            }
        }
        sizes.sort((a, b) -> Long.compare(Long.parseLong(b[1]), Long.parseLong(a[1])));
        StringBuilder out = new StringBuilder();
        for (String[] table : sizes.subList(0, Math.min(5, sizes.size()))) {
            long perDevice = Long.parseLong(table[1]) / Math.max(1, devices);
            figures.put("campaign.tableBytesPerDevice." + table[0], perDevice);
            out.append(out.isEmpty() ? "" : ", ")
                    .append(table[0])
                    .append(' ')
                    .append(perDevice)
                    .append(" B");
        }
        return out.toString();
    }

    /** The three databases' size on disk, in bytes. */
    private long databaseBytes() throws Exception {
        long bytes = 0;
        for (String database : platform.databases()) {
            bytes += postgres.count(database, "SELECT pg_database_size(current_database())");
        }
        return bytes;
    }

    /** The services' log sizes now: what they log later starts there (the files are appended to). */
    private Map<String, Long> logSizes() throws IOException {
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (ServiceProcess service : List.of(platform.firmware, platform.plan, platform.gateway)) {
            sizes.put(service.name(), Files.size(service.log()));
        }
        return sizes;
    }

    /**
     * Lines the services logged since {@code from} (their log sizes then) that say a relay pass or a
     * consumer stalled ("paused", "given up").
     */
    private long stallLines(Map<String, Long> from) throws IOException {
        long n = 0;
        for (ServiceProcess service : List.of(platform.firmware, platform.plan, platform.gateway)) {
            byte[] all = Files.readAllBytes(service.log());
            int start = (int) Math.min(all.length, from.getOrDefault(service.name(), 0L));
            String since = new String(all, start, all.length - start, java.nio.charset.StandardCharsets.UTF_8);
            try (var lines = since.lines()) {
                n += lines.filter(l -> l.contains("paused") || l.contains("given up"))
                        .count();
            }
        }
        return n;
    }

    private static String latency(String plan, double quantile) {
        return "SELECT (percentile_cont(" + quantile
                + ") WITHIN GROUP (ORDER BY extract(epoch FROM updated_at - notified_at)) * 1000)::bigint"
                + " FROM upgrade_task WHERE plan_id = '" + plan + "' AND state = 'SUCCEEDED'";
    }

    // --- 4: the scheduler over a million devices ---------------------------------------------------

    private void scheduler(int devices) throws Exception {
        String product = Platform.product("sched");
        int perGateway = 100;
        int gateways = devices / perGateway;
        say("seeding %,d devices on %,d gateways into plan-service's device view ...", devices, gateways);
        try (Connection c = DriverManager.getConnection(
                        postgres.jdbcUrl(platform.planDatabase), postgres.user(), postgres.password());
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO gateway_view (gateway_id, online, seq) SELECT '" + product
                    + "-gw-' || g, true, 1 FROM generate_series(1, " + gateways + ") g ON CONFLICT DO NOTHING");
            s.execute("INSERT INTO device_view (product_key, device_key, gateway_id, online, version, seq) SELECT '"
                    + product + "', 'd-' || g || '-' || d, '" + product + "-gw-' || g, true, '1.0.0', 1"
                    + " FROM generate_series(1, " + gateways + ") g, generate_series(1, " + perGateway + ") d");
            s.execute("ANALYZE device_view");
            s.execute("ANALYZE gateway_view");
        }
        String firmware = platform.uploadFirmware(product, "2.0.0", 4 * 1024);
        String plan = platform.createPlan(
                product,
                product,
                firmware,
                "\"mode\":\"SILENT\",\"maxConcurrentPerGateway\":1,\"ackTimeoutSeconds\":3600");
        int target = 10_000;
        long published0 = count("SELECT count(*) FROM outbox_message WHERE published_at IS NOT NULL");
        long start = System.nanoTime();
        platform.move(plan, "activate");
        long selected = -1;
        long pushed = -1;
        long deadline = start + TimeUnit.MINUTES.toNanos(5);
        while ((selected < 0 || pushed < 0) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            if (selected < 0 && count("SELECT count(*) FROM upgrade_task WHERE plan_id = '" + plan + "'") >= target) {
                selected = System.nanoTime() - start;
            }
            if (selected >= 0
                    && count("SELECT count(*) FROM outbox_message WHERE published_at IS NOT NULL") - published0
                            >= target) {
                pushed = System.nanoTime() - start;
            }
        }
        // a dashboard's client: one keep-alive connection, five warm-up reads not counted
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpRequest read = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(platform.plan.baseUrl() + "/api/v1/plans/" + plan))
                .header(
                        "Authorization",
                        "Bearer "
                                + org.otaplatform.testkit.JwtTokens.devOnly()
                                        .token("bench", org.otaplatform.testkit.JwtTokens.VIEWER))
                .build();
        List<Long> detail = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            long t = System.nanoTime();
            var response = http.send(read, java.net.http.HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200 || !response.body().contains("\"stats\"")) {
                throw new IllegalStateException("plan detail answered " + response.statusCode());
            }
            if (i >= 5) {
                detail.add(System.nanoTime() - t);
            }
        }
        platform.move(plan, "terminate");
        detail.sort(null);
        double selectedS = selected / 1e9;
        double pushedS = pushed / 1e9;
        double medianMs = detail.get(detail.size() / 2) / 1e6;
        double p95Ms = detail.get((int) (detail.size() * 0.95)) / 1e6;
        figures.put("scheduler.devices", devices);
        figures.put("scheduler.tasksCreatedSeconds", selected < 0 ? null : round(selectedS));
        figures.put("scheduler.tasksPublishedSeconds", pushed < 0 ? null : round(pushedS));
        figures.put("scheduler.planDetailMedianMillis", round(medianMs));
        figures.put("scheduler.planDetailP95Millis", round(p95Ms));
        row(
                "Scheduler",
                String.format(Locale.ROOT, "10,000 tasks selected and created, %,d devices", devices),
                selected < 0 ? "not within 5 min" : String.format(Locale.ROOT, "%.2f s (target < 2 s)", selectedS));
        row(
                "Scheduler",
                "… and their upgrade commands published",
                pushed < 0 ? "not within 5 min" : String.format(Locale.ROOT, "%.2f s", pushedS));
        row(
                "Plan detail",
                "GET /api/v1/plans/{id} with stats, " + String.format(Locale.ROOT, "%,d devices", devices),
                String.format(Locale.ROOT, "median %.1f ms, p95 %.1f ms (target < 50 ms)", medianMs, p95Ms));
    }

    // --- 3: the download benchmark's result, when bench/download.sh ran first --------------------

    private void download(Path results) throws IOException {
        Path json = results.resolve("download.json");
        if (!Files.exists(json)) {
            row("Download", "200 concurrent, 4 MiB, vs nginx", "not run (bench/download.sh)");
            return;
        }
        String text = Files.readString(json);
        java.util.regex.Matcher ratio =
                java.util.regex.Pattern.compile("\"ratio\"\\s*:\\s*([0-9.]+)").matcher(text);
        String value = ratio.find() ? ratio.group(1) : "?";
        figures.put("download.ratioToNginx", value);
        row("Download", "200 concurrent, 4 MiB: firmware-service ÷ nginx throughput", value + " (target ≥ 0.7)");
    }

    // --- measuring ----------------------------------------------------------------------------------

    private record Counters(long brokerReceived, long brokerSent, long transactions) {}

    private Counters counters() throws Exception {
        long[] sys = brokerTotals();
        return new Counters(
                sys[0], sys[1], postgres.count("postgres", "SELECT sum(xact_commit)::bigint FROM pg_stat_database"));
    }

    /** The broker's message totals from its $SYS topics ({-1, -1} on a broker without them). */
    private long[] brokerTotals() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            AtomicLong received = new AtomicLong(-1);
            AtomicLong sent = new AtomicLong(-1);
            MqttClient client =
                    MqttClient.create(vertx, new MqttClientOptions().setClientId("bench-sys-" + System.nanoTime()));
            client.publishHandler(m -> {
                long value = Long.parseLong(m.payload().toString().trim());
                if (m.topicName().endsWith("/received")) {
                    received.set(value);
                } else {
                    sent.set(value);
                }
            });
            client.connect(broker.port(), broker.host())
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            client.subscribe("$SYS/broker/publish/messages/+", MqttQoS.AT_MOST_ONCE.value());
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while ((received.get() < 0 || sent.get() < 0) && System.nanoTime() < end) {
                Thread.sleep(50);
            }
            client.disconnect();
            return new long[] {received.get(), sent.get()};
        } finally {
            vertx.close();
        }
    }

    private long count(String sql) throws Exception {
        return postgres.count(platform.planDatabase, sql);
    }

    /**
     * Waits until the broker carries under 50 messages a second and the database commits under 50
     * transactions a second (an idle platform's periodic passes commit 10 to 20), twice in a row (at most
     * three minutes).
     */
    private void awaitQuiet() throws Exception {
        long start = System.nanoTime();
        long end = start + TimeUnit.MINUTES.toNanos(3);
        Counters last = counters();
        int quiet = 0;
        while (quiet < 2 && System.nanoTime() < end) {
            Thread.sleep(2_000);
            Counters now = counters();
            boolean still =
                    now.brokerReceived - last.brokerReceived < 100 && now.transactions - last.transactions < 100;
            quiet = still ? quiet + 1 : 0;
            last = now;
        }
        say(
                "the platform %s %.1f s after the fleet left",
                quiet >= 2 ? "was quiet" : "was still busy", (System.nanoTime() - start) / 1e9);
    }

    private void awaitCount(String what, String sql, long expected, Duration limit) throws Exception {
        long end = System.nanoTime() + limit.toNanos();
        long seen = 0;
        while (System.nanoTime() < end) {
            seen = count(sql);
            if (seen >= expected) {
                return;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(what + ": " + seen + " of " + expected + " after " + limit);
    }

    // --- output ---------------------------------------------------------------------------------------

    /**
     * The gateway plan's figures beside the campaign: how many gateways booted the new firmware and when the
     * last did, and how long the sub-devices waited: from activation to their upgrade being sent, and from
     * their gateway's success to it (the platform's reaction to the boot).
     */
    private void gatewayFigures(String gatewayPlan, String plan, int gateways, Instant activated, Fleet fleet)
            throws Exception {
        long succeeded = count(
                "SELECT count(*) FROM upgrade_task WHERE plan_id = '" + gatewayPlan + "' AND state = 'SUCCEEDED'");
        double wall = (count("SELECT coalesce((extract(epoch FROM max(updated_at)) * 1000)::bigint, 0)"
                                + " FROM upgrade_task WHERE plan_id = '" + gatewayPlan + "' AND state = 'SUCCEEDED'")
                        - activated.toEpochMilli())
                / 1000.0;
        String sent = "SELECT (extract(epoch FROM s.notified_at) * 1000)::bigint - " + activated.toEpochMilli()
                + " AS wait FROM upgrade_task s WHERE s.plan_id = '" + plan + "' AND s.attempt = 1";
        // per gateway: its success → the first of its sub-devices' upgrades sent (the platform's reaction to
        // the boot; the later ones also wait for room under maxConcurrentPerGateway)
        String afterGateway = "SELECT (extract(epoch FROM min(s.notified_at) - g.updated_at) * 1000)::bigint AS wait"
                + " FROM upgrade_task s JOIN upgrade_task g ON g.gateway_id = s.gateway_id AND g.plan_id = '"
                + gatewayPlan + "' AND g.state = 'SUCCEEDED' WHERE s.plan_id = '" + plan + "' AND s.attempt = 1"
                + " GROUP BY g.gateway_id, g.updated_at";
        long waitP50 = count(percentile(sent, 0.5));
        long waitP99 = count(percentile(sent, 0.99));
        long afterP50 = count(percentile(afterGateway, 0.5));
        long afterP99 = count(percentile(afterGateway, 0.99));
        figures.put("gateways.succeeded", succeeded);
        figures.put("gateways.wallSeconds", round(wall));
        figures.put("gateways.rebootsSeen", fleet.stats().reboots());
        figures.put("gateways.bothAtOnce", fleet.stats().bothAtOnce());
        figures.put("campaign.subDeviceWaitMillis.p50", waitP50);
        figures.put("campaign.subDeviceWaitMillis.p99", waitP99);
        figures.put("campaign.afterGatewayMillis.p50", afterP50);
        figures.put("campaign.afterGatewayMillis.p99", afterP99);
        row(
                "Gateway firmware",
                gateways + " gateways upgrading themselves (reboot, hello decides) beside the campaign",
                String.format(
                        Locale.ROOT,
                        "%,d succeeded, last %.1f s after activation; told both at once: %d",
                        succeeded,
                        wall,
                        fleet.stats().bothAtOnce()));
        row(
                "Sub-devices' wait",
                "activation → upgrade sent (each waits for its gateway's new firmware); a gateway's SUCCEEDED → the"
                        + " first upgrade sent behind it",
                "p50 " + waitP50 + " ms, p99 " + waitP99 + " ms; after the gateway p50 " + afterP50 + " ms, p99 "
                        + afterP99 + " ms");
    }

    private static String percentile(String waits, double p) {
        return "SELECT coalesce(percentile_disc(" + p + ") WITHIN GROUP (ORDER BY wait), 0) FROM (" + waits + ") w";
    }

    private void row(String what, String how, String value) {
        rows.add(new String[] {what, how, value});
    }

    private void write(Path results) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# OTA platform benchmark\n\n")
                .append(String.format(
                        Locale.ROOT,
                        "%s, %d cores, all services, broker and PostgreSQL on this machine;"
                                + " PostgreSQL: %s, autovacuum %s; %s.%n%n",
                        figures.get("startedAt"),
                        figures.get("cores"),
                        figures.get("postgres"),
                        Boolean.TRUE.equals(figures.get("postgres.autovacuum")) ? "on" : "off",
                        ((Number) figures.get("warmup.devices")).intValue() > 0
                                ? String.format(
                                        Locale.ROOT,
                                        "services warmed up by a campaign of %,d sub-devices first",
                                        figures.get("warmup.devices"))
                                : "services cold (no warm-up campaign)"))
                .append("| measure | what | result |\n|---|---|---|\n");
        for (String[] r : rows) {
            md.append("| ")
                    .append(r[0])
                    .append(" | ")
                    .append(r[1])
                    .append(" | ")
                    .append(r[2])
                    .append(" |\n");
        }
        StringBuilder json = new StringBuilder("{\n");
        int i = 0;
        for (Map.Entry<String, Object> e : figures.entrySet()) {
            Object v = e.getValue();
            String value =
                    v == null ? "null" : v instanceof Number || v instanceof Boolean ? v.toString() : "\"" + v + "\"";
            json.append("  \"")
                    .append(e.getKey())
                    .append("\": ")
                    .append(value)
                    .append(++i < figures.size() ? ",\n" : "\n");
        }
        json.append("}\n");
        Files.writeString(results.resolve("benchmark.md"), md);
        Files.writeString(results.resolve("benchmark.json"), json);
        System.out.println();
        System.out.println(md);
        say("written to %s (benchmark.md, benchmark.json)", results);
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static void say(String format, Object... args) {
        System.out.printf(Locale.ROOT, "bench: " + format + "%n", args);
        System.out.flush();
    }
}
