package org.otaplatform.simulator;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * N simulated gateways × M sub-devices, laid out from the seed: which sub-devices are broken, low on
 * battery, offline or roaming, and which gateways drop off now and then. Start it, watch {@link #stats()},
 * close it.
 */
public final class Fleet implements AutoCloseable {

    final Options options;
    final Stats stats = new Stats();
    final Vertx vertx;
    final Downloader downloader;
    final SigningKeys keys;
    /** deviceKey → deviceSecret: what the gateways sign their claims with (empty: they send no proofs). */
    final Map<String, String> secrets;

    private final List<SimGateway> gateways = new ArrayList<>();
    private final List<RogueGateway> rogues = new ArrayList<>();
    private final Random layout;

    private Fleet(Options options, Map<String, String> secrets) {
        this.options = options;
        this.secrets = Map.copyOf(secrets);
        this.vertx = Vertx.vertx(new VertxOptions()
                .setWorkerPoolSize(Math.min(200, Math.max(20, options.gateways())))
                .setBlockedThreadCheckInterval(10)
                .setBlockedThreadCheckIntervalUnit(TimeUnit.SECONDS));
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.downloader = new Downloader(http, stats);
        this.keys = new SigningKeys(http);
        this.layout = new Random(options.seed());
    }

    /** Lays the fleet out and connects every gateway; its claims carry no proofs. */
    public static Fleet start(Options options) {
        return start(options, Map.of());
    }

    /**
     * Lays the fleet out and connects every gateway, which proves each claim of a sub-device with its secret
     * ({@code secrets}: deviceKey → deviceSecret, as a registry import returns them).
     */
    public static Fleet start(Options options, Map<String, String> secrets) {
        Fleet fleet = new Fleet(options, secrets);
        for (int g = 0; g < options.gateways(); g++) {
            String gatewayId = options.gatewayId(g);
            Context context = fleet.vertx.getOrCreateContext();
            SimGateway gateway = new SimGateway(
                    fleet,
                    gatewayId,
                    context,
                    fleet.layout.nextLong(),
                    fleet.layout.nextDouble() < options.dropRatio());
            for (int d = 0; d < options.devicesPerGateway(); d++) {
                gateway.attachAtStart(new SubDevice(
                        options.productKey(),
                        Options.deviceKey(gatewayId, d),
                        options.version(),
                        fleet.layout.nextDouble() >= options.offlineRatio(),
                        fleet.layout.nextDouble() < options.brokenRatio(),
                        fleet.layout.nextDouble() < options.lowBatteryRatio() ? 20 : 60 + fleet.layout.nextInt(41),
                        fleet.layout.nextDouble() < options.roamRatio(),
                        options.hardwareRevision(d)));
            }
            fleet.gateways.add(gateway);
        }
        for (SimGateway gateway : fleet.gateways) {
            gateway.context.runOnContext(v -> gateway.connect());
            if (gateway.flaky) {
                long every = Math.max(1_000, options.dropEvery().toMillis());
                gateway.context.runOnContext(v -> fleet.vertx.setPeriodic(
                        every / 2 + fleet.layout.nextInt((int) Math.min(Integer.MAX_VALUE, every)),
                        every,
                        id -> gateway.drop()));
            }
        }
        for (int r = 0; r < options.rogue(); r++) {
            RogueGateway rogue = new RogueGateway(
                    fleet, options.prefix() + "-rogue" + r, fleet.vertx.getOrCreateContext(), fleet.layout.nextLong());
            fleet.rogues.add(rogue);
            rogue.context.runOnContext(v -> rogue.connect());
        }
        if (options.roamRatio() > 0 && fleet.gateways.size() > 1) {
            fleet.vertx.setPeriodic(Math.max(1_000, options.roamEvery().toMillis()), id -> fleet.roamOnce());
        }
        return fleet;
    }

    /** One roaming sub-device moves from a random gateway to another. */
    private void roamOnce() {
        SimGateway from = gateways.get(layout.nextInt(gateways.size()));
        SimGateway to = gateways.get(layout.nextInt(gateways.size()));
        if (from == to) {
            return;
        }
        from.context.runOnContext(v -> {
            SubDevice d = from.detachOneRoamer();
            if (d != null) {
                to.context.runOnContext(w -> to.attach(d));
            }
        });
    }

    public Stats stats() {
        return stats;
    }

    public Options options() {
        return options;
    }

    public List<String> gatewayIds() {
        return gateways.stream().map(g -> g.id).toList();
    }

    /** Every sub-device's current version, by deviceKey. */
    public Map<String, String> versions() {
        Map<String, String> all = new LinkedHashMap<>();
        for (SimGateway g : gateways) {
            Promise<Map<String, String>> p = Promise.promise();
            g.context.runOnContext(v -> p.complete(g.versions()));
            all.putAll(p.future().toCompletionStage().toCompletableFuture().join());
        }
        return all;
    }

    /** Every gateway's own firmware, by gatewayId. */
    public Map<String, String> gatewayFirmware() {
        Map<String, String> all = new LinkedHashMap<>();
        for (SimGateway g : gateways) {
            Promise<String> p = Promise.promise();
            g.context.runOnContext(v -> p.complete(g.firmware()));
            all.put(g.id, p.future().toCompletionStage().toCompletableFuture().join());
        }
        return all;
    }

    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /** Stops every gateway cleanly (each publishes {@code offline}) and the event loops; once. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<Future<Void>> stopped = new ArrayList<>();
        for (RogueGateway r : rogues) {
            Promise<Void> p = Promise.promise();
            r.context.runOnContext(v -> r.stop().onComplete(ar -> p.complete()));
            stopped.add(p.future());
        }
        for (SimGateway g : gateways) {
            Promise<Void> p = Promise.promise();
            g.context.runOnContext(v -> g.stop().onComplete(ar -> p.complete()));
            stopped.add(p.future());
        }
        try {
            Future.join(stopped).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // stopping anyway
        }
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
