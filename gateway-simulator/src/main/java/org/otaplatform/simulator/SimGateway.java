package org.otaplatform.simulator;

import io.vertx.core.Context;
import io.vertx.mqtt.messages.MqttPublishMessage;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.otaplatform.contract.DownlinkType;
import org.otaplatform.contract.GatewayTopic;
import org.otaplatform.contract.SubDeviceProof;
import org.otaplatform.contract.Topics;
import org.otaplatform.contract.UplinkType;
import org.otaplatform.contract.codec.Decoded;
import org.otaplatform.contract.codec.MessageCodec;
import org.otaplatform.contract.message.Ack;
import org.otaplatform.contract.message.Cancel;
import org.otaplatform.contract.message.DownlinkMessage;
import org.otaplatform.contract.message.ErrorReply;
import org.otaplatform.contract.message.Hello;
import org.otaplatform.contract.message.Progress;
import org.otaplatform.contract.message.Reply;
import org.otaplatform.contract.message.Resync;
import org.otaplatform.contract.message.SubDeviceAuth;
import org.otaplatform.contract.message.SubDeviceRef;
import org.otaplatform.contract.message.Topology;
import org.otaplatform.contract.message.Upgrade;
import org.otaplatform.contract.message.UpgradeRequest;
import org.otaplatform.contract.message.VersionReport;
import org.otaplatform.contract.wire.FailureCode;
import org.otaplatform.contract.wire.ProgressState;
import org.otaplatform.contract.wire.ReplyResult;

/**
 * One simulated gateway and its sub-devices, as a careful vendor builds it: MQTT client id = username =
 * gatewayId, a last will on {@code up/offline}, a full-topology {@code hello} after every connect,
 * {@code upgrade} de-duplicated by taskId, one download per package shared by all its sub-devices,
 * SHA-256 and Ed25519 checked before flashing, uplink messages kept while offline and sent after the
 * next hello. All its state lives on one Vert.x context.
 */
final class SimGateway {

    /**
     * An {@code upgrade} for a task that ended longer ago than this is an order to flash again. Shorter
     * ones are the protocol's re-deliveries: after a reconnect the platform re-sends what it has no ack
     * for, and the ack may still be on its way behind a broker or database restart (seen 10 s after).
     */
    private static final long REPEAT_GRACE_MILLIS = 60_000;

    /** The hardware revision every simulated gateway reports in its hello. */
    static final String HARDWARE_REVISION = "sim-A1";

    private final Fleet fleet;
    private final Options options;
    private final Stats stats;
    final String id;
    final Context context;
    private final Random random;
    final boolean flaky;
    private final GatewayConnection link;
    private final Map<String, SubDevice> devices = new LinkedHashMap<>();
    private final Map<String, SimTask> runs = new HashMap<>();
    private final GatewayPackages packages;
    private int active;
    /** The firmware this gateway runs (its hello says so). */
    private String firmware;
    /** Its own upgrade while it runs (until it rebooted); null when none. */
    private SimTask own;

    SimGateway(Fleet fleet, String id, Context context, long seed, boolean flaky) {
        this.fleet = fleet;
        this.options = fleet.options;
        this.stats = fleet.stats;
        this.id = id;
        this.context = context;
        this.random = new Random(seed);
        this.flaky = flaky;
        this.packages = new GatewayPackages(fleet, id, context, random);
        this.firmware = options.gatewayVersion();
        this.link = new GatewayConnection(fleet, id, random, this::onMessage, this::hello, this::afterHello);
    }

    void attachAtStart(SubDevice d) {
        devices.put(d.deviceKey, d);
    }

    // --- connection ------------------------------------------------------------------------------

    void connect() {
        link.connect();
    }

    /** Goes offline cleanly (publishing {@code offline} itself) for a while, then comes back. */
    void drop() {
        link.drop();
    }

    /** A clean shutdown: {@code offline}, then DISCONNECT. */
    io.vertx.core.Future<Void> stop() {
        return link.stop();
    }

