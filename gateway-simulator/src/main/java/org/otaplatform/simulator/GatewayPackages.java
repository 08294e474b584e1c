package org.otaplatform.simulator;

import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.otaplatform.contract.FirmwareManifest;
import org.otaplatform.contract.message.Upgrade;
import org.otaplatform.contract.wire.FailureCode;
import org.otaplatform.contract.wire.FirmwareType;

/**
 * A simulated gateway's firmware packages: each downloaded once however many of its sub-devices wait for
 * it (HTTP Range resumes a cut download), checked once (SHA-256, then the Ed25519 signature over the
 * manifest), and the outcome given to every waiting task. A package that failed to download is fetched
 * again for the next task; a bad one is not. Used on the gateway's own Vert.x context only.
 */
final class GatewayPackages {

    /** A task waiting for a package. */
    interface Waiter {
        /** Whether the task ended meanwhile (cancelled, superseded): it hears nothing more. */
        boolean finished();

        /** The download reached {@code percent} (reported at every quarter). */
        void downloading(int percent);

        /** Downloaded and checked: {@code failure} is null for a good package. */
        void checked(FailureCode failure);
    }

    private static final class Package {
        String url;
        boolean running;
        FailureCode failure; // null with a good package
        boolean done;
        int reported = -1;
        final List<Waiter> waiting = new ArrayList<>();
    }

    private final Fleet fleet;
    private final Options options;
    private final Stats stats;
    private final String gatewayId;
    private final Context context;
    private final Random random;
    private final Map<String, Package> packages = new HashMap<>();

    GatewayPackages(Fleet fleet, String gatewayId, Context context, Random random) {
        this.fleet = fleet;
        this.options = fleet.options;
        this.stats = fleet.stats;
        this.gatewayId = gatewayId;
        this.context = context;
        this.random = random;
    }

    /** The upgrade's package for {@code waiter}: at once when already checked, else after the download. */
    void obtain(Upgrade upgrade, Waiter waiter) {
        Upgrade.FirmwareRef fw = upgrade.firmware();
        Package p = packages.computeIfAbsent(fw.id(), k -> new Package());
        p.url = fw.url(); // the newest link: an older one may have expired
        if (p.done
                && (p.failure == null
                        || p.failure == FailureCode.CHECKSUM_MISMATCH
                        || p.failure == FailureCode.SIGNATURE_INVALID)) {
            waiter.checked(p.failure);
            return;
        }
        p.waiting.add(waiter);
        if (p.running) {
            return;
        }
        p.running = true;
        p.done = false;
        p.reported = -1;
        String source = fw.type() == FirmwareType.DELTA ? upgrade.fromVersion() : null;
        FirmwareManifest manifest = new FirmwareManifest(
                upgrade.productKey(), upgrade.toVersion(), fw.type(), source, fw.size(), fw.sha256());
        boolean interrupt = random.nextDouble() < options.interruptRatio();
        fleet.vertx
                .executeBlocking(
                        () -> {
                            Downloader.Result r = fleet.downloader.fetch(
                                    () -> p.url,
                                    fw.size(),
                                    options.downloadBytesPerSecond(),
                                    interrupt,
                                    percent -> context.runOnContext(v -> downloading(p, percent)));
                            if (!r.ok()) {
                                return FailureCode.DOWNLOAD_FAILED;
                            }
                            if (!r.sha256().equalsIgnoreCase(fw.sha256())) {
                                return FailureCode.CHECKSUM_MISMATCH;
                            }
                            return fleet.keys.verify(p.url, fw.keyId(), fw.signature(), manifest)
                                    ? null
                                    : FailureCode.SIGNATURE_INVALID;
                        },
                        false)
                .onComplete(ar -> context.runOnContext(v -> {
                    p.running = false;
                    p.done = true;
                    p.failure = ar.succeeded() ? ar.result() : FailureCode.DOWNLOAD_FAILED;
                    if (p.failure == null || p.failure == FailureCode.CHECKSUM_MISMATCH) {
                        stats.downloaded(gatewayId, fw.id());
                    }
                    List<Waiter> waiting = new ArrayList<>(p.waiting);
                    p.waiting.clear();
                    waiting.forEach(w -> w.checked(p.failure));
                }));
    }

    private void downloading(Package p, int percent) {
        if (percent / 25 > p.reported / 25 && percent < 100) {
            p.reported = percent;
            p.waiting.stream().filter(w -> !w.finished()).forEach(w -> w.downloading(percent));
        }
    }
}
