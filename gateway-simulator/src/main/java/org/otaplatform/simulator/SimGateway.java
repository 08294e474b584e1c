package org.otaplatform.simulator;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.messages.MqttPublishMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.otaplatform.contract.FirmwareManifest;
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
import org.otaplatform.contract.message.Offline;
import org.otaplatform.contract.message.Progress;
import org.otaplatform.contract.message.Reply;
import org.otaplatform.contract.message.SubDeviceAuth;
import org.otaplatform.contract.message.SubDeviceRef;
import org.otaplatform.contract.message.Topology;
import org.otaplatform.contract.message.Upgrade;
import org.otaplatform.contract.message.UpgradeRequest;
import org.otaplatform.contract.message.VersionReport;
import org.otaplatform.contract.wire.FailureCode;
import org.otaplatform.contract.wire.FirmwareType;
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

    static final class Device {
        final String productKey;
        final String deviceKey;
        String version;
        boolean online;
        final boolean broken;
        final int battery;
        final boolean roams;
        String task;

        Device(
                String productKey,
                String deviceKey,
                String version,
                boolean online,
                boolean broken,
                int battery,
                boolean roams) {
            this.productKey = productKey;
            this.deviceKey = deviceKey;
            this.version = version;
            this.online = online;
            this.broken = broken;
            this.battery = battery;
            this.roams = roams;
        }
    }

    /** One task as this gateway runs it. */
    private static final class Run {
        final Upgrade upgrade;
        final Device device;
        final long receivedAt = System.currentTimeMillis();
        boolean accepted;
        String reason;
        FailureCode planned;
        ProgressState stage;
        boolean finished;
        long finishedAt;
        String outcome;

        Run(Upgrade upgrade, Device device) {
            this.upgrade = upgrade;
            this.device = device;
        }
    }

    /** One package on this gateway: downloaded once, checked once, flashed to many sub-devices. */
    private static final class Package {
        String url;
        boolean running;
        FailureCode failure; // null with a good package
        boolean done;
        int reported = -1;
        final List<Run> waiting = new ArrayList<>();
    }

    private record Queued(UplinkType type, Object message) {}

    private final Fleet fleet;
    private final Options options;
    private final Stats stats;
    final String id;
    final Context context;
    private final Random random;
    final boolean flaky;
    private final Map<String, Device> devices = new LinkedHashMap<>();
    private final Map<String, Run> runs = new HashMap<>();
    private final Map<String, Package> packages = new HashMap<>();
    private final Deque<Queued> queued = new ArrayDeque<>();
    /** Sent and not yet acknowledged by the broker (PUBACK), by packet id: sent again after a reconnect. */
    private final Map<Integer, Queued> unconfirmed = new LinkedHashMap<>();

    private final String msgPrefix = Long.toString(System.currentTimeMillis(), 36);
    private long msgCounter;
    private MqttClient client;
    private boolean online;
    private boolean stopping;
    private boolean dropped;
    private int active;
    /** Uplink messages published and not yet acknowledged: at most one with {@code --await-publish}. */
    private int inFlight;

    SimGateway(Fleet fleet, String id, Context context, long seed, boolean flaky) {
        this.fleet = fleet;
        this.options = fleet.options;
        this.stats = fleet.stats;
        this.id = id;
        this.context = context;
        this.random = new Random(seed);
        this.flaky = flaky;
    }

    void attachAtStart(Device d) {
        devices.put(d.deviceKey, d);
    }

    // --- connection ------------------------------------------------------------------------------

    void connect() {
        if (stopping) {
            return;
        }
        MqttClientOptions o = new MqttClientOptions()
                .setClientId(id)
                .setUsername(id)
                .setPassword(options.mqttPassword())
                .setCleanSession(true)
                .setKeepAliveInterval(30)
                .setMaxInflightQueue(1_000)
                .setMaxMessageSize(256 * 1024)
                .setWillFlag(true)
                .setWillTopic(Topics.uplink(id, UplinkType.OFFLINE))
                .setWillMessageBytes(Buffer.buffer("{}"))
                .setWillQoS(MqttQoS.AT_LEAST_ONCE.value());
        MqttClient c = MqttClient.create(fleet.vertx, o);
        client = c;
        c.publishHandler(this::onMessage);
        c.publishCompletionHandler(packetId -> {
            unconfirmed.remove(packetId);
            if (c == client) {
                inFlight = Math.max(0, inFlight - 1);
                sendQueued();
            }
        });
        c.closeHandler(v -> onClosed(c));
        c.connect(options.brokerPort(), options.brokerHost())
                .compose(ack -> c.subscribe(Topics.downlinkFilter(id), MqttQoS.AT_LEAST_ONCE.value()))
                .onSuccess(packetId -> hello())
                .onFailure(e -> {
                    if (client == c && !stopping && !dropped) {
                        fleet.vertx.setTimer(1_000 + random.nextInt(1_000), t -> connect());
                    }
                });
    }

    private void hello() {
        online = true;
        stats.gatewaysOnline.incrementAndGet();
        stats.connects.incrementAndGet();
        List<Hello.SubDeviceSnapshot> snapshot = devices.values().stream()
                .map(d -> new Hello.SubDeviceSnapshot(d.productKey, d.deviceKey, d.version, d.online, proof(d)))
                .toList();
        send(
                UplinkType.HELLO,
                new Hello(msgId(), now(), new Hello.GatewayInfo(options.gatewayProductKey(), "gw-1.0"), snapshot));
        sendQueued();
        if (options.requests()) {
            devices.values().stream().filter(d -> d.online && d.task == null).forEach(this::request);
        }
    }

    private void onClosed(MqttClient closed) {
        if (closed != client) {
            return;
        }
        if (online) {
            online = false;
            stats.gatewaysOnline.decrementAndGet();
        }
        inFlight = 0;
        // what the broker never confirmed goes out again, first, after the next hello
        List<Queued> again = new ArrayList<>(unconfirmed.values());
        unconfirmed.clear();
        for (int k = again.size() - 1; k >= 0; k--) {
            queued.addFirst(again.get(k));
        }
        if (!stopping && !dropped) {
            fleet.vertx.setTimer(1_000 + random.nextInt(1_000), t -> connect()); // the broker went away
        }
    }

    /** Goes offline cleanly (publishing {@code offline} itself) for a while, then comes back. */
    void drop() {
        if (!online || stopping) {
            return;
        }
        dropped = true;
        stats.drops.incrementAndGet();
        MqttClient c = client;
        c.publish(
                        Topics.uplink(id, UplinkType.OFFLINE),
                        Buffer.buffer(MessageCodec.encode(new Offline(msgId(), now()))),
                        MqttQoS.AT_LEAST_ONCE,
                        false,
                        false)
                .onComplete(ar -> c.disconnect());
        online = false;
        stats.gatewaysOnline.decrementAndGet();
        fleet.vertx.setTimer(options.dropFor().toMillis(), t -> {
            dropped = false;
            connect();
        });
    }

    /** A clean shutdown: {@code offline}, then DISCONNECT. */
    io.vertx.core.Future<Void> stop() {
        stopping = true;
        MqttClient c = client;
        if (c == null || !c.isConnected()) {
            return io.vertx.core.Future.succeededFuture();
        }
        if (online) {
            online = false;
            stats.gatewaysOnline.decrementAndGet();
        }
        return c.publish(
                        Topics.uplink(id, UplinkType.OFFLINE),
                        Buffer.buffer(MessageCodec.encode(new Offline(msgId(), now()))),
                        MqttQoS.AT_LEAST_ONCE,
                        false,
                        false)
                .transform(ar -> c.disconnect());
    }

    // --- uplink ----------------------------------------------------------------------------------

    private void send(UplinkType type, Object message) {
        Queued q = new Queued(type, message);
        if (!online || (options.awaitPublish() && (inFlight > 0 || !queued.isEmpty()))) {
            queued.add(q); // offline, or awaiting the broker's PUBACK for the one before
            return;
        }
        MqttClient c = client;
        try {
            publish(c, q, type, message);
        } catch (RuntimeException e) {
            queued.add(q); // the connection went away under us: sent after the next hello
        }
    }

    /** Sends what waited: all of it, or with {@code --await-publish} the next one once nothing is in flight. */
    private void sendQueued() {
        while (online && !queued.isEmpty() && !(options.awaitPublish() && inFlight > 0)) {
            Queued q = queued.poll();
            try {
                publish(client, q, q.type(), q.message());
            } catch (RuntimeException e) {
                queued.addFirst(q);
                return;
            }
        }
    }

    private void publish(MqttClient c, Queued q, UplinkType type, Object message) {
        inFlight++;
        try {
            publishCounted(c, q, type, message);
        } catch (RuntimeException e) {
            inFlight--;
            throw e;
        }
    }

    private void publishCounted(MqttClient c, Queued q, UplinkType type, Object message) {
        c.publish(
                        Topics.uplink(id, type),
                        Buffer.buffer(MessageCodec.encode(message)),
                        MqttQoS.AT_LEAST_ONCE,
                        false,
                        false)
                .onSuccess(packetId -> {
                    if (c == client && c.isConnected()) {
                        unconfirmed.put(packetId, q);
                    } else {
                        queued.add(q);
                    }
                })
                .onFailure(e -> {
                    if (c == client) {
                        inFlight = Math.max(0, inFlight - 1);
                    }
                    queued.add(q);
                });
    }

    private void request(Device d) {
        stats.requests.incrementAndGet();
        send(UplinkType.REQUEST, new UpgradeRequest(msgId(), now(), d.productKey, d.deviceKey, d.version));
    }

    private void progress(
            Run run, ProgressState state, Integer percent, String version, FailureCode code, String text) {
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
        if (message instanceof Upgrade u) {
            onUpgrade(u);
        } else if (message instanceof Cancel c) {
            onCancel(c);
        } else if (message instanceof Reply r) {
            if (r.result() == ReplyResult.UPGRADE) {
                stats.replyUpgrade.incrementAndGet();
            } else {
                stats.replyNoUpgrade.incrementAndGet();
            }
        } else if (message instanceof ErrorReply e) {
            stats.errorReply(e.code().name(), id + ": " + e.message());
        }
    }

    private void onUpgrade(Upgrade u) {
        stats.activity();
        Run known = runs.get(u.taskId());
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
        Device d = devices.get(u.deviceKey());
        Run run = new Run(u, d);
        runs.put(u.taskId(), run);
        if (d == null || !d.productKey.equals(u.productKey())) {
            reject(run, "the sub-device is not attached to this gateway");
            return;
        }
        if (d.task != null) {
            Run older = runs.get(d.task);
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

    private void accept(Run run) {
        Upgrade u = run.upgrade;
        Device d = run.device;
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
        obtain(run);
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

    private void reject(Run run, String reason) {
        run.accepted = false;
        run.reason = reason;
        send(UplinkType.ACK, new Ack(msgId(), now(), run.upgrade.taskId(), false, reason));
        finish(run, "REJECTED");
    }

    private void onCancel(Cancel c) {
        stats.cancels.incrementAndGet();
        stats.activity();
        Run run = runs.get(c.taskId());
        if (run == null || run.finished || run.stage == ProgressState.UPGRADING) {
            return; // unknown, over, or installing already: too late to drop
        }
        finish(run, "CANCELLED");
    }

    // --- download, check, flash ------------------------------------------------------------------

    private void obtain(Run run) {
        Upgrade.FirmwareRef fw = run.upgrade.firmware();
        Package p = packages.computeIfAbsent(fw.id(), k -> new Package());
        p.url = fw.url(); // the newest link: an older one may have expired
        if (p.done
                && (p.failure == null
                        || p.failure == FailureCode.CHECKSUM_MISMATCH
                        || p.failure == FailureCode.SIGNATURE_INVALID)) {
            checked(run, p.failure);
            return;
        }
        p.waiting.add(run);
        if (p.running) {
            return;
        }
        p.running = true;
        p.done = false;
        p.reported = -1;
        String productKey = run.upgrade.productKey();
        String toVersion = run.upgrade.toVersion();
        String source = fw.type() == FirmwareType.DELTA ? run.upgrade.fromVersion() : null;
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
                            FirmwareManifest manifest = new FirmwareManifest(
                                    productKey, toVersion, fw.type(), source, fw.size(), fw.sha256());
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
                        stats.downloaded(id, fw.id());
                    }
                    List<Run> waiting = new ArrayList<>(p.waiting);
                    p.waiting.clear();
                    waiting.forEach(w -> checked(w, p.failure));
                }));
    }

    private void downloading(Package p, int percent) {
        if (percent / 25 > p.reported / 25 && percent < 100) {
            p.reported = percent;
            p.waiting.stream()
                    .filter(w -> !w.finished)
                    .forEach(w -> progress(w, ProgressState.DOWNLOADING, percent, null, null, null));
        }
    }

    private void checked(Run run, FailureCode failure) {
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
            Device d = run.device;
            d.version = run.upgrade.toVersion();
            stats.bytesFlashed.addAndGet(run.upgrade.firmware().size());
            progress(run, ProgressState.SUCCEEDED, 100, d.version, null, null);
            send(UplinkType.VERSION, new VersionReport(msgId(), now(), d.productKey, d.deviceKey, d.version));
            finish(run, "SUCCEEDED");
        });
    }

    private void fail(Run run, FailureCode code, String text) {
        if (run.finished) {
            return;
        }
        progress(run, ProgressState.FAILED, null, null, code, text);
        finish(run, "FAILED/" + code);
    }

    private void finish(Run run, String outcome) {
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
    Device detachOneRoamer() {
        for (Device d : devices.values()) {
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

    void attach(Device d) {
        devices.put(d.deviceKey, d);
        send(
                UplinkType.TOPOLOGY,
                new Topology(
                        msgId(),
                        now(),
                        List.of(new Topology.AttachedSubDevice(d.productKey, d.deviceKey, d.version, proof(d))),
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
    private SubDeviceAuth proof(Device d) {
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
        return msgPrefix + "-" + (++msgCounter);
    }

    private static long now() {
        return System.currentTimeMillis();
    }
}