    /** The full topology, sent first after every connect. */
    private Hello hello() {
        List<Hello.SubDeviceSnapshot> snapshot = devices.values().stream()
                .map(d -> new Hello.SubDeviceSnapshot(
                        d.productKey, d.deviceKey, d.version, d.online, proof(d), d.hardwareRevision))
                .toList();
        return new Hello(
                msgId(),
                now(),
                new Hello.GatewayInfo(options.gatewayProductKey(), firmware, HARDWARE_REVISION),
                snapshot);
    }

    private void afterHello() {
        if (options.requests()) {
            devices.values().stream().filter(d -> d.online && d.task == null).forEach(this::request);
        }
    }

    private void send(UplinkType type, Object message) {
        link.send(type, message);
    }

    private void request(SubDevice d) {
        stats.requests.incrementAndGet();
        send(UplinkType.REQUEST, new UpgradeRequest(msgId(), now(), d.productKey, d.deviceKey, d.version));
    }

    void progress(SimTask run, ProgressState state, Integer percent, String version, FailureCode code, String text) {
        run.stage = state;
        send(
                UplinkType.PROGRESS,
                new Progress(
                        msgId(),
                        now(),
                        run.upgrade.taskId(),
                        state,
                        percent,
                        version,
                        code == null ? null : new Progress.TaskError(code, text)));
    }

    // --- downlink --------------------------------------------------------------------------------

    private void onMessage(MqttPublishMessage m) {
        Optional<GatewayTopic> topic =
                Topics.parse(m.topicName()).filter(t -> t.gatewayId().equals(id));
        if (topic.isEmpty() || topic.get().downlink().isEmpty()) {
            return;
        }
        Decoded<DownlinkMessage> decoded = MessageCodec.decodeDownlink(
                topic.get().downlink().get(), m.payload().getBytes());
        if (decoded instanceof Decoded.Invalid<DownlinkMessage> invalid) {
            stats.error(id + " got an invalid " + topic.get().downlink().get().suffix() + ": " + invalid.summary());
            return;
        }
        DownlinkMessage message = ((Decoded.Valid<DownlinkMessage>) decoded).message();
        if (message instanceof Upgrade u && topic.get().downlink().get() == DownlinkType.GATEWAY_UPGRADE) {
            onGatewayUpgrade(u);
        } else if (message instanceof Upgrade u) {
            onUpgrade(u);
        } else if (message instanceof Cancel c) {
            onCancel(c);
        } else if (message instanceof Reply r) {
            if (r.result() == ReplyResult.UPGRADE) {
                stats.replyUpgrade.incrementAndGet();
            } else {
                stats.replyNoUpgrade.incrementAndGet();
            }
        } else if (message instanceof Resync) {
            stats.resyncs.incrementAndGet();
            link.resync();
        } else if (message instanceof ErrorReply e) {
            stats.errorReply(e.code().name(), id + ": " + e.message());
        }
    }

