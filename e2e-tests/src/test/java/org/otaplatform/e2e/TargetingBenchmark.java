package org.otaplatform.e2e;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.otaplatform.contract.version.SemanticVersion;
import org.otaplatform.testkit.JwtTokens;
import org.otaplatform.testkit.PostgresServer;
import org.otaplatform.testkit.ServiceProcess;

/**
 * Fleet targeting at scale (issue #34, {@code bench/targeting.sh}), two parts on this machine's PostgreSQL:
 *
 * <ol>
 *   <li>Tagging: 100,000 devices imported into a packaged device-gateway-service, then tagged in one call
 *       ({@code devices:tag}) by filter and by key list; target well under 10 s per call.
 *   <li>Preview: plan-service's views seeded with 1,000,000 sub-devices behind 10,000 gateways (two hardware
 *       revisions, ten sites, a hundred customers, three versions), then {@code POST /api/v1/plans:preview} for a
 *       plan over the whole product, a site, and a revision and customers, its package fitting one revision; target
 *       under 1 s per preview.
 * </ol>
 *
 * Prints a Markdown table and writes {@code bench/results/targeting.md}. Options: {@code --devices N}
 * (1,000,000), {@code --tagged N} (100,000), {@code --rounds N} (5).
 */
public final class TargetingBenchmark {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private TargetingBenchmark() {}

    public static void main(String[] args) throws Exception {
        int devices = BenchArgs.integer(args, "--devices", 1_000_000);
        int tagged = BenchArgs.integer(args, "--tagged", 100_000);
        int rounds = BenchArgs.integer(args, "--rounds", 5);
        PostgresServer postgres = PostgresServer.shared();
        Path root = Path.of("..").toAbsolutePath().normalize();
        String token = JwtTokens.devOnly().token("bench-admin", JwtTokens.ADMIN);
        List<String> rows = new ArrayList<>();
        boolean ok = true;
        String gatewayDb = postgres.createUniqueDatabase("ota_bench_tag");
        String planDb = postgres.createUniqueDatabase("ota_bench_preview");
        try {
            try (ServiceProcess gateway = ServiceProcess.of(
                            "device-gateway-service",
                            root.resolve("device-gateway-service/target/quarkus-app/quarkus-run.jar"),
                            "OTA_DEVICE_GATEWAY_PORT")
                    .database("OTA_DEVICE_GATEWAY_DB", gatewayDb)
                    .heap("-Xmx384m")
                    .logDir(Path.of("target", "bench-logs"))
                    .start()) {
                ok &= tagging(gateway, token, tagged, rows);
            }
            try (ServiceProcess plans = ServiceProcess.of(
                            "plan-service",
                            root.resolve("plan-service/target/quarkus-app/quarkus-run.jar"),
                            "OTA_PLAN_PORT")
                    .database("OTA_PLAN_DB", planDb)
                    .heap("-Xmx384m")
                    .logDir(Path.of("target", "bench-logs"))
                    .start()) {
                String firmware = seed(postgres, planDb, devices);
                ok &= previews(plans, token, firmware, devices, rounds, rows);
            }
            StringBuilder md = new StringBuilder("# Fleet targeting benchmark\n\n")
                    .append(String.format(
                            Locale.ROOT,
                            "%s, %d cores, services packaged (-Xmx384m), PostgreSQL %s:%d on this machine.%n%n",
                            Instant.now(),
                            Runtime.getRuntime().availableProcessors(),
                            postgres.host(),
                            postgres.port()))
                    .append("| what | devices | matched | wall time (median / max) | target |\n")
                    .append("|---|---|---|---|---|\n");
            rows.forEach(r -> md.append(r).append('\n'));
            Path results = Path.of("..", "bench", "results").toAbsolutePath().normalize();
            Files.createDirectories(results);
            Files.writeString(results.resolve("targeting.md"), md.toString());
            System.out.println();
            System.out.print(md);
        } finally {
            postgres.dropDatabase(gatewayDb);
            postgres.dropDatabase(planDb);
        }
        System.exit(ok ? 0 : 1);
    }

