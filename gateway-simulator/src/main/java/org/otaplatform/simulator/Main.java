package org.otaplatform.simulator;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code java -jar gateway-simulator.jar --gateways 20 --devices 25 ...}; see {@link Options#usage()}. */
public final class Main {

    private Main() {}

    public static void main(String[] args) throws Exception {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.print(Options.usage());
            return;
        }
        quietLibraries();
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("gateway-simulator: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.out.printf(
                "gateway-simulator: %d gateways x %d sub-devices of %s (version %s) on %s:%d, seed %d%n",
                options.gateways(),
                options.devicesPerGateway(),
                options.productKey(),
                options.version(),
                options.brokerHost(),
                options.brokerPort(),
                options.seed());
        Map<String, String> secrets;
        try {
            secrets = secrets(options);
        } catch (IOException | RuntimeException e) {
            System.err.println("gateway-simulator: cannot register the fleet: " + e.getMessage());
            System.exit(2);
            return;
        }
        Fleet fleet = Fleet.start(options, secrets);
        AtomicBoolean ended = new AtomicBoolean();
        CountDownLatch summaryPrinted = new CountDownLatch(1);
        Runnable end = () -> {
            if (ended.compareAndSet(false, true)) {
                fleet.close();
                writeStatus(options.statusFile(), fleet.stats());
                System.out.println();
                System.out.print(fleet.stats().summary());
                System.out.flush();
                summaryPrinted.countDown();
            }
        };
        Thread hook = new Thread(() -> {
            end.run();
            try {
                summaryPrinted.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);

        boolean console = System.console() != null;
        PrintStream out = System.out;
        long started = System.currentTimeMillis();
        long tick = 0;
        while (!ended.get()) {
            Thread.sleep(1_000);
            tick++;
            Stats stats = fleet.stats();
            writeStatus(options.statusFile(), stats);
            if (!options.quiet()) {
                String line = stats.statusLine(options.gateways());
                if (console) {
                    out.print("\r" + line);
                } else if (tick % 5 == 0) {
                    out.println(line);
                }
                out.flush();
            }
            long elapsed = System.currentTimeMillis() - started;
            boolean timeUp = !options.duration().isZero()
                    && elapsed >= options.duration().toMillis();
            boolean idle = !options.untilIdle().isZero()
                    && stats.tasks() > 0
                    && stats.inFlight.get() == 0
                    && stats.idleMillis() >= options.untilIdle().toMillis();
            if (timeUp || idle) {
                break;
            }
        }
        end.run();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            return; // the JVM is shutting down already (a signal)
        }
        System.exit(fleet.stats().errorCount() == 0 ? 0 : 1);
    }

    /**
     * The secrets the gateways sign their claims with: registered now ({@code --register}), read from an
     * import's CSV answer ({@code --secrets}), or none.
     */
    static Map<String, String> secrets(Options options) throws IOException, InterruptedException {
        if (options.registerUrl() != null) {
            Map<String, String> secrets =
                    new Registration(options.registerUrl(), System.getenv("OTA_API_TOKEN")).fleet(options);
            System.out.printf(
                    "gateway-simulator: registered %d sub-devices of %s at %s%n",
                    secrets.size(), options.productKey(), options.registerUrl());
            return secrets;
        }
        if (options.secretsFile() != null) {
            return readSecrets(options.secretsFile());
        }
        return Map.of();
    }

    /** deviceKey → deviceSecret from a CSV with a header naming the columns deviceKey and deviceSecret. */
    static Map<String, String> readSecrets(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            return Map.of();
        }
        List<String> header = Arrays.asList(lines.get(0).replace("\uFEFF", "").split(","));
        int key = header.indexOf("deviceKey");
        int secret = header.indexOf("deviceSecret");
        if (key < 0 || secret < 0) {
            throw new IllegalArgumentException("--secrets: " + file + " has no deviceKey and deviceSecret columns");
        }
        Map<String, String> secrets = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            // deviceKeys and secrets never hold a comma or a quote; a quoted name before them may
            String[] fields = line.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", -1);
            if (fields.length > Math.max(key, secret)) {
                secrets.put(fields[key], fields[secret]);
            }
        }
        return secrets;
    }

    /**
     * Vert.x logs every MQTT connect at INFO through java.util.logging: a fleet would drown the screen (also
     * for a harness that runs a fleet in its own process).
     */
    public static void quietLibraries() {
        for (java.util.logging.Logger logger : QUIETED) {
            logger.setLevel(java.util.logging.Level.WARNING);
        }
    }

    /** Held here: java.util.logging keeps loggers weakly, and a collected one forgets its level. */
    private static final java.util.logging.Logger[] QUIETED = {
        java.util.logging.Logger.getLogger("io.vertx"), java.util.logging.Logger.getLogger("io.netty")
    };

    static void writeStatus(Path file, Stats stats) {
        if (file == null) {
            return;
        }
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, stats.json() + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // the figures are informational; the next second tries again
        }
    }
}