    private void onUpgrade(Upgrade u) {
        stats.activity();
        SimTask known = runs.get(u.taskId());
        if (known != null) {
            stats.duplicateUpgrades.incrementAndGet();
            if (known.finished && System.currentTimeMillis() - known.finishedAt > REPEAT_GRACE_MILLIS) {
                stats.error(u.deviceKey() + " was told again to flash task " + u.taskId() + ", "
                        + (System.currentTimeMillis() - known.finishedAt) / 1000 + " s after it ended "
                        + known.outcome);
            }
            send(UplinkType.ACK, new Ack(msgId(), now(), u.taskId(), known.accepted, known.reason));
            return;
        }
        stats.tasks.incrementAndGet();
        SubDevice d = devices.get(u.deviceKey());
        SimTask run = new SimTask(this, u, d);
        runs.put(u.taskId(), run);
        if (d == null || !d.productKey.equals(u.productKey())) {
            reject(run, "the sub-device is not attached to this gateway");
            return;
        }
        if (own != null) {
            // one thing at a time on a gateway: the platform must not send this while the gateway upgrades itself
            stats.bothAtOnce.incrementAndGet();
            stats.error(id + " was told to flash " + u.deviceKey() + " while upgrading itself (task "
                    + own.upgrade.taskId() + ")");
            reject(run, "busy upgrading the gateway itself");
            return;
        }
        if (d.task != null) {
            SimTask older = runs.get(d.task);
            if (older != null && !older.finished && older.stage != ProgressState.UPGRADING) {
                // the platform sends a new task only after it ended the older one (timed out, its cancel
                // lost): the newest task wins while nothing is being installed yet
                stats.superseded.incrementAndGet();
                finish(older, "SUPERSEDED");
            } else {
                // installing an older task the platform timed out: it ends, and reports the new version
                stats.busyRejections.incrementAndGet();
                reject(run, "busy installing task " + d.task);
                return;
            }
        }
        if (u.toVersion().equals(d.version)) {
            // a new attempt racing the report that an earlier one succeeded
            stats.alreadyRunning.incrementAndGet();
            reject(run, "already runs " + d.version);
            // and says so: the report of that success may not have reached the platform
            send(UplinkType.VERSION, new VersionReport(msgId(), now(), d.productKey, d.deviceKey, d.version));
            return;
        }
        if (random.nextDouble() >= options.acceptRatio()) {
            later(options.ackDelay().toMillis(), () -> {
                if (!run.finished) {
                    reject(run, "declined by the end user");
                }
            });
            return;
        }
        if (options.ackDelay().isZero()) {
            accept(run);
        } else {
            later(options.ackDelay().toMillis(), () -> {
                if (!run.finished && d.task == null) {
                    accept(run);
                }
            });
        }
    }

    // --- the gateway's own firmware ---------------------------------------------------------------

    /**
     * {@code down/gateway-upgrade}: the gateway downloads and checks its own firmware like a sub-device's,
     * reports UPGRADING, and reboots: offline, away for {@code --reboot-for}, back with a {@code hello} of the
     * firmware that booted (the old one when the new does not boot, {@code --gateway-rollback-percent}). It
     * does not report SUCCEEDED: the platform decides by the version that boots.
     */
    private void onGatewayUpgrade(Upgrade u) {
        stats.activity();
        SimTask known = runs.get(u.taskId());
        if (known != null) {
            stats.duplicateUpgrades.incrementAndGet();
            if (known.finished && System.currentTimeMillis() - known.finishedAt > REPEAT_GRACE_MILLIS) {
                stats.error(id + " was told again to upgrade itself for task " + u.taskId());
            }
            send(UplinkType.ACK, new Ack(msgId(), now(), u.taskId(), known.accepted, known.reason));
            return;
        }
        stats.tasks.incrementAndGet();
        SimTask run = new SimTask(this, u, null);
        runs.put(u.taskId(), run);
        if (!u.deviceKey().equals(id) || !u.productKey().equals(options.gatewayProductKey())) {
            reject(run, "a gateway-upgrade names the gateway itself, not " + u.productKey() + "/" + u.deviceKey());
            return;
        }
        if (active > 0 || own != null) {
            stats.bothAtOnce.incrementAndGet();
            stats.error(id + " was told to upgrade itself while "
                    + (own != null ? "upgrading already" : active + " sub-device upgrade(s) ran"));
            reject(run, "busy with " + active + " sub-device upgrade(s)");
            return;
        }
        if (u.toVersion().equals(firmware)) {
            reject(run, "already runs " + firmware);
            return;
        }
        run.accepted = true;
        own = run;
        stats.gatewayUpgrades.incrementAndGet();
        send(UplinkType.ACK, new Ack(msgId(), now(), u.taskId(), true, null));
        progress(run, ProgressState.DOWNLOADING, 0, null, null, null);
        packages.obtain(u, run);
    }

