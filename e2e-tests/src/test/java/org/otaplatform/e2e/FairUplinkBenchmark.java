package org.otaplatform.e2e;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.otaplatform.contract.Topics;
import org.otaplatform.contract.UplinkType;
import org.otaplatform.contract.codec.MessageCodec;
import org.otaplatform.contract.message.Hello;
import org.otaplatform.simulator.Fleet;
import org.otaplatform.simulator.Options;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.PostgresServer;

/**
 * Fair uplink (issue #21, {@code bench/fair-uplink.sh}): a campaign over a fleet of well-behaved gateways,
 * alone, then while one registered gateway floods maximum-size {@code hello}s at its limit (as many
 * sub-devices as fit in 64 KiB, none of them its to claim; the next one as soon as the last is answered, a
 * second later when it was refused as RATE_LIMITED), then alone again.
 * Compares the campaign's task latency (upgrade sent → SUCCEEDED recorded: five reports of the gateway each
 * committed) at p50 and p99; the bar is that the flood raises p99 by no more than 1 s. Writes {@code
 * bench/results/fair-uplink.md}.
 *
 * <p>Options: {@code --gateways N} (200) {@code --devices N} per gateway (20) {@code --concurrency N} (10).
 */
public final class FairUplinkBenchmark {

    private final Platform platform;
    private final PostgresServer postgres;
    private final MqttBroker broker;

    private FairUplinkBenchmark(Platform platform, PostgresServer postgres, MqttBroker broker) {
        this.platform = platform;
        this.postgres = postgres;
        this.broker = broker;
    }

    public static void main(String[] args) throws Exception {
        int gateways = BenchArgs.integer(args, "--gateways", 200);
        int devices = BenchArgs.integer(args, "--devices", 20);
        int concurrency = BenchArgs.integer(args, "--concurrency", 10);
        PostgresServer postgres = PostgresServer.shared();
        MqttBroker broker = MqttBroker.shared();
        Platform platform = new Platform(postgres, broker, null, "bench-logs");
        int exit;
        try {
            FairUplinkBenchmark bench = new FairUplinkBenchmark(platform, postgres, broker);
            say("warming up ...");
            bench.campaign("warm", gateways, devices, concurrency, null); // the services' code compiled
            long[] before = bench.campaign("quiet", gateways, devices, concurrency, null);
            Flooder flooder = bench.flooder();
            long[] flooded;
            try {
                flooded = bench.campaign("flooded", gateways, devices, concurrency, flooder);
            } finally {
                flooder.stop();
            }
            long[] after = bench.campaign("quiet-again", gateways, devices, concurrency, null);
            // the campaigns alone, before and after, bracket the machine's drift: their mean is the baseline
            long[] quiet = {(before[0] + after[0]) / 2, (before[1] + after[1]) / 2};
            say("alone p99: %,d ms before, %,d ms after the flood", before[1], after[1]);
            double raised = (flooded[1] - quiet[1]) / 1000.0;
            String table = String.format(
                    Locale.ROOT,
                    "| campaign (%d × %d, %d per gateway, field shape) | task latency p50 | p99 |%n|---|---|---|%n"
                            + "| alone (mean of the runs before and after) | %,d ms | %,d ms |%n| beside a gateway flooding %d-sub-device hellos | %,d ms | %,d ms |%n%n"
                            + "p99 raised by **%.2f s** (bar ≤ 1 s). The flooder sent %,d hellos (%,d bytes each) in %.0f s:"
                            + " %,d answered RATE_LIMITED, %,d read and their claims refused.%n",
                    gateways,
                    devices,
                    concurrency,
                    quiet[0],
                    quiet[1],
                    flooder.subDevices,
                    flooded[0],
                    flooded[1],
                    raised,
                    flooder.sent.get(),
                    flooder.bytes,
                    flooder.seconds(),
                    flooder.rateLimited.get(),
                    flooder.otherErrors.get());
            System.out.println();
            System.out.print(table);
            Path results = Path.of("..", "bench", "results").toAbsolutePath().normalize();
            Files.createDirectories(results);
            Files.writeString(results.resolve("fair-uplink.md"), table);
            exit = raised <= 1.0 ? 0 : 1;
        } finally {
            platform.close();
        }
        System.exit(exit);
    }

    /** A campaign over a fleet and product of its own; {p50, p99} task latency in ms. */
    private long[] campaign(String name, int gateways, int devices, int concurrency, Flooder flooder) throws Exception {
        String product = Platform.product(name);
        Options options = Platform.fleetOptions(broker, Platform.prefix(), product)
                .gateways(gateways)
                .devicesPerGateway(devices)
                .flashTime(Duration.ZERO)
                .awaitPublish(true)
                .build();
        try (Fleet fleet = platform.fleet(options)) {
            long total = (long) gateways * devices;
            await("SELECT count(*) FROM device_view WHERE product_key = '" + product + "' AND online", total);
            String plan = platform.createPlan(
                    product,
                    product,
                    platform.uploadFirmware(product, "2.0.0", 64 * 1024),
                    "\"mode\":\"SILENT\",\"maxConcurrentPerGateway\":" + concurrency
                            + ",\"ackTimeoutSeconds\":300,\"taskTimeoutSeconds\":3600");
            if (flooder != null) {
                flooder.start();
            }
            long started = System.nanoTime();
            platform.move(plan, "activate");
            await("SELECT count(*) FROM upgrade_task WHERE plan_id = '" + plan + "' AND state = 'SUCCEEDED'", total);
            say("%s: %,d sub-devices upgraded in %.1f s", name, total, (System.nanoTime() - started) / 1e9);
            return new long[] {latency(plan, 0.5), latency(plan, 0.99)};
        }
    }

