package org.otaplatform.e2e;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.otaplatform.testkit.JwtTokens;
import org.otaplatform.testkit.PostgresServer;
import org.otaplatform.testkit.ServiceProcess;

/**
 * The bulk import of issue #18 ({@code bench/import.sh}): 100,000 devices (with names) registered in one call
 * into a packaged device-gateway-service on this machine's PostgreSQL, as JSON and as CSV, each into a
 * product of its own, the answer (every device with its secret) read in full by the client. Reports the wall
 * time of each call and the service's peak RSS; the target is under 10 s per import. Writes
 * {@code bench/results/import.md}.
 *
 * <p>Options: {@code --devices N} (100,000) {@code --rounds N} (3: the first meets a cold service).
 */
public final class ImportBenchmark {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private ImportBenchmark() {}

    public static void main(String[] args) throws Exception {
        int devices = BenchArgs.integer(args, "--devices", 100_000);
        int rounds = BenchArgs.integer(args, "--rounds", 3);
        PostgresServer postgres = PostgresServer.shared();
        String database = postgres.createUniqueDatabase("ota_bench_import");
        Path root = Path.of("..").toAbsolutePath().normalize();
        String token = JwtTokens.devOnly().token("bench-admin", JwtTokens.ADMIN);
        List<String> rows = new ArrayList<>();
        int exit = 0;
        try (ServiceProcess gateway = ServiceProcess.of(
                        "device-gateway-service",
                        root.resolve("device-gateway-service/target/quarkus-app/quarkus-run.jar"),
                        "OTA_DEVICE_GATEWAY_PORT")
                .database("OTA_DEVICE_GATEWAY_DB", database)
                .heap("-Xmx384m")
                .logDir(Path.of("target", "bench-logs"))
                .start()) {
            byte[] json = json(devices);
            byte[] csv = csv(devices);
            say("%,d devices: %,d bytes of JSON, %,d bytes of CSV", devices, json.length, csv.length);
            for (int round = 1; round <= rounds; round++) {
                for (boolean asCsv : new boolean[] {false, true}) {
                    String product = "bench-import-" + round + (asCsv ? "-csv" : "-json");
                    post(
                            gateway,
                            token,
                            "/api/v1/products",
                            "application/json",
                            ("{\"productKey\":\"" + product + "\",\"name\":\"bench\",\"nodeType\":\"SUB_DEVICE\"}")
                                    .getBytes(StandardCharsets.UTF_8));
                    long started = System.nanoTime();
                    HttpResponse<byte[]> answer = post(
                            gateway,
                            token,
                            "/api/v1/products/" + product + "/devices:import",
                            asCsv ? "text/csv" : "application/json",
                            asCsv ? csv : json);
                    double seconds = (System.nanoTime() - started) / 1e9;
                    long registered = count(answer.body(), asCsv);
                    boolean ok = answer.statusCode() == 201 && registered == devices;
                    if (!ok || seconds >= 10) {
                        exit = 1;
                    }
                    String row = String.format(
                            Locale.ROOT,
                            "| %d | %s | %,d | %.2f s | %,d bytes | %s |",
                            round,
                            asCsv ? "CSV" : "JSON",
                            registered,
                            seconds,
                            answer.body().length,
                            ok ? (seconds < 10 ? "under 10 s" : "OVER 10 s") : "FAILED: " + answer.statusCode());
                    rows.add(row);
                    say("round %d %s: %,d registered in %.2f s", round, asCsv ? "CSV" : "JSON", registered, seconds);
                }
            }
            long rss = gateway.peakRssMiB();
            StringBuilder md = new StringBuilder("# Bulk import benchmark\n\n")
                    .append(String.format(
                            Locale.ROOT,
                            "%s, %d cores, device-gateway-service packaged (-Xmx384m), PostgreSQL %s:%d on this"
                                    + " machine; %,d devices with names per import, each into a new product.%n%n",
                            Instant.now(),
                            Runtime.getRuntime().availableProcessors(),
                            postgres.host(),
                            postgres.port(),
                            devices))
                    .append(
                            "| round | body | registered | wall time (request → whole answer) | answer | target < 10 s |\n")
                    .append("|---|---|---|---|---|---|\n");
            rows.forEach(r -> md.append(r).append('\n'));
            md.append(String.format(Locale.ROOT, "%nPeak RSS of device-gateway-service: %d MiB.%n", rss));
            Path results = Path.of("..", "bench", "results").toAbsolutePath().normalize();
            Files.createDirectories(results);
            Files.writeString(results.resolve("import.md"), md.toString());
            System.out.println();
            System.out.print(md);
        } finally {
            postgres.dropDatabase(database);
        }
        System.exit(exit);
    }

    private static HttpResponse<byte[]> post(
            ServiceProcess service, String token, String path, String type, byte[] body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(service.baseUrl() + path))
                        .timeout(Duration.ofMinutes(5))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", type)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    /** How many devices the answer lists (with a secret each). */
    private static long count(byte[] answer, boolean csv) {
        String text = new String(answer, StandardCharsets.UTF_8);
        return csv
                ? text.lines()
                        .skip(1)
                        .filter(l -> l.matches(".*,[0-9a-f]{64}$"))
                        .count()
                : text.split("\"deviceSecret\":\"[0-9a-f]{64}\"", -1).length - 1;
    }

    private static byte[] json(int devices) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("[".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < devices; i++) {
            out.writeBytes(
                    ((i == 0 ? "" : ",") + "{\"deviceKey\":\"00:17:88:01:" + String.format(Locale.ROOT, "%08x", i)
                                    + "\",\"name\":\"Bulb " + i + ", building " + (i / 1000) + "\"}")
                            .getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes("]".getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static byte[] csv(int devices) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("deviceKey,name\n".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < devices; i++) {
            out.writeBytes(("00:17:88:02:" + String.format(Locale.ROOT, "%08x", i) + ",\"Sensor " + i + ", floor "
                            + (i / 1000) + "\"\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private static void say(String format, Object... args) {
        System.out.printf(Locale.ROOT, "bench: " + format + "%n", args);
        System.out.flush();
    }
}