    void ownChecked(SimTask run, FailureCode failure) {
        if (run.finished) {
            return;
        }
        if (failure != null) {
            progress(run, ProgressState.FAILED, null, null, failure, "the gateway's own package did not check out");
            ownFinished(run, "GATEWAY/FAILED/" + failure);
            return;
        }
        progress(run, ProgressState.DOWNLOADED, 100, null, null, null);
        progress(run, ProgressState.UPGRADING, 0, null, null, null);
        later(Math.max(1, options.flashTime().toMillis() / 2), () -> {
            boolean boots = random.nextDouble() >= options.gatewayRollbackRatio();
            if (boots) {
                firmware = run.upgrade.toVersion();
                stats.bytesFlashed.addAndGet(run.upgrade.firmware().size());
            } else {
                stats.gatewayRollbacks.incrementAndGet();
            }
            ownFinished(run, boots ? "GATEWAY/SUCCEEDED" : "GATEWAY/ROLLED_BACK");
            link.reboot();
        });
    }

    private void ownFinished(SimTask run, String outcome) {
        run.finished = true;
        run.finishedAt = System.currentTimeMillis();
        run.outcome = outcome;
        own = null;
        stats.outcome(outcome, run.finishedAt - run.receivedAt);
    }

    /** The firmware the gateway runs now, for tests (read on this gateway's context). */
    String firmware() {
        return firmware;
    }

    private void accept(SimTask run) {
        Upgrade u = run.upgrade;
        SubDevice d = run.device;
        run.accepted = true;
        d.task = u.taskId();
        active++;
        stats.started(active);
        send(UplinkType.ACK, new Ack(msgId(), now(), u.taskId(), true, null));

        Upgrade.Conditions conditions = u.conditions();
        if (!d.online) {
            later(200, () -> fail(run, FailureCode.DEVICE_UNREACHABLE, "the sub-device does not answer"));
            return;
        }
        if (conditions != null
                && conditions.minBatteryPercent() != null
                && d.battery < conditions.minBatteryPercent()) {
            later(200, () -> fail(run, FailureCode.LOW_BATTERY, "battery at " + d.battery + "%"));
            return;
        }
        run.planned = d.broken ? FailureCode.INSTALL_FAILED : roll();
        if (run.planned != null
                && run.planned != FailureCode.INSTALL_FAILED
                && run.planned != FailureCode.CHECKSUM_MISMATCH
                && run.planned != FailureCode.SIGNATURE_INVALID) {
            later(options.flashTime().toMillis() / 4, () -> fail(run, run.planned, "injected by the simulator"));
            return;
        }
        progress(run, ProgressState.DOWNLOADING, 0, null, null, null);
        packages.obtain(run.upgrade, run);
    }

    private FailureCode roll() {
        double r = random.nextDouble();
        double sum = 0;
        for (var e : options.failures().entrySet()) {
            sum += e.getValue();
            if (r < sum) {
                return e.getKey();
            }
        }
        return null;
    }

    private void reject(SimTask run, String reason) {
        run.accepted = false;
        run.reason = reason;
        send(UplinkType.ACK, new Ack(msgId(), now(), run.upgrade.taskId(), false, reason));
        finish(run, "REJECTED");
    }

    private void onCancel(Cancel c) {
        stats.cancels.incrementAndGet();
        stats.activity();
        SimTask run = runs.get(c.taskId());
        if (run == null || run.finished || run.stage == ProgressState.UPGRADING) {
            return; // unknown, over, or installing already: too late to drop
        }
        if (run.device == null) {
            ownFinished(run, "GATEWAY/CANCELLED");
            return;
        }
        finish(run, "CANCELLED");
    }

    // --- download, check, flash ------------------------------------------------------------------

