package org.otaplatform.simulator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.otaplatform.contract.wire.FailureCode;

/**
 * What the simulated fleet looks like and how it behaves. Every option has a default; {@link #parse}
 * reads the command line ({@link Cli}) and names the option at fault when one is wrong.
 */
public record Options(
        String brokerHost,
        int brokerPort,
        String mqttPassword,
        int gateways,
        int devicesPerGateway,
        String prefix,
        String productKey,
        String gatewayProductKey,
        String version,
        String gatewayVersion,
        double gatewayRollbackRatio,
        Duration rebootFor,
        long seed,
        double acceptRatio,
        Duration ackDelay,
        Map<FailureCode, Double> failures,
        double brokenRatio,
        double lowBatteryRatio,
        double offlineRatio,
        Duration flashTime,
        long downloadBytesPerSecond,
        double interruptRatio,
        double dropRatio,
        Duration dropEvery,
        Duration dropFor,
        double roamRatio,
        Duration roamEvery,
        boolean requests,
        boolean awaitPublish,
        Duration duration,
        Duration untilIdle,
        Path statusFile,
        boolean quiet,
        int rogue,
        String registerUrl,
        Path secretsFile,
        java.util.List<String> hardwareRevisions) {

    public Options {
        failures = Map.copyOf(failures);
        hardwareRevisions = hardwareRevisions == null ? java.util.List.of() : java.util.List.copyOf(hardwareRevisions);
        for (String r : hardwareRevisions) {
            check(r.matches("[A-Za-z0-9._-]{1,32}"), "--hardware-revisions", "revisions of 1-32 [A-Za-z0-9._-]");
        }
        check(gateways >= 1 && gateways <= 100_000, "--gateways", "1 to 100000");
        check(devicesPerGateway >= 0 && devicesPerGateway <= 10_000, "--devices", "0 to 10000");
        check(ratio(acceptRatio), "--accept", "a ratio 0..1");
        check(ratio(brokenRatio), "--broken", "a ratio 0..1");
        check(ratio(lowBatteryRatio), "--low-battery", "a ratio 0..1");
        check(ratio(offlineRatio), "--offline", "a ratio 0..1");
        check(ratio(interruptRatio), "--interrupt", "a ratio 0..1");
        check(ratio(dropRatio), "--drop", "a ratio 0..1");
        check(ratio(roamRatio), "--roam", "a ratio 0..1");
        check(rogue >= 0 && rogue <= 100, "--rogue", "0 to 100");
        check(ratio(gatewayRollbackRatio), "--gateway-rollback-percent", "0 to 100");
        check(gatewayVersion.matches("[!-~]{1,64}"), "--gateway-version", "1-64 printable characters");
        check(
                failures.values().stream().mapToDouble(Double::doubleValue).sum() <= 1.0,
                "--fail",
                "ratios summing to at most 1");
        check(prefix.matches("[A-Za-z0-9._-]{1,40}"), "--prefix", "1-40 chars of [A-Za-z0-9._-]");
        check(productKey.matches("[A-Za-z0-9_-]{1,64}"), "--product", "1-64 chars of [A-Za-z0-9_-]");
    }

    /** The defaults: 5 gateways × 10 sub-devices on 127.0.0.1:1883 that accept and succeed. */
    public static Options defaults() {
        return new Builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public String gatewayId(int index) {
        return String.format(Locale.ROOT, "%s-gw%0" + digits(gateways) + "d", prefix, index);
    }

    /** The hardware revision a sub-device of this index reports: the revisions in turn; null without any. */
    public String hardwareRevision(int index) {
        return hardwareRevisions.isEmpty() ? null : hardwareRevisions.get(index % hardwareRevisions.size());
    }

    public static String deviceKey(String gatewayId, int index) {
        return String.format(Locale.ROOT, "%s-d%03d", gatewayId, index);
    }

    private static int digits(int n) {
        return Math.max(3, Integer.toString(n - 1).length());
    }

    private static boolean ratio(double r) {
        return r >= 0 && r <= 1;
    }

    private static void check(boolean ok, String option, String expected) {
        if (!ok) {
            throw new IllegalArgumentException(option + ": expected " + expected);
        }
    }

    /** The command line ({@link Cli}); {@code --help} is handled by the caller. */
    public static Options parse(String[] args) {
        return Cli.parse(args);
    }

    /** "30s", "500ms", "2m" or a number of seconds. */
    static Duration duration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        }
        if (t.endsWith("s")) {
            return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
        }
        if (t.endsWith("m")) {
            return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
        }
        return Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
    }

    /** "INSTALL_FAILED=0.05,DOWNLOAD_FAILED=0.02" */
    static Map<FailureCode, Double> failures(String text) {
        Map<FailureCode, Double> map = new EnumMap<>(FailureCode.class);
        for (String part : text.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            String[] kv = part.split("=", 2);
            FailureCode code;
            try {
                code = FailureCode.valueOf(kv[0].trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--fail: unknown failure code " + kv[0]);
            }
            if (kv.length != 2) {
                throw new IllegalArgumentException("--fail: expected CODE=ratio, got " + part);
            }
            map.put(code, Double.parseDouble(kv[1].trim()));
        }
        return map;
    }

    /** Text for {@code --help}. */
    public static String usage() {
        return Cli.usage();
    }

    /** Builds options; the fields are the defaults. */
    public static final class Builder {
        String brokerHost = "127.0.0.1";
        int brokerPort = 1883;
        String mqttPassword = System.getenv("OTA_SIM_MQTT_PASSWORD");
        int gateways = 5;
        int devicesPerGateway = 10;
        String prefix = "sim";
        String productKey = "sim-sensor";
        String gatewayProductKey = "sim-gateway";
        String version = "1.0.0";
        String gatewayVersion = "1.0.0";
        double gatewayRollbackRatio;
        Duration rebootFor = Duration.ofSeconds(3);
        long seed = 42;
        double acceptRatio = 1.0;
        Duration ackDelay = Duration.ZERO;
        Map<FailureCode, Double> failures = new LinkedHashMap<>();
        double brokenRatio;
        double lowBatteryRatio;
        double offlineRatio;
        Duration flashTime = Duration.ofSeconds(2);
        long downloadBytesPerSecond;
        double interruptRatio;
        double dropRatio;
        Duration dropEvery = Duration.ofSeconds(30);
        Duration dropFor = Duration.ofSeconds(5);
        double roamRatio;
        Duration roamEvery = Duration.ofSeconds(20);
        boolean requests;
        boolean awaitPublish;
        Duration duration = Duration.ZERO;
        Duration untilIdle = Duration.ZERO;
        Path statusFile;
        boolean quiet;
        int rogue;
        String registerUrl;
        Path secretsFile;
        java.util.List<String> hardwareRevisions = java.util.List.of();

        public Builder broker(String host, int port) {
            brokerHost = host;
            brokerPort = port;
            return this;
        }

        public Builder gateways(int n) {
            gateways = n;
            return this;
        }

        public Builder devicesPerGateway(int n) {
            devicesPerGateway = n;
            return this;
        }

        public Builder prefix(String p) {
            prefix = p;
            return this;
        }

        public Builder productKey(String p) {
            productKey = p;
            return this;
        }

        public Builder gatewayProductKey(String p) {
            gatewayProductKey = p;
            return this;
        }

        public Builder version(String v) {
            version = v;
            return this;
        }

        /** The firmware the gateways run at the start. */
        public Builder gatewayVersion(String v) {
            gatewayVersion = v;
            return this;
        }

        /** The share of gateway upgrades whose new firmware fails to boot (the bootloader falls back). */
        public Builder gatewayRollbackRatio(double r) {
            gatewayRollbackRatio = r;
            return this;
        }

        /** How long a gateway is away while it reboots into new firmware. */
        public Builder rebootFor(Duration d) {
            rebootFor = d;
            return this;
        }

        public Builder seed(long s) {
            seed = s;
            return this;
        }

        public Builder acceptRatio(double r) {
            acceptRatio = r;
            return this;
        }

        public Builder ackDelay(Duration d) {
            ackDelay = d;
            return this;
        }

        public Builder fail(FailureCode code, double ratio) {
            failures.put(code, ratio);
            return this;
        }

        public Builder brokenRatio(double r) {
            brokenRatio = r;
            return this;
        }

        public Builder lowBatteryRatio(double r) {
            lowBatteryRatio = r;
            return this;
        }

        public Builder offlineRatio(double r) {
            offlineRatio = r;
            return this;
        }

        public Builder flashTime(Duration d) {
            flashTime = d;
            return this;
        }

        public Builder downloadBytesPerSecond(long b) {
            downloadBytesPerSecond = b;
            return this;
        }

        public Builder interruptRatio(double r) {
            interruptRatio = r;
            return this;
        }

        public Builder drop(double ratio, Duration every, Duration forHowLong) {
            dropRatio = ratio;
            dropEvery = every;
            dropFor = forHowLong;
            return this;
        }

        public Builder roam(double ratio, Duration every) {
            roamRatio = ratio;
            roamEvery = every;
            return this;
        }

        public Builder requests(boolean r) {
            requests = r;
            return this;
        }

        /** One uplink message in flight per gateway, the next after the broker's PUBACK (the field's shape). */
        public Builder awaitPublish(boolean a) {
            awaitPublish = a;
            return this;
        }

        public Builder quiet(boolean q) {
            quiet = q;
            return this;
        }

        public Builder rogue(int n) {
            rogue = n;
            return this;
        }

        /** The sub-devices' hardware revisions, in turn by device index (none: not reported). */
        public Builder hardwareRevisions(java.util.List<String> revisions) {
            hardwareRevisions = revisions;
            return this;
        }

        public Options build() {
            return new Options(
                    brokerHost,
                    brokerPort,
                    mqttPassword,
                    gateways,
                    devicesPerGateway,
                    prefix,
                    productKey,
                    gatewayProductKey,
                    version,
                    gatewayVersion,
                    gatewayRollbackRatio,
                    rebootFor,
                    seed,
                    acceptRatio,
                    ackDelay,
                    failures,
                    brokenRatio,
                    lowBatteryRatio,
                    offlineRatio,
                    flashTime,
                    downloadBytesPerSecond,
                    interruptRatio,
                    dropRatio,
                    dropEvery,
                    dropFor,
                    roamRatio,
                    roamEvery,
                    requests,
                    awaitPublish,
                    duration,
                    untilIdle,
                    statusFile,
                    quiet,
                    rogue,
                    registerUrl,
                    secretsFile,
                    hardwareRevisions);
        }
    }
}