    private long latency(String plan, double quantile) throws Exception {
        return postgres.count(
                platform.planDatabase,
                "SELECT (percentile_cont(" + quantile
                        + ") WITHIN GROUP (ORDER BY extract(epoch FROM updated_at - notified_at)) * 1000)::bigint"
                        + " FROM upgrade_task WHERE plan_id = '" + plan + "' AND state = 'SUCCEEDED'");
    }

    private void await(String sql, long expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
        while (postgres.count(platform.planDatabase, sql) < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not reached in 15 minutes: " + sql);
            }
            Thread.sleep(500);
        }
    }

    /**
     * A registered gateway with registered sub-devices that are not bound to it, ready to flood: its hello names
     * as many of them (without proofs) as fit in 64 KiB.
     */
    private Flooder flooder() {
        String product = Platform.product("flood");
        Options options = Platform.fleetOptions(
                        broker, "flood" + UUID.randomUUID().toString().substring(0, 4), product)
                .gateways(1)
                .devicesPerGateway(700)
                .build();
        platform.register(options);
        String gatewayId = options.gatewayId(0);
        List<Hello.SubDeviceSnapshot> named = new ArrayList<>();
        byte[] payload = null;
        for (int d = 0; d < 700; d++) {
            named.add(new Hello.SubDeviceSnapshot(product, Options.deviceKey(gatewayId, d), "1.0", true, null));
            byte[] next = MessageCodec.encode(new Hello(
                    UUID.randomUUID().toString(), 1, new Hello.GatewayInfo(options.gatewayProductKey(), "1.0"), named));
            if (next.length > 65_000) {
                named.remove(named.size() - 1);
                break;
            }
            payload = next;
        }
        return new Flooder(gatewayId, options.gatewayProductKey(), List.copyOf(named), payload.length);
    }

    /**
     * Publishes hellos one after another, each after the broker's PUBACK of the one before; counts the
     * {@code error} replies.
     */
    private final class Flooder {
        final String gatewayId;
        final String gatewayProduct;
        final List<Hello.SubDeviceSnapshot> named;
        final int subDevices;
        final int bytes;
        final AtomicInteger sent = new AtomicInteger();
        final AtomicInteger rateLimited = new AtomicInteger();
        final AtomicInteger otherErrors = new AtomicInteger();
        final AtomicBoolean running = new AtomicBoolean();
        private Vertx vertx;
        private volatile long silence;
        private long startedAt;
        private long stoppedAt;

        Flooder(String gatewayId, String gatewayProduct, List<Hello.SubDeviceSnapshot> named, int bytes) {
            this.gatewayId = gatewayId;
            this.gatewayProduct = gatewayProduct;
            this.named = named;
            this.subDevices = named.size();
            this.bytes = bytes;
        }

        void start() throws Exception {
            vertx = Vertx.vertx();
            MqttClient client = MqttClient.create(
                    vertx, new MqttClientOptions().setClientId(gatewayId).setMaxMessageSize(1_000_000));
            // at its limit: the next hello as soon as the last one is answered, a second later when the answer
            // is RATE_LIMITED (or when none comes: refusals in between are not answered)
            client.publishHandler(m -> {
                String body = m.payload().toString();
                vertx.cancelTimer(silence);
                if (body.contains("RATE_LIMITED")) {
                    rateLimited.incrementAndGet();
                    vertx.setTimer(1_000, t -> send(client));
                } else {
                    otherErrors.incrementAndGet();
                    send(client);
                }
            });
            client.publishCompletionHandler(packetId -> sent.incrementAndGet());
            client.connect(broker.port(), broker.host())
                    .compose(ack -> client.subscribe(Topics.downlinkFilter(gatewayId), 1))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            running.set(true);
            startedAt = System.nanoTime();
            send(client);
        }

        private void send(MqttClient client) {
            if (!running.get()) {
                return;
            }
            byte[] hello = MessageCodec.encode(new Hello(
                    UUID.randomUUID().toString(),
                    System.currentTimeMillis(),
                    new Hello.GatewayInfo(gatewayProduct, "1.0"),
                    named));
            client.publish(
                            Topics.uplink(gatewayId, UplinkType.HELLO),
                            Buffer.buffer(hello),
                            MqttQoS.AT_LEAST_ONCE,
                            false,
                            false)
                    .onFailure(e -> {}); // sent again when no answer came
            silence = vertx.setTimer(1_000, t -> send(client));
        }

        void stop() throws InterruptedException {
            running.set(false);
            stoppedAt = System.nanoTime();
            Thread.sleep(2_000); // the last answer
            if (vertx != null) {
                vertx.close();
            }
        }

        double seconds() {
            return (stoppedAt - startedAt) / 1e9;
        }
    }

    private static void say(String format, Object... args) {
        System.out.printf(Locale.ROOT, format + "%n", args);
    }
}
