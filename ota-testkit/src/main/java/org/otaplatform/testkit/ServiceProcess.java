package org.otaplatform.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One of the platform's services started from its packaged jar as a real process, on the shared test
 * PostgreSQL and broker, with its own free HTTP port. Used by the tests that run services side by side
 * (replicas, the end-to-end suite).
 */
public final class ServiceProcess implements AutoCloseable {

    /** A test download-link secret (HMAC key), the same for every service of one test run. */
    public static final String LINK_SECRET = "integration-test-download-link-secret-0123";

    /**
     * A test key that seals the registry's secrets in device-gateway-service (keyId:base64 of 32 bytes), the
     * same for every service of one test run.
     */
    public static final String REGISTRY_SECRET_KEYS = "it-key:aW50ZWdyYXRpb24tdGVzdC1yZWdpc3RyeS1rZXkhISE=";

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String name;
    private final Builder builder;
    private volatile Process process;
    private final int port;
    private final int managementPort;
    private final Path log;

    private ServiceProcess(String name, Builder builder, Process process, int port, int managementPort, Path log) {
        this.name = name;
        this.builder = builder;
        this.process = process;
        this.port = port;
        this.managementPort = managementPort;
        this.log = log;
    }

    /**
     * Describes a service to start.
     *
     * @param jar its {@code quarkus-run.jar}
     * @param portVariable the environment variable naming its HTTP port, e.g. {@code OTA_PLAN_PORT}
     */
    public static Builder of(String name, Path jar, String portVariable) {
        return new Builder(name, jar, portVariable);
    }

    public static final class Builder {
        private final String name;
        private final Path jar;
        private final String portVariable;
        private final Map<String, String> env = new LinkedHashMap<>();
        private Path logDir = Path.of("target");
        private String heap = "-Xmx256m";
        private PostgresServer postgres;
        private MqttBroker broker;
        private int port;

        private Builder(String name, Path jar, String portVariable) {
            this.name = name;
            this.jar = jar;
            this.portVariable = portVariable;
        }

        /** Database {@code database} on the shared test PostgreSQL, named by {@code variable}. */
        public Builder database(String variable, String database) {
            PostgresServer postgres = this.postgres != null ? this.postgres : PostgresServer.shared();
            env.put("OTA_DB_HOST", postgres.host());
            env.put("OTA_DB_PORT", Integer.toString(postgres.port()));
            env.put("OTA_DB_USER", postgres.user());
            env.put("OTA_DB_PASSWORD", postgres.password());
            env.put(variable, database);
            return this;
        }

        /** Another PostgreSQL than the shared one; call before {@link #database}. */
        public Builder postgres(PostgresServer server) {
            this.postgres = server;
            return this;
        }

        /** Another broker than the shared one. */
        public Builder broker(MqttBroker broker) {
            this.broker = broker;
            return this;
        }

        /** A fixed HTTP port instead of a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        public Builder environment(Map<String, String> variables) {
            env.putAll(variables);
            return this;
        }

        public Builder logDir(Path dir) {
            this.logDir = dir;
            return this;
        }

        public Builder heap(String option) {
            this.heap = option;
            return this;
        }

        /** Starts the process and waits until it reports ready. */
        public ServiceProcess start() throws IOException {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " is missing: package the service first (mvn package)");
            }
            int chosen = port > 0 ? port : Ports.free();
            int management = Ports.free();
            Files.createDirectories(logDir);
            Path log = logDir.resolve(name + ".log");
            ServiceProcess service =
                    new ServiceProcess(name, this, launch(chosen, management, log), chosen, management, log);
            service.awaitReady(Duration.ofSeconds(90));
            return service;
        }

        private Process launch(int chosen, int management, Path log) throws IOException {
            MqttBroker mqtt = broker != null ? broker : MqttBroker.shared();
            ProcessBuilder builder = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            heap,
                            "-jar",
                            jar.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            Map<String, String> environment = builder.environment();
            // glibc's malloc keeps up to 8 arenas per core for the JVM's native threads; two are enough
            // and keep the resident size near the heap's (as ./ota and the cluster run the services)
            environment.putIfAbsent("MALLOC_ARENA_MAX", "2");
            environment.put("OTA_MQTT_HOST", mqtt.host());
            environment.put("OTA_MQTT_PORT", Integer.toString(mqtt.port()));
            environment.put("OTA_DOWNLOAD_LINK_SECRET", LINK_SECRET);
            environment.put("OTA_REGISTRY_SECRET_KEYS", REGISTRY_SECRET_KEYS);
            environment.put("OTA_JWT_PUBLIC_KEY", JwtTokens.devOnly().publicKeyPem());
            environment.putAll(env);
            environment.put(portVariable, Integer.toString(chosen));
            // health, metrics and OpenAPI: OTA_PLAN_PORT's service serves them on OTA_PLAN_MANAGEMENT_PORT
            environment.put(portVariable.replace("_PORT", "_MANAGEMENT_PORT"), Integer.toString(management));
            return builder.start();
        }
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:port} */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** The management interface (health, metrics, OpenAPI): {@code http://127.0.0.1:managementPort} */
    public String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    public Path log() {
        return log;
    }

    /** The operating system's process id (for its memory figures in {@code /proc}). */
    public long pid() {
        return process.pid();
    }

    /** The process's peak resident memory (VmHWM) in MiB; -1 where /proc does not tell. */
    public long peakRssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** The sum of every series of a Prometheus counter or gauge in {@code /q/metrics}. */
    public double metric(String metricName) throws IOException, InterruptedException {
        String body = HTTP.send(
                        HttpRequest.newBuilder(URI.create(managementUrl() + "/q/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        double sum = 0;
        for (String line : body.split("\n")) {
            if (line.startsWith(metricName + "{") || line.startsWith(metricName + " ")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private void awaitReady(Duration timeout) throws IOException {
        Instant end = Instant.now().plus(timeout);
        while (Instant.now().isBefore(end)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            if (ready()) {
                return;
            }
            sleep(250);
        }
        close();
        throw new IllegalStateException(name + " was not ready within " + timeout + "; see " + log);
    }

    private boolean ready() {
        try {
            return HTTP.send(
                                    HttpRequest.newBuilder(URI.create(managementUrl() + "/q/health/ready"))
                                            .timeout(Duration.ofSeconds(5))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops the process (SIGTERM, then SIGKILL after 20 s). */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops the process (SIGTERM), then starts it again on the same port with these variables changed, as a
     * deployment rolls out a new configuration (a rotated key, say).
     */
    public void restartWith(Map<String, String> changed) throws IOException {
        close();
        builder.environment(changed);
        process = builder.launch(port, managementPort, log);
        awaitReady(Duration.ofSeconds(90));
    }

    /** Kills the process at once (SIGKILL), then starts it again with the same settings and port. */
    public void killAndRestart() throws IOException {
        kill();
        process = builder.launch(port, managementPort, log);
        awaitReady(Duration.ofSeconds(90));
    }

    /** Kills the process at once, as a crash would. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
