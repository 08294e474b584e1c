package org.otaplatform.simulator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The simulator's command line (picocli): each option sets one field of an {@link Options.Builder};
 * the {@link Options} record checks the whole. Defaults are the builder's.
 */
@Command(
        name = "gateway-simulator",
        usageHelpWidth = 110,
        description = "A fleet of simulated gateways and their sub-devices, speaking gateway protocol v1.",
        footer = {
            "Durations: 500ms, 30s, 2m. Exit status 1 when a sub-device was told to flash twice for one task"
                    + " or the platform refused a message."
        })
final class Cli {

    final Options.Builder options = new Options.Builder();

    @Spec
    CommandSpec spec;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "this text")
    boolean help;

    /** The options as read; the record's checks name the option at fault. */
    static Options parse(String[] args) {
        Cli cli = new Cli();
        try {
            // a later value of an option wins (./ota demo puts its defaults before the user's options)
            new CommandLine(cli).setOverwrittenOptionsAllowed(true).parseArgs(args);
        } catch (CommandLine.PicocliException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return cli.options.build();
    }

    static String usage() {
        return new CommandLine(new Cli()).getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    @Option(names = "--broker", paramLabel = "HOST:PORT", description = "MQTT broker (127.0.0.1:1883)")
    void broker(String v) {
        int colon = v.lastIndexOf(':');
        if (colon <= 0) {
            throw new ParameterException(spec.commandLine(), "--broker: expected HOST:PORT");
        }
        options.brokerHost = v.substring(0, colon);
        options.brokerPort = read("--broker", v.substring(colon + 1), Integer::parseInt);
    }

    @Option(
            names = "--mqtt-password",
            paramLabel = "TEXT",
            description = "password for brokers with per-gateway accounts (username = gatewayId); also read from"
                    + " OTA_SIM_MQTT_PASSWORD")
    void mqttPassword(String v) {
        options.mqttPassword = v;
    }

    @Option(names = "--gateways", paramLabel = "N", description = "gateways (5)")
    void gateways(int n) {
        options.gateways = n;
    }

    @Option(names = "--devices", paramLabel = "M", description = "sub-devices per gateway (10)")
    void devices(int m) {
        options.devicesPerGateway = m;
    }

    @Option(names = "--prefix", paramLabel = "P", description = "gateway ids P-gw000... (sim)")
    void prefix(String p) {
        options.prefix = p;
    }

    @Option(names = "--product", paramLabel = "KEY", description = "sub-devices' productKey (sim-sensor)")
    void product(String key) {
        options.productKey = key;
    }

    @Option(names = "--gateway-product", paramLabel = "KEY", description = "gateways' productKey (sim-gateway)")
    void gatewayProduct(String key) {
        options.gatewayProductKey = key;
    }

    @Option(names = "--version", paramLabel = "V", description = "sub-devices' starting version (1.0.0)")
    void version(String v) {
        options.version = v;
    }

    @Option(names = "--seed", paramLabel = "S", description = "fleet layout and behaviour choices (42)")
    void seed(long s) {
        options.seed = s;
    }

    @Option(
            names = "--accept",
            paramLabel = "R",
            description = "ratio of upgrades accepted (1.0); the rest are rejected")
    void accept(double r) {
        options.acceptRatio = r;
    }

    @Option(
            names = "--ack-delay",
            paramLabel = "D",
            description = "time before answering an upgrade (0), as when a user confirms on the device")
    void ackDelay(String d) {
        options.ackDelay = duration("--ack-delay", d);
    }

    @Option(
            names = "--fail",
            paramLabel = "CODE=R,...",
            description = "ratio of accepted tasks failing with each code, e.g. INSTALL_FAILED=0.05")
    void fail(String v) {
        options.failures = read("--fail", v, Options::failures);
    }

    @Option(
            names = "--broken",
            paramLabel = "R",
            description = "ratio of sub-devices that always fail INSTALL_FAILED (0)")
    void broken(double r) {
        options.brokenRatio = r;
    }

    @Option(
            names = "--low-battery",
            paramLabel = "R",
            description = "ratio of sub-devices whose battery is low, 20 percent (0)")
    void lowBattery(double r) {
        options.lowBatteryRatio = r;
    }

    @Option(names = "--offline", paramLabel = "R", description = "ratio of sub-devices offline at the start (0)")
    void offline(double r) {
        options.offlineRatio = r;
    }

    @Option(names = "--flash-time", paramLabel = "D", description = "time to flash one sub-device (2s)")
    void flashTime(String d) {
        options.flashTime = duration("--flash-time", d);
    }

    @Option(
            names = "--download-kbps",
            paramLabel = "K",
            description = "download speed cap per gateway in KiB/s (0 = none)")
    void downloadKbps(long k) {
        options.downloadBytesPerSecond = k * 1024;
    }

    @Option(
            names = "--interrupt",
            paramLabel = "R",
            description = "ratio of downloads cut half-way and resumed with Range (0)")
    void interrupt(double r) {
        options.interruptRatio = r;
    }

    @Option(
            names = "--gateway-version",
            paramLabel = "V",
            description = "the firmware the gateways run at the start (1.0.0)")
    void gatewayVersion(String v) {
        options.gatewayVersion = v;
    }

    @Option(
            names = "--gateway-rollback-percent",
            paramLabel = "P",
            description = "percent of gateway upgrades whose firmware does not boot: the gateway comes back on its"
                    + " old version (0)")
    void gatewayRollback(double p) {
        options.gatewayRollbackRatio = p / 100;
    }

    @Option(names = "--reboot-for", paramLabel = "D", description = "how long a gateway reboots into new firmware (3s)")
    void rebootFor(String d) {
        options.rebootFor = duration("--reboot-for", d);
    }

    @Option(names = "--drop", paramLabel = "R", description = "ratio of gateways that go offline now and then (0)")
    void drop(double r) {
        options.dropRatio = r;
    }

    @Option(names = "--drop-every", paramLabel = "D", description = "... every D (30s)")
    void dropEvery(String d) {
        options.dropEvery = duration("--drop-every", d);
    }

    @Option(names = "--drop-for", paramLabel = "D", description = "... for D (5s)")
    void dropFor(String d) {
        options.dropFor = duration("--drop-for", d);
    }

    @Option(
            names = "--roam",
            paramLabel = "R",
            description = "ratio of sub-devices that move to another gateway now and then (0)")
    void roam(double r) {
        options.roamRatio = r;
    }

    @Option(names = "--roam-every", paramLabel = "D", description = "how often a roaming sub-device moves (20s)")
    void roamEvery(String d) {
        options.roamEvery = duration("--roam-every", d);
    }

    @Option(names = "--requests", description = "every online sub-device sends a request after each hello")
    void requests(boolean r) {
        options.requests = r;
    }

    @Option(
            names = "--await-publish",
            description = "one uplink message at a time per gateway: the next only after the broker's PUBACK, as"
                    + " gateways in the field are built (default: up to 1,000 in flight)")
    void awaitPublish(boolean a) {
        options.awaitPublish = a;
    }

    @Option(names = "--duration", paramLabel = "D", description = "stop after D (0 = until interrupted or idle)")
    void duration(String d) {
        options.duration = duration("--duration", d);
    }

    @Option(
            names = "--until-idle",
            paramLabel = "D",
            description = "stop when no task changed for D after at least one task (0 = never)")
    void untilIdle(String d) {
        options.untilIdle = duration("--until-idle", d);
    }

    @Option(
            names = "--status-file",
            paramLabel = "PATH",
            description = "write the live figures as JSON there every second")
    void statusFile(Path p) {
        options.statusFile = p;
    }

    @Option(names = "--quiet", description = "no live status line")
    void quiet(boolean q) {
        options.quiet = q;
    }

    @Option(
            names = "--register",
            paramLabel = "URL",
            description = "register the fleet first at device-gateway-service (URL), with the administrator token"
                    + " in OTA_API_TOKEN; the gateways sign their claims")
    void register(String url) {
        options.registerUrl = url;
    }

    @Option(
            names = "--secrets",
            paramLabel = "FILE",
            description = "sign claims with the secrets of an import's CSV answer instead (columns deviceKey and"
                    + " deviceSecret)")
    void secrets(Path file) {
        options.secretsFile = file;
    }

    @Option(
            names = "--rogue",
            paramLabel = "N",
            description = "N more gateways that try to claim the fleet's sub-devices (unproven, replayed, forged,"
                    + " invented); every claim must be refused")
    void rogue(int n) {
        options.rogue = n;
    }

    @Option(
            names = "--hardware-revisions",
            paramLabel = "A,B",
            split = ",",
            description = "the sub-devices' hardware revisions, in turn by device index, reported in hello and"
                    + " topology entries (none: not reported)")
    void hardwareRevisions(java.util.List<String> revisions) {
        options.hardwareRevisions = revisions;
    }

    private Duration duration(String option, String text) {
        return read(option, text, Options::duration);
    }

    /** {@code text} read by {@code reader}; what it cannot read is refused naming the option. */
    private <T> T read(String option, String text, Function<String, T> reader) {
        try {
            return reader.apply(text);
        } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
            String why = e instanceof NumberFormatException ? "cannot read '" + text + "'" : e.getMessage();
            throw new ParameterException(spec.commandLine(), why.startsWith(option) ? why : option + ": " + why);
        }
    }
}