    void checked(SimTask run, FailureCode failure) {
        if (run.finished) {
            return;
        }
        if (failure != null) {
            String text = switch (failure) {
                case CHECKSUM_MISMATCH -> "the package's SHA-256 differs from the upgrade's";
                case SIGNATURE_INVALID ->
                    "the Ed25519 signature does not verify with key "
                            + run.upgrade.firmware().keyId();
                default -> "the package could not be downloaded";
            };
            fail(run, failure, text);
            return;
        }
        progress(run, ProgressState.DOWNLOADED, 100, null, null, null);
        if (run.planned == FailureCode.CHECKSUM_MISMATCH || run.planned == FailureCode.SIGNATURE_INVALID) {
            fail(run, run.planned, "injected by the simulator");
            return;
        }
        progress(run, ProgressState.UPGRADING, 0, null, null, null);
        long flash = Math.max(1, Math.round(options.flashTime().toMillis() * (0.8 + random.nextDouble() * 0.4)));
        later(flash, () -> {
            if (run.finished) {
                return;
            }
            if (run.planned == FailureCode.INSTALL_FAILED) {
                fail(
                        run,
                        FailureCode.INSTALL_FAILED,
                        run.device.broken ? "the sub-device's flash is broken" : "injected by the simulator");
                return;
            }
            SubDevice d = run.device;
            d.version = run.upgrade.toVersion();
            stats.bytesFlashed.addAndGet(run.upgrade.firmware().size());
            progress(run, ProgressState.SUCCEEDED, 100, d.version, null, null);
            send(UplinkType.VERSION, new VersionReport(msgId(), now(), d.productKey, d.deviceKey, d.version));
            finish(run, "SUCCEEDED");
        });
    }

    private void fail(SimTask run, FailureCode code, String text) {
        if (run.finished) {
            return;
        }
        progress(run, ProgressState.FAILED, null, null, code, text);
        finish(run, "FAILED/" + code);
    }

    private void finish(SimTask run, String outcome) {
        run.finished = true;
        run.finishedAt = System.currentTimeMillis();
        run.outcome = outcome;
        if (run.accepted) {
            run.device.task = null;
            active--;
            stats.ended();
        }
        stats.outcome(outcome, run.finishedAt - run.receivedAt);
    }

    // --- roaming ---------------------------------------------------------------------------------

    /** An idle roaming sub-device leaves this gateway (topology removed); null when none is idle. */
    SubDevice detachOneRoamer() {
        for (SubDevice d : devices.values()) {
            if (d.roams && d.task == null) {
                devices.remove(d.deviceKey);
                send(
                        UplinkType.TOPOLOGY,
                        new Topology(msgId(), now(), List.of(), List.of(new SubDeviceRef(d.productKey, d.deviceKey))));
                return d;
            }
        }
        return null;
    }

    void attach(SubDevice d) {
        devices.put(d.deviceKey, d);
        send(
                UplinkType.TOPOLOGY,
                new Topology(
                        msgId(),
                        now(),
                        List.of(new Topology.AttachedSubDevice(
                                d.productKey, d.deviceKey, d.version, proof(d), d.hardwareRevision)),
                        List.of()));
        stats.roams.incrementAndGet();
    }

    /** The sub-devices' versions, for tests (read on this gateway's context). */
    Map<String, String> versions() {
        Map<String, String> v = new LinkedHashMap<>();
        devices.values().forEach(d -> v.put(d.deviceKey, d.version));
        return v;
    }

    // --- helpers ---------------------------------------------------------------------------------

    /**
     * The proof that this gateway may speak for the sub-device, made now with its secret (protocol v1,
     * "Sub-device registration and binding"); none when the fleet was given no secrets.
     */
    private SubDeviceAuth proof(SubDevice d) {
        String secret = fleet.secrets.get(d.deviceKey);
        if (secret == null) {
            return null;
        }
        long now = now();
        return new SubDeviceAuth(
                now, SubDeviceProof.sign(secret, SubDeviceProof.deviceText(id, d.productKey, d.deviceKey, now)));
    }

    private void later(long millis, Runnable action) {
        fleet.vertx.setTimer(Math.max(1, millis), t -> action.run());
    }

    private String msgId() {
        return link.msgId();
    }

    private static long now() {
        return System.currentTimeMillis();
    }
}
