package org.otaplatform.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** What the fleet saw and did, shared by every gateway (each runs on its own event loop). */
public final class Stats {

    private static final int KEPT_ERRORS = 200;

    final AtomicInteger gatewaysOnline = new AtomicInteger();
    final AtomicInteger connects = new AtomicInteger();
    final AtomicInteger tasks = new AtomicInteger();
    final AtomicInteger duplicateUpgrades = new AtomicInteger();
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final AtomicInteger maxPerGateway = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger replyUpgrade = new AtomicInteger();
    final AtomicInteger replyNoUpgrade = new AtomicInteger();
    final AtomicInteger cancels = new AtomicInteger();
    final AtomicInteger resyncs = new AtomicInteger();
    final AtomicInteger downloads = new AtomicInteger();
    final AtomicInteger resumes = new AtomicInteger();
    final AtomicInteger roams = new AtomicInteger();
    final AtomicInteger drops = new AtomicInteger();
    final AtomicInteger reboots = new AtomicInteger();
    final AtomicInteger gatewayUpgrades = new AtomicInteger();
    final AtomicInteger gatewayRollbacks = new AtomicInteger();
    final AtomicInteger bothAtOnce = new AtomicInteger();
    final AtomicInteger busyRejections = new AtomicInteger();
    final AtomicInteger superseded = new AtomicInteger();
    final AtomicInteger alreadyRunning = new AtomicInteger();
    final AtomicInteger rogueClaims = new AtomicInteger();
    private final Map<String, AtomicInteger> rogueRefused = new ConcurrentHashMap<>();
    final AtomicLong bytesDownloaded = new AtomicLong();
    final AtomicLong bytesFlashed = new AtomicLong();
    final AtomicLong lastActivity = new AtomicLong(System.currentTimeMillis());
    private final Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> downloadsPerPackage = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> errorReplies = new ConcurrentHashMap<>();
    private final List<Long> durations = new ArrayList<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final AtomicInteger errorCount = new AtomicInteger();
    private final long startedAt = System.currentTimeMillis();

    void activity() {
        lastActivity.set(System.currentTimeMillis());
    }

    /** A task ended on the gateway: SUCCEEDED, REJECTED, CANCELLED or FAILED/CODE. */
    void outcome(String key, long durationMillis) {
        outcomes.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        synchronized (durations) {
            durations.add(durationMillis);
        }
        activity();
    }

    void started(int onThisGateway) {
        accepted.incrementAndGet();
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        maxPerGateway.accumulateAndGet(onThisGateway, Math::max);
        activity();
    }

    void ended() {
        inFlight.decrementAndGet();
    }

    /** A gateway finished one full download of a package (resumes included). */
    void downloaded(String gatewayId, String firmwareId) {
        downloads.incrementAndGet();
        downloadsPerPackage
                .computeIfAbsent(gatewayId + "|" + firmwareId, k -> new AtomicInteger())
                .incrementAndGet();
    }

    void errorReply(String code, String text) {
        errorReplies.computeIfAbsent(code, k -> new AtomicInteger()).incrementAndGet();
        error("the platform refused a message: " + code + " " + text);
    }

    /** Claims of rogue gateways the platform refused, by the code it gave. */
    void rogueRefused(String code, int claims) {
        rogueRefused.computeIfAbsent(code, k -> new AtomicInteger()).addAndGet(claims);
    }

    /** How many claims the rogue gateways made. */
    public int rogueClaims() {
        return rogueClaims.get();
    }

