package org.otaplatform.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Mosquitto started from the deployment's own configuration ({@code deploy/broker/mosquitto.conf} with its
 * ACL files and limits), changed only where a test machine differs from the pod: the listeners' ports
 * (free ones on 127.0.0.1), the mounted password files, certificates and data folder (a temporary
 * folder). Gateways' and services' accounts go to their listeners' own password files.
 */
final class DeployedMosquitto implements AutoCloseable {

    static final String PASSWORD = "test-password";

    final MqttBroker broker;
    /** The TLS listener for gateways (8883 in the pod). */
    final int tlsPort;
    /** The plain listener for gateways inside the cluster (1883 in the pod). */
    final int gatewayPort;
    /** The services' listener (1884 in the pod). */
    final int servicePort;
    /** The CA the broker's certificate is signed by (PEM). */
    final Path caCertificate;

    private final Path dir;

    private DeployedMosquitto(MqttBroker broker, int tls, int gateways, int services, Path ca, Path dir) {
        this.broker = broker;
        this.tlsPort = tls;
        this.gatewayPort = gateways;
        this.servicePort = services;
        this.caCertificate = ca;
        this.dir = dir;
    }

    static DeployedMosquitto start(List<String> gateways, List<String> services) throws Exception {
        Path binary = MqttBroker.mosquittoBinary().orElseThrow();
        Path dir = Files.createTempDirectory("ota-deployed-broker");
        Path root = RepoRoot.find().resolve("deploy/broker");
        Files.createDirectories(dir.resolve("secrets/gateways"));
        Files.createDirectories(dir.resolve("secrets/services"));
        Files.createDirectories(dir.resolve("data"));
        passwords(dir.resolve("secrets/gateways/passwd"), gateways);
        passwords(dir.resolve("secrets/services/passwd"), services);
        Path certs = Files.createDirectories(dir.resolve("certs"));
        Path ca = TestCertificates.authority(certs, "ota-test-ca");
        TestCertificates.server(certs, "ota-test-ca", "tls", "localhost", "127.0.0.1");

        int tls = Ports.free();
        int plain = Ports.free();
        int internal = Ports.free();
        String config = Files.readString(root.resolve("mosquitto.conf"), StandardCharsets.UTF_8);
        List<String> listeners = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^listener (\\d+)$").matcher(config);
        while (m.find()) {
            listeners.add(m.group(1));
        }
        // the deployment's three listeners, no more: a new one would need its own test here
        assertThat(listeners).containsExactly("8883", "1883", "1884");
        config = config.replaceAll("(?m)^listener 8883$", "listener " + tls + " 127.0.0.1")
                .replaceAll("(?m)^listener 1883$", "listener " + plain + " 127.0.0.1")
                .replaceAll("(?m)^listener 1884$", "listener " + internal + " 127.0.0.1")
                .replace("/mosquitto/config/", root + "/")
                .replace("/mosquitto/secrets/", dir.resolve("secrets") + "/")
                .replace("/mosquitto/certs/", certs + "/")
                .replace("/mosquitto/data/", dir.resolve("data") + "/")
                .replace("log_dest stdout", "log_dest file " + dir.resolve("mosquitto.log"));
        assertThat(config).doesNotContain("/mosquitto/");
        MqttBroker broker = MqttBroker.startMosquittoConfigured(binary, internal, dir, config);
        Ports.awaitListening("127.0.0.1", tls, java.time.Duration.ofSeconds(10));
        Ports.awaitListening("127.0.0.1", plain, java.time.Duration.ofSeconds(10));
        return new DeployedMosquitto(broker, tls, plain, internal, ca, dir);
    }

    /** What the broker logged, for a failure's message. */
    String log() {
        try {
            return Files.readString(dir.resolve("mosquitto.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        broker.stop();
    }

    private static void passwords(Path file, List<String> users) throws Exception {
        String tool = java.util.stream.Stream.of("/usr/bin/mosquitto_passwd", "/usr/local/bin/mosquitto_passwd")
                .filter(t -> Files.isExecutable(Path.of(t)))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("mosquitto_passwd is missing"));
        boolean first = true;
        for (String user : users) {
            List<String> command = first
                    ? List.of(tool, "-c", "-b", file.toString(), user, PASSWORD)
                    : List.of(tool, "-b", file.toString(), user, PASSWORD);
            TestCertificates.run(command);
            first = false;
        }
    }
}