    /** Imports {@code n} devices and tags them all in one call, by filter and then by key list. */
    private static boolean tagging(ServiceProcess gateway, String token, int n, List<String> rows) throws Exception {
        String product = "bench-tag";
        send(
                gateway.baseUrl(),
                token,
                "POST",
                "/api/v1/products",
                "{\"productKey\":\"" + product + "\",\"name\":\"bench\",\"nodeType\":\"SUB_DEVICE\"}");
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        json.writeBytes("[".getBytes(StandardCharsets.UTF_8));
        StringBuilder keys = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            String key = String.format(Locale.ROOT, "dev-%07d", i);
            json.writeBytes(((i == 0 ? "" : ",") + "{\"deviceKey\":\"" + key + "\"}").getBytes(StandardCharsets.UTF_8));
            keys.append(i == 0 ? "" : ",").append('"').append(key).append('"');
        }
        json.writeBytes("]".getBytes(StandardCharsets.UTF_8));
        keys.append(']');
        HttpResponse<String> imported = send(
                gateway.baseUrl(),
                token,
                "POST",
                "/api/v1/products/" + product + "/devices:import",
                json.toString(StandardCharsets.UTF_8));
        if (imported.statusCode() != 201) {
            throw new IllegalStateException("import: " + imported.statusCode() + " " + imported.body());
        }
        say("%,d devices imported", n);
        boolean ok = true;
        String[][] calls = {
            {
                "tag by filter (productKey==…)",
                "{\"filter\":\"productKey==" + product + "\",\"set\":{\"site\":\"hamburg\"}}"
            },
            {"tag by key list", "{\"devices\":" + keys + ",\"set\":{\"customer\":\"acme\"},\"remove\":[\"site\"]}"}
        };
        for (String[] call : calls) {
            long started = System.nanoTime();
            HttpResponse<String> answer =
                    send(gateway.baseUrl(), token, "POST", "/api/v1/products/" + product + "/devices:tag", call[1]);
            double seconds = (System.nanoTime() - started) / 1e9;
            boolean good = answer.statusCode() == 200 && answer.body().contains("\"matched\":" + n) && seconds < 10;
            ok &= good;
            rows.add(String.format(
                    Locale.ROOT,
                    "| %s | %,d | %s | %.2f s | %s |",
                    call[0],
                    n,
                    answer.body().replace("|", "/"),
                    seconds,
                    good ? "under 10 s" : "FAILED or OVER 10 s (" + answer.statusCode() + ")"));
            say("%s: %.2f s, %s", call[0], seconds, answer.body());
        }
        return ok;
    }

    /**
     * plan-service's views as its consumers would have written them for a fleet of {@code n} sub-devices: the
     * product (SemVer), 10,000 gateways, the devices (1.0.0 and 1.2.0 to upgrade, some on 2.0.0 already), their
     * attributes, and a 2.0.0 package for revision A. The package's id.
     */
    private static String seed(PostgresServer postgres, String database, int n) throws Exception {
        String firmware = UUID.randomUUID().toString();
        long started = System.nanoTime();
        try (Connection c =
                        DriverManager.getConnection(postgres.jdbcUrl(database), postgres.user(), postgres.password());
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO product_view (product_key, node_type, version_scheme, seq)"
                    + " VALUES ('bench-fleet', 'SUB_DEVICE', 'SEMVER', 1), ('bench-gw', 'GATEWAY', 'SEMVER', 1)");
            try (PreparedStatement p = c.prepareStatement("INSERT INTO gateway_view (gateway_id, online, seq,"
                    + " product_key, version, version_key) SELECT 'gw-' || lpad(g::text, 5, '0'), true, 1, 'bench-gw',"
                    + " '1.0.0', ? FROM generate_series(0, 9999) g")) {
                p.setBytes(1, SemanticVersion.sortKeyOf("1.0.0"));
                p.execute();
            }
            // the device rows carry their attributes as the consumers write them (V23)
            try (PreparedStatement p = c.prepareStatement("INSERT INTO device_view (product_key, device_key,"
                    + " gateway_id, online, version, version_key, seq, attached, hardware_revision, tags)"
                    + " SELECT 'bench-fleet', 'dev-' || lpad(i::text, 7, '0'), 'gw-' || lpad((i % 10000)::text, 5, '0'),"
                    + " true, CASE WHEN i % 20 = 0 THEN '2.0.0' WHEN i % 3 = 0 THEN '1.2.0' ELSE '1.0.0' END,"
                    + " CASE WHEN i % 20 = 0 THEN ? WHEN i % 3 = 0 THEN ? ELSE ? END, 1, true,"
                    + " CASE WHEN i % 2 = 0 THEN 'A' ELSE 'B' END,"
                    + " jsonb_build_object('site', 'site' || (i % 10), 'customer', 'c' || (i % 100))"
                    + " FROM generate_series(0, ? - 1) i")) {
                p.setBytes(1, SemanticVersion.sortKeyOf("2.0.0"));
                p.setBytes(2, SemanticVersion.sortKeyOf("1.2.0"));
                p.setBytes(3, SemanticVersion.sortKeyOf("1.0.0"));
                p.setInt(4, n);
                p.execute();
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO device_attributes_view (product_key, device_key,"
                    + " hardware_revision, tags, seq) SELECT 'bench-fleet', 'dev-' || lpad(i::text, 7, '0'),"
                    + " CASE WHEN i % 2 = 0 THEN 'A' ELSE 'B' END,"
                    + " jsonb_build_object('site', 'site' || (i % 10), 'customer', 'c' || (i % 100)), i"
                    + " FROM generate_series(0, ? - 1) i")) {
                p.setInt(1, n);
                p.execute();
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO firmware_view (firmware_id, product_key,"
                    + " version, type, size, sha256, signature, key_id, verification, hardware_revisions)"
                    + " VALUES (CAST(? AS uuid), 'bench-fleet', '2.0.0', 'FULL', 65536, repeat('a', 64), 'c2ln', 'k1',"
                    + " 'VERIFIED', '{A}')")) {
                p.setString(1, firmware);
                p.execute();
            }
            s.execute("VACUUM ANALYZE device_view");
            s.execute("VACUUM ANALYZE device_attributes_view");
            s.execute("VACUUM ANALYZE gateway_view");
        }
        say("seeded %,d devices behind 10,000 gateways in %.1f s", n, (System.nanoTime() - started) / 1e9);
        return firmware;
    }

    private static boolean previews(
            ServiceProcess plans, String token, String firmware, int n, int rounds, List<String> rows)
            throws Exception {
        String[][] cases = {
            {"preview: the whole product", ""},
            {"preview: one site of ten", ",\"target\":{\"filter\":\"tag.site==site3\"}"},
            {
                "preview: revision A, three customers, below 1.5.0",
                ",\"target\":{\"filter\":\"hardwareRevision==A;tag.customer=in=(c2,c4,c6);version<1.5.0\"}"
            },
            {
                "preview: a tenth of the gateways by wildcard, with waves",
                ",\"target\":{\"filter\":\"gatewayId==gw-00*\"},\"waves\":[{\"canary\":true,\"count\":50},{\"percent\":10}]"
            }
        };
        boolean ok = true;
        for (String[] c : cases) {
            String body = "{\"name\":\"bench\",\"productKey\":\"bench-fleet\",\"firmwareId\":\"" + firmware
                    + "\",\"mode\":\"SILENT\",\"timeZone\":\"UTC\"" + c[1] + "}";
            double[] times = new double[rounds];
            String answer = "";
            for (int r = 0; r < rounds; r++) {
                long started = System.nanoTime();
                HttpResponse<String> response = send(plans.baseUrl(), token, "POST", "/api/v1/plans:preview", body);
                times[r] = (System.nanoTime() - started) / 1e9;
                if (response.statusCode() != 200) {
                    throw new IllegalStateException(c[0] + ": " + response.statusCode() + " " + response.body());
                }
                answer = response.body();
            }
            double[] sorted = times.clone();
            Arrays.sort(sorted);
            double median = sorted[rounds / 2];
            // the first call meets a cold service and cold caches: the target is for the ones after it
            double worst = rounds > 1 ? Arrays.stream(times, 1, rounds).max().orElse(times[0]) : times[0];
            boolean good = worst < 1.0;
            ok &= good;
            String matched = field(answer, "targeted") + " targeted, " + field(answer, "willUpgrade") + " to upgrade, "
                    + field(answer, "incompatible") + " incompatible, " + field(answer, "upToDate") + " up to date";
            rows.add(String.format(
                    Locale.ROOT,
                    "| %s | %,d | %s | %.3f / %.3f s (first %.3f s) | %s |",
                    c[0],
                    n,
                    matched,
                    median,
                    worst,
                    times[0],
                    good ? "under 1 s" : "OVER 1 s"));
            say("%s: median %.3f s, worst after the first %.3f s; %s", c[0], median, worst, matched);
        }
        return ok;
    }

    private static String field(String json, String name) {
        int at = json.indexOf("\"" + name + "\":");
        if (at < 0) {
            return "?";
        }
        int from = at + name.length() + 3;
        int to = from;
        while (to < json.length() && Character.isDigit(json.charAt(to))) {
            to++;
        }
        return String.format(Locale.ROOT, "%,d", Long.parseLong(json.substring(from, to)));
    }

    private static HttpResponse<String> send(String base, String token, String method, String path, String body)
            throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofMinutes(5))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void say(String format, Object... args) {
        System.out.printf(Locale.ROOT, "bench: " + format + "%n", args);
        System.out.flush();
    }
}