    /** How many of the rogue gateways' claims were refused, by code. */
    public Map<String, Integer> rogueRefused() {
        Map<String, Integer> copy = new TreeMap<>();
        rogueRefused.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    /** Something a correct platform never does; the run ends with exit status 1. */
    void error(String text) {
        errorCount.incrementAndGet();
        if (errors.size() < KEPT_ERRORS) {
            errors.add(text);
        }
    }

    /** How often a gateway was told to upgrade itself while it flashed a sub-device, or the reverse. */
    public int bothAtOnce() {
        return bothAtOnce.get();
    }

    public int gatewayRollbacks() {
        return gatewayRollbacks.get();
    }

    /** Gateway upgrades the gateways accepted, and how often they rebooted into new firmware. */
    public int gatewayUpgrades() {
        return gatewayUpgrades.get();
    }

    public int reboots() {
        return reboots.get();
    }

    public int outcome(String key) {
        AtomicInteger n = outcomes.get(key);
        return n == null ? 0 : n.get();
    }

    public Map<String, Integer> outcomes() {
        Map<String, Integer> copy = new TreeMap<>();
        outcomes.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    public int errorCount() {
        return errorCount.get();
    }

    public List<String> errors() {
        return List.copyOf(errors);
    }

    public int tasks() {
        return tasks.get();
    }

    public int maxPerGateway() {
        return maxPerGateway.get();
    }

    public int maxInFlight() {
        return maxInFlight.get();
    }

    public int duplicateUpgrades() {
        return duplicateUpgrades.get();
    }

    public int cancels() {
        return cancels.get();
    }

    /** How often the platform asked a gateway for its topology again ({@code down/resync}). */
    public int resyncs() {
        return resyncs.get();
    }

    public int replies(boolean upgrade) {
        return upgrade ? replyUpgrade.get() : replyNoUpgrade.get();
    }

    /** Upgrades for a sub-device still busy with another task (rejected): a timed-out task still installing. */
    public int busyRejections() {
        return busyRejections.get();
    }

    /** Older tasks dropped (not yet installing) because the platform sent a newer one for the sub-device. */
    public int superseded() {
        return superseded.get();
    }

    /** Upgrades to the version the sub-device already runs (rejected): a new attempt racing a success. */
    public int alreadyRunning() {
        return alreadyRunning.get();
    }

    public int resumes() {
        return resumes.get();
    }

    public int connects() {
        return connects.get();
    }

    public long bytesDownloaded() {
        return bytesDownloaded.get();
    }

    public long bytesFlashed() {
        return bytesFlashed.get();
    }

    /** The most full downloads any one gateway made of any one package. */
    public int maxDownloadsPerGatewayAndPackage() {
        return downloadsPerPackage.values().stream()
                .mapToInt(AtomicInteger::get)
                .max()
                .orElse(0);
    }

    public long idleMillis() {
        return System.currentTimeMillis() - lastActivity.get();
    }

    /** One line for a terminal. */
    public String statusLine(int gateways) {
        return String.format(
                Locale.ROOT,
                "%4ds  gateways %d/%d online | tasks %d | flashing %d | ok %d | failed %d | rejected %d | cancelled %d | %s downloaded%s",
                (System.currentTimeMillis() - startedAt) / 1000,
                gatewaysOnline.get(),
                gateways,
                tasks.get(),
                inFlight.get(),
                outcome("SUCCEEDED"),
                failed(),
                outcome("REJECTED"),
                outcome("CANCELLED"),
                bytes(bytesDownloaded.get()),
                errorCount.get() == 0 ? "" : " | ERRORS " + errorCount.get());
    }

    private int failed() {
        return outcomes.entrySet().stream()
                .filter(e -> e.getKey().startsWith("FAILED"))
                .mapToInt(e -> e.getValue().get())
                .sum();
    }

    /** The closing table. */
    public String summary() {
        StringBuilder s = new StringBuilder();
        s.append("\nGateway simulator summary\n");
        s.append(String.format(Locale.ROOT, "  %-44s %10s%n", "task outcome (on the gateways)", "tasks"));
        outcomes().forEach((k, v) -> s.append(String.format(Locale.ROOT, "  %-44s %10d%n", k, v)));
        s.append(String.format(Locale.ROOT, "  %-44s %10d%n", "still running", inFlight.get()));
        s.append(String.format(Locale.ROOT, "  %-44s %10d%n", "upgrade commands (distinct tasks)", tasks.get()));
        s.append(String.format(Locale.ROOT, "  %-44s %10d%n", "repeated upgrade deliveries", duplicateUpgrades.get()));
        s.append(String.format(Locale.ROOT, "  %-44s %10d%n", "cancels received", cancels.get()));
        s.append(String.format(
                Locale.ROOT,
                "  %-44s %10s%n",
                "superseded / rejected: installing / at target",
                superseded.get() + " / " + busyRejections.get() + " / " + alreadyRunning.get()));
        s.append(String.format(
                Locale.ROOT,
                "  %-44s %10s%n",
                "requests / replies",
                requests.get() + " / " + (replyUpgrade.get() + replyNoUpgrade.get())));
        List<Long> sorted;
        synchronized (durations) {
            sorted = new ArrayList<>(durations);
        }
        sorted.sort(null);
        if (!sorted.isEmpty()) {
            s.append(String.format(
                    Locale.ROOT,
                    "  %-44s %s%n",
                    "task duration (ms)",
                    "min " + sorted.get(0) + ", median " + sorted.get(sorted.size() / 2) + ", p95 "
                            + sorted.get((int) Math.min(sorted.size() - 1, Math.floor(sorted.size() * 0.95)))
                            + ", max " + sorted.get(sorted.size() - 1)));
        }
        s.append(String.format(
                Locale.ROOT,
                "  %-44s %10s%n",
                "bytes downloaded / flashed",
                bytes(bytesDownloaded.get()) + " / " + bytes(bytesFlashed.get())));
        s.append(String.format(
                Locale.ROOT,
                "  %-44s %10s%n",
                "downloads (resumed with Range)",
                downloads.get() + " (" + resumes.get() + ")"));
        s.append(String.format(
                Locale.ROOT,
                "  %-44s %10d%n",
                "most downloads of a package by one gateway",
                maxDownloadsPerGatewayAndPackage()));
        s.append(
                String.format(Locale.ROOT, "  %-44s %10d%n", "most tasks at once on one gateway", maxPerGateway.get()));
        s.append(String.format(Locale.ROOT, "  %-44s %10d%n", "most tasks at once in the fleet", maxInFlight.get()));
        s.append(String.format(
                Locale.ROOT,
                "  %-44s %10s%n",
                "connects / drops / roams",
                connects.get() + " / " + drops.get() + " / " + roams.get()));
        if (gatewayUpgrades.get() > 0) {
            s.append(String.format(
                    Locale.ROOT,
                    "  %-44s %10s%n",
                    "gateway upgrades / reboots / rolled back",
                    gatewayUpgrades.get() + " / " + reboots.get() + " / " + gatewayRollbacks.get()));
        }
        s.append(String.format(
                Locale.ROOT, "  %-44s %10d%n", "told to upgrade itself and a sub-device at once", bothAtOnce.get()));
        if (rogueClaims.get() > 0) {
            Map<String, Integer> refused = rogueRefused();
            s.append(String.format(
                    Locale.ROOT,
                    "  %-44s %10s%n",
                    "rogue gateways' claims refused / made",
                    refused.values().stream().mapToInt(Integer::intValue).sum() + " / " + rogueClaims.get()));
            refused.forEach((code, n) -> s.append(String.format(Locale.ROOT, "  %-44s %10d%n", "  " + code, n)));
        }
        s.append(String.format(Locale.ROOT, "  %-44s %10d%n", "ERRORS", errorCount.get()));
        errors.stream().limit(20).forEach(e -> s.append("    ").append(e).append('\n'));
        return s.toString();
    }

    /** The live figures as one JSON object. */
    public String json() {
        StringBuilder o = new StringBuilder("{");
        o.append("\"gatewaysOnline\":").append(gatewaysOnline.get());
        o.append(",\"tasks\":").append(tasks.get());
        o.append(",\"inFlight\":").append(inFlight.get());
        o.append(",\"maxPerGateway\":").append(maxPerGateway.get());
        o.append(",\"maxInFlight\":").append(maxInFlight.get());
        o.append(",\"duplicateUpgrades\":").append(duplicateUpgrades.get());
        o.append(",\"downloads\":").append(downloads.get());
        o.append(",\"maxDownloadsPerGatewayAndPackage\":").append(maxDownloadsPerGatewayAndPackage());
        o.append(",\"bytesDownloaded\":").append(bytesDownloaded.get());
        o.append(",\"bytesFlashed\":").append(bytesFlashed.get());
        o.append(",\"gatewayUpgrades\":").append(gatewayUpgrades.get());
        o.append(",\"reboots\":").append(reboots.get());
        o.append(",\"gatewayRollbacks\":").append(gatewayRollbacks.get());
        o.append(",\"bothAtOnce\":").append(bothAtOnce.get());
        o.append(",\"errors\":").append(errorCount.get());
        o.append(",\"rogueClaims\":").append(rogueClaims.get());
        o.append(",\"rogueClaimsRefused\":")
                .append(rogueRefused().values().stream()
                        .mapToInt(Integer::intValue)
                        .sum());
        o.append(",\"outcomes\":{");
        boolean first = true;
        for (var e : outcomes().entrySet()) {
            o.append(first ? "" : ",")
                    .append('"')
                    .append(e.getKey())
                    .append("\":")
                    .append(e.getValue());
            first = false;
        }
        return o.append("}}").toString();
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        if (n < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", n / 1024.0 / 1024);
        }
        return String.format(Locale.ROOT, "%.2f GiB", n / 1024.0 / 1024 / 1024);
    }
}
