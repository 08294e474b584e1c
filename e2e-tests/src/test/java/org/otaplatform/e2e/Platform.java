package org.otaplatform.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.otaplatform.simulator.Fleet;
import org.otaplatform.simulator.Options;
import org.otaplatform.testkit.JwtTokens;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.PostgresServer;
import org.otaplatform.testkit.ServiceProcess;

/**
 * The whole platform as it is deployed: the three packaged services as separate processes, each with its
 * own database on the real PostgreSQL, all on the real broker, with a signing key and link secret from
 * the environment. Started once per test JVM, stopped when it exits.
 */
final class Platform {

    private static Platform instance;

    final ServiceProcess firmware;
    final ServiceProcess plan;
    final ServiceProcess gateway;
    /** The web console, started when a test first asks for it ({@link #console()}). */
    private ServiceProcess console;

    final MqttBroker broker;
    /** plan-service's database, for tests that recount from the task table. */
    final String planDatabase;
    /** device-gateway-service's database. */
    final String gatewayDatabase;

    private final Path root;
    private final Map<String, String> planEnvironment;
    private final Map<String, String> everyService;
    /** The three services' databases, made for this platform and dropped when it closes. */
    private final List<String> databases = new ArrayList<>();

    private final PostgresServer postgres;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Passed as the database password: the test servers trust local connections and never ask for it, so
     * it only shows whether a service would write its credentials to its log.
     */
    static final String DB_PASSWORD = "e2e-db-password-that-must-never-be-logged";

    /** The Ed25519 signing key firmware-service holds (base64 PKCS#8): a secret. */
    final String signingPrivateKey;
    /** Where each service's log file is written. */
    final Path logs;

    /**
     * @param instanceId null for clean MQTT sessions; else each service's stable instance id (persistent
     *     sessions), as a StatefulSet would give it
     */
    Platform(PostgresServer postgres, MqttBroker broker, String instanceId, String logDir) throws Exception {
        this(postgres, broker, instanceId, logDir, Map.of());
    }

    Platform(
            PostgresServer postgres,
            MqttBroker broker,
            String instanceId,
            String logDir,
            Map<String, String> planEnvironment)
            throws Exception {
        this(postgres, broker, instanceId, logDir, planEnvironment, Map.of());
    }

