package org.otaplatform.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * An MQTT broker for tests. By default a Mosquitto started from the machine's binary with the
 * project's own load-safe limits ({@code deploy/broker/conf.d/ota-limits.conf}) on a free port, since
 * a broker with Mosquitto's defaults drops messages silently under load. {@code OTA_MQTT_HOST} (and
 * {@code OTA_MQTT_PORT}) points the tests at a broker that already runs instead. On a machine without
 * Mosquitto, the {@link EmbeddedMqttBroker} in this JVM.
 */
public final class MqttBroker {

    /** How the broker came to be. */
    public enum Kind {
        EXTERNAL,
        MOSQUITTO,
        EMBEDDED
    }

    private static final Logger LOG = Logger.getLogger(MqttBroker.class.getName());
    /** Large enough for a 64 KiB payload plus headers, so oversize payloads reach the platform to be answered. */
    public static final int MAX_PACKET_BYTES = 256 * 1024;

    private static MqttBroker shared;
    /** A marker in the security lines asking for persistence (see {@link #startRestartable}). */
    private static final String PERSISTENT = "# ota-testkit: persistent\n";

    private final String host;
    private final int port;
    private final Kind kind;
    private Process mosquitto;
    private EmbeddedMqttBroker embedded;
    private final Path workDir;
    private Path binary;
    private Path config;

    private MqttBroker(String host, int port, Kind kind, Path workDir) {
        this.host = host;
        this.port = port;
        this.kind = kind;
        this.workDir = workDir;
    }

    /** The broker this JVM's tests use; found or started on first call. */
    public static synchronized MqttBroker shared() {
        if (shared == null) {
            shared = locateOrStart();
            MqttBroker broker = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(broker::stop, "mqtt-broker-stop"));
        }
        return shared;
    }

    private static MqttBroker locateOrStart() {
        String host = Env.get("OTA_MQTT_HOST");
        if (host != null) {
            int port = Integer.parseInt(Env.get("OTA_MQTT_PORT", "1883"));
            LOG.info("tests use the MQTT broker at " + host + ":" + port);
            return new MqttBroker(host, port, Kind.EXTERNAL, null);
        }
        Optional<Path> binary = mosquittoBinary();
        if (binary.isPresent()) {
            return startMosquitto(binary.get(), Ports.free(), tempDir("ota-mosquitto"));
        }
        LOG.warning("no mosquitto binary on this machine; starting the embedded MQTT broker");
        return startEmbedded(Ports.free());
    }

    /** Starts Mosquitto with the project's limits on 127.0.0.1:port, logging into workDir. */
    public static MqttBroker startMosquitto(Path binary, int port, Path workDir) {
        return startMosquitto(binary, port, workDir, "allow_anonymous true\n");
    }

    /**
     * Starts Mosquitto with the project's limits and the given security lines (for example {@code
     * password_file} and {@code acl_file}) on 127.0.0.1:port.
     */
    public static MqttBroker startMosquitto(Path binary, int port, Path workDir, String securityLines) {
        try {
            Files.createDirectories(workDir);
            Path config = workDir.resolve("mosquitto.conf");
            boolean persistent = securityLines.contains(PERSISTENT);
            Files.writeString(
                    config,
                    mosquittoConfig(port, workDir, persistent) + "\n" + securityLines.replace(PERSISTENT, ""),
                    StandardCharsets.UTF_8);
            MqttBroker broker = new MqttBroker("127.0.0.1", port, Kind.MOSQUITTO, workDir);
            broker.binary = binary;
            broker.config = config;
            broker.launch();
            LOG.info("Mosquitto with the project's limits listens on 127.0.0.1:" + port);
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start mosquitto", e);
        }
    }

    /**
     * Starts Mosquitto with a whole configuration of the caller's (listeners, accounts, TLS), logging into
     * workDir, as this user; {@code port} is the listener to wait for.
     */
    public static MqttBroker startMosquittoConfigured(Path binary, int port, Path workDir, String configuration) {
        try {
            Files.createDirectories(workDir);
            Path config = workDir.resolve("mosquitto.conf");
            Files.writeString(
                    config,
                    configuration + "\nuser " + System.getProperty("user.name", "root") + "\n",
                    StandardCharsets.UTF_8);
            MqttBroker broker = new MqttBroker("127.0.0.1", port, Kind.MOSQUITTO, workDir);
            broker.binary = binary;
            broker.config = config;
            broker.launch();
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start mosquitto", e);
        }
    }

    private void launch() throws IOException {
        mosquitto = new ProcessBuilder(binary.toString(), "-c", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        workDir.resolve("mosquitto.out").toFile()))
                .start();
        Ports.awaitListening("127.0.0.1", port, Duration.ofSeconds(10));
    }

    /**
     * A broker of its own for fault-injection tests, on a free port: Mosquitto with persistence on (its
     * sessions and queued messages survive {@link #restart}) where installed, else the embedded broker.
     */
    public static MqttBroker startRestartable(Path workDir) {
        Optional<Path> mosquittoBinary = mosquittoBinary();
        if (mosquittoBinary.isEmpty()) {
            return startEmbedded(Ports.free());
        }
        return startMosquitto(mosquittoBinary.get(), Ports.free(), workDir, "allow_anonymous true\n" + PERSISTENT);
    }

    /** Stops the broker (SIGTERM: Mosquitto saves its sessions) and starts it again on the same port. */
    public synchronized void restart(Duration down) {
        stop();
        try {
            Thread.sleep(down.toMillis());
            if (kind == Kind.MOSQUITTO) {
                launch();
            } else if (kind == Kind.EMBEDDED) {
                embedded = EmbeddedMqttBroker.start(host, port, MAX_PACKET_BYTES);
            } else {
                throw new IllegalStateException("an external broker cannot be restarted by the tests");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restart the broker", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Discards the persistent sessions of these client ids (connect with a clean session, disconnect). A
     * persistent session left behind keeps its shared subscriptions, and the broker would go on queueing a
     * share of the group's messages for it.
     */
    public void discardSessions(java.util.Collection<String> clientIds) {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            for (String clientId : clientIds) {
                io.vertx.mqtt.MqttClient client = io.vertx.mqtt.MqttClient.create(
                        vertx,
                        new io.vertx.mqtt.MqttClientOptions()
                                .setClientId(clientId)
                                .setCleanSession(true));
                Mqtt.await(client.connect(port, host));
                Mqtt.await(client.disconnect());
            }
        } finally {
            Mqtt.await(vertx.close());
        }
    }

    /** Starts the embedded broker in this JVM on 127.0.0.1:port. */
    public static MqttBroker startEmbedded(int port) {
        MqttBroker broker = new MqttBroker("127.0.0.1", port, Kind.EMBEDDED, null);
        broker.embedded = EmbeddedMqttBroker.start("127.0.0.1", port, MAX_PACKET_BYTES);
        LOG.info("embedded MQTT broker listens on 127.0.0.1:" + port);
        return broker;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public Kind kind() {
        return kind;
    }

    public synchronized void stop() {
        if (mosquitto != null) {
            mosquitto.destroy();
            try {
                if (!mosquitto.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    mosquitto.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                mosquitto.destroyForcibly();
            }
            mosquitto = null;
        }
        if (embedded != null) {
            embedded.stop();
            embedded = null;
        }
    }

    /** The project's broker limits, shared with the launcher and the deployment. */
    public static String projectLimits() {
        Path limits = RepoRoot.find().resolve("deploy/broker/conf.d/ota-limits.conf");
        try {
            return Files.readString(limits, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the project's broker limits at " + limits, e);
        }
    }

    static String mosquittoConfig(int port, Path workDir, boolean persistent) {
        String user = System.getProperty("user.name", "root");
        return String.join(
                        "\n",
                        "# generated by ota-testkit for one test run",
                        "listener " + port + " 127.0.0.1",
                        persistent
                                ? "persistence true\npersistence_location " + workDir.toAbsolutePath() + "/"
                                : "persistence false",
                        "user " + user,
                        "log_dest file " + workDir.resolve("mosquitto.log"),
                        "log_type error",
                        "log_type warning",
                        "log_type notice",
                        // $SYS counters every second: benchmarks read the broker's message totals
                        "sys_interval 1",
                        "")
                + projectLimits();
    }

    public static Optional<Path> mosquittoBinary() {
        String configured = Env.get("OTA_MOSQUITTO_BIN");
        if (configured != null) {
            // OTA_MOSQUITTO_BIN=none (or any path that is not an executable) selects the embedded broker
            return Optional.of(Path.of(configured)).filter(Files::isExecutable);
        }
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        List<String> dirs = new java.util.ArrayList<>(List.of(path.split(File.pathSeparator)));
        dirs.add("/usr/sbin");
        dirs.add("/usr/local/sbin");
        return dirs.stream()
                .filter(d -> !d.isBlank())
                .map(d -> Path.of(d, "mosquitto"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    private static Path tempDir(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return kind + " broker at " + host + ":" + port + (workDir == null ? "" : " (" + workDir + ")");
    }
}