    /** @param everyService variables given to every service's process (and to later replicas) */
    Platform(
            PostgresServer postgres,
            MqttBroker broker,
            String instanceId,
            String logDir,
            Map<String, String> planEnvironment,
            Map<String, String> everyService)
            throws Exception {
        this.broker = broker;
        // the suites act as an administrator unless a call names another role
        JwtTokens.restAssuredAsDevAdmin();
        this.root = Path.of("..").toAbsolutePath().normalize();
        Path logs = Path.of("target", logDir).toAbsolutePath();
        String id = instanceId == null ? "" : instanceId;
        this.postgres = postgres;
        this.planEnvironment = Map.copyOf(planEnvironment);
        this.everyService = Map.copyOf(everyService);
        this.planDatabase = postgres.createUniqueDatabase("ota_e2e_plan");
        databases.add(planDatabase);
        var pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        this.signingPrivateKey =
                Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded());
        this.logs = logs;
        String key = "e2e-key:" + signingPrivateKey;
        firmware = ServiceProcess.of("firmware-service", jar(root, "firmware-service"), "OTA_FIRMWARE_PORT")
                .postgres(postgres)
                .broker(broker)
                .env("OTA_INSTANCE_ID", id)
                .env("OTA_DB_PASSWORD", DB_PASSWORD)
                .database("OTA_FIRMWARE_DB", database(postgres, "ota_e2e_firmware"))
                .env("OTA_FIRMWARE_SIGNING_PRIVATE_KEYS", key)
                .env("OTA_FIRMWARE_SIGNING_ACTIVE_KEY_ID", "e2e-key")
                .env(
                        "OTA_FIRMWARE_CACHE_DIR",
                        Path.of("target", "firmware-cache").toAbsolutePath().toString())
                .environment(everyService)
                .logDir(logs)
                .start();
        plan = planService(id).logDir(logs).start();
        this.gatewayDatabase = database(postgres, "ota_e2e_device_gateway");
        gateway = gatewayService(id).logDir(logs).start();
        Runtime.getRuntime().addShutdownHook(new Thread(this::close));
    }

    private ServiceProcess.Builder planService(String instanceId) {
        return ServiceProcess.of("plan-service", jar(root, "plan-service"), "OTA_PLAN_PORT")
                .postgres(postgres)
                .broker(broker)
                .env("OTA_INSTANCE_ID", instanceId)
                .env("OTA_DB_PASSWORD", DB_PASSWORD)
                .database("OTA_PLAN_DB", planDatabase)
                .environment(planEnvironment)
                .environment(everyService);
    }

    private ServiceProcess.Builder gatewayService(String instanceId) {
        return ServiceProcess.of(
                        "device-gateway-service", jar(root, "device-gateway-service"), "OTA_DEVICE_GATEWAY_PORT")
                .postgres(postgres)
                .broker(broker)
                .env("OTA_INSTANCE_ID", instanceId)
                .env("OTA_DB_PASSWORD", DB_PASSWORD)
                .database("OTA_DEVICE_GATEWAY_DB", gatewayDatabase)
                .env("OTA_FIRMWARE_PUBLIC_URL", firmware.baseUrl())
                .environment(everyService);
    }

    /**
     * Another replica of plan-service or device-gateway-service on the same database and broker, as a
     * StatefulSet scaled out would add it; its log goes to {@code <logs>/<instanceId>/}. Stopped by the caller.
     */
    ServiceProcess replica(ServiceProcess of, String instanceId) throws java.io.IOException {
        ServiceProcess.Builder builder = of == plan ? planService(instanceId) : gatewayService(instanceId);
        if (of != plan && of != gateway) {
            throw new IllegalArgumentException("replicas of " + of.name() + " are not needed by any test");
        }
        return builder.logDir(logs.resolve(instanceId)).start();
    }

    /** The three services' databases (firmware, plan, device-gateway). */
    List<String> databases() {
        return List.copyOf(databases);
    }

    private String database(PostgresServer postgres, String prefix) {
        String name = postgres.createUniqueDatabase(prefix);
        databases.add(name);
        return name;
    }

    /** The console in front of this platform's services, as ./ota and the cluster run it. */
    synchronized ServiceProcess console() throws java.io.IOException {
        if (console == null) {
            console = ServiceProcess.of(
                            "console", jar(Path.of("..").toAbsolutePath().normalize(), "console"), "OTA_CONSOLE_PORT")
                    .env("OTA_FIRMWARE_URL", firmware.baseUrl())
                    .env("OTA_PLAN_URL", plan.baseUrl())
                    .env("OTA_DEVICE_GATEWAY_URL", gateway.baseUrl())
                    .logDir(logs)
                    .heap("-Xmx256m")
                    .start();
        }
        return console;
    }

    /** Stops the services and drops their databases (a campaign leaves gigabytes behind); once. */
    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (console != null) {
            console.close();
        }
        gateway.close();
        plan.close();
        firmware.close();
        for (String database : databases) {
            try {
                postgres.dropDatabase(database);
            } catch (RuntimeException e) {
                // at JVM exit an embedded server may be stopping too; its data goes with it
                System.err.println("platform: " + database + " not dropped: " + e.getMessage());
            }
        }
    }

    void awaitStatus(String planId, String status, int seconds) {
        await().atMost(Duration.ofSeconds(seconds))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> status.equals(plan(planId).getString("status")));
    }

    /** A product key of its own for one scenario, so scenarios never see each other's devices. */
    static String product(String what) {
        return "e2e-" + what + "-" + java.util.UUID.randomUUID().toString().substring(0, 6);
    }

    /** A gateway id prefix of its own for one scenario. */
    static String prefix() {
        return "e" + java.util.UUID.randomUUID().toString().substring(0, 6);
    }

    static synchronized Platform get() throws Exception {
        if (instance == null) {
            // the scenarios about offline gateways expect nothing pushed to them at all
            instance = new Platform(
                    PostgresServer.shared(),
                    MqttBroker.shared(),
                    null,
                    "e2e-logs",
                    Map.of("OTA_PLAN_OFFLINE_PUSH_GRACE", "0s", "OTA_PLAN_STATS_DEVICE_COUNTS_MAX_AGE", "0s"));
        }
        return instance;
    }

    private static Path jar(Path root, String service) {
        return root.resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
    }

    /** A simulator options builder on the test broker, quiet, with fast flashing. */
    static Options.Builder fleetOptions(String prefix, String product) {
        return fleetOptions(MqttBroker.shared(), prefix, product);
    }

    static Options.Builder fleetOptions(MqttBroker broker, String prefix, String product) {
        return Options.builder()
                .broker(broker.host(), broker.port())
                .prefix(prefix)
                .productKey(product)
                .version("1.0.0")
                .flashTime(Duration.ofMillis(300))
                .quiet(true);
    }

    /**
     * Registers the fleet's sub-devices (one bulk import; their product binds only with a proof), starts it
     * with their secrets and waits until device-gateway-service has every gateway online.
     */
    Fleet fleet(Options options) {
        return fleet(options, register(options));
    }

    /** Starts a fleet with the secrets of its registered sub-devices; waits until every gateway is online. */
    Fleet fleet(Options options, Map<String, String> secrets) {
        Fleet fleet = Fleet.start(options, secrets);
        java.util.Set<String> ids = new java.util.HashSet<>(fleet.gatewayIds());
        await().atMost(Duration.ofSeconds(60))
                .until(() -> given()
                                .baseUri(gateway.baseUrl())
                                .get("/api/v1/gateways?online=true&size=500")
                                .then()
                                .statusCode(200)
                                .extract()
                                .jsonPath()
                                .getList("items.gatewayId", String.class)
                                .stream()
                                .filter(ids::contains)
                                .count()
                        == ids.size());
        return fleet;
    }

    /** Registers the fleet as an operator would; deviceKey → deviceSecret. */
    Map<String, String> register(Options options) {
        try {
            return new org.otaplatform.simulator.Registration(
                            gateway.baseUrl(), JwtTokens.devOnly().token("e2e-admin", JwtTokens.ADMIN))
                    .fleet(options);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Uploads a generated package; returns its id. */
    String uploadFirmware(String product, String version, int size) {
        return uploadFirmware(product, version, size, null);
    }

    /** Uploads a generated package that needs gateway firmware {@code minGatewayVersion} (null: any); its id. */
    String uploadFirmware(String product, String version, int size, String minGatewayVersion) {
        byte[] image = new byte[size];
        new Random(product.hashCode()).nextBytes(image);
        var request = given().baseUri(firmware.baseUrl());
        if (minGatewayVersion != null) {
            request = request.multiPart("minGatewayVersion", minGatewayVersion);
        }
        return request.multiPart("file", product + "-" + version + ".bin", image, "application/octet-stream")
                .multiPart("productKey", product)
                .multiPart("version", version)
                .multiPart("type", "FULL")
                .multiPart("name", product + " " + version)
                .post("/api/v1/firmware")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    /** Creates a plan from JSON fields (besides name, productKey, firmwareId); returns its id. */
    String createPlan(String name, String product, String firmwareId, String fields) {
        String body = "{\"name\":\"" + name + "\",\"productKey\":\"" + product + "\",\"firmwareId\":\"" + firmwareId
                + "\",\"timeZone\":\"UTC\"" + (fields.isBlank() ? "" : "," + fields) + "}";
        // plan-service learns of the firmware through its event: until then the firmware is unknown (422)
        long end = System.currentTimeMillis() + 15_000;
        while (true) {
            var response = given().baseUri(plan.baseUrl())
                    .contentType(ContentType.JSON)
                    .body(body)
                    .post("/api/v1/plans")
                    .then()
                    .extract();
            if (response.statusCode() == 201) {
                return response.path("id");
            }
            if (response.statusCode() != 422
                    || !response.asString().contains("firmwareId")
                    || System.currentTimeMillis() > end) {
                throw new AssertionError(
                        "creating plan " + name + " answered " + response.statusCode() + ": " + response.asString());
            }
            sleep(200);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    void move(String planId, String action) {
        given().baseUri(plan.baseUrl())
                .post("/api/v1/plans/" + planId + "/" + action)
                .then()
                .statusCode(200);
    }

    JsonPath plan(String planId) {
        return given().baseUri(plan.baseUrl())
                .get("/api/v1/plans/" + planId)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    JsonPath tasks(String planId, String query) {
        return given().baseUri(plan.baseUrl())
                .get("/api/v1/plans/" + planId + "/tasks?size=500" + (query.isBlank() ? "" : "&" + query))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    /** {@code dir}, emptied (made when missing): the data or logs of a test's own servers, from scratch. */
    static java.nio.file.Path freshDirectory(java.nio.file.Path dir) throws java.io.IOException {
        if (java.nio.file.Files.exists(dir)) {
            try (java.util.stream.Stream<java.nio.file.Path> walk = java.nio.file.Files.walk(dir)) {
                for (java.nio.file.Path p :
                        walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    java.nio.file.Files.delete(p);
                }
            }
        }
        return java.nio.file.Files.createDirectories(dir);
    }
}
