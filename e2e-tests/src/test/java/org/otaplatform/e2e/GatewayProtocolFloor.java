package org.otaplatform.e2e;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway protocol's floor: what a campaign costs with an instant platform. For every sub-device one
 * {@code upgrade} goes down and an {@code ack} and four {@code progress} reports (DOWNLOADING, DOWNLOADED,
 * UPGRADING, SUCCEEDED) come up, {@code concurrency} sub-devices at once per gateway, each gateway
 * publishing one message at a time and the next only after the broker's PUBACK, as gateways in the field
 * do (the simulator's {@code --await-publish}). The "platform" is one client that sends a gateway its
 * next upgrade the moment a SUCCEEDED comes up, and does nothing else. Same broker, same client library
 * (Vert.x MQTT) as the campaign; no database. Any platform pays at least this.
 */
final class GatewayProtocolFloor {

    private static final String[] STATES = {"DOWNLOADING", "DOWNLOADED", "UPGRADING", "SUCCEEDED"};

    private GatewayProtocolFloor() {}

    /** Milliseconds from the first upgrade sent to the last SUCCEEDED received. */
    static long run(String host, int port, int gateways, int devicesPerGateway, int concurrency) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        try {
            long devices = (long) gateways * devicesPerGateway;
            AtomicLong succeeded = new AtomicLong();
            CompletableFuture<Long> all = new CompletableFuture<>();
            Context platformContext = vertx.getOrCreateContext();
            MqttClient platform = MqttClient.create(
                    vertx,
                    new MqttClientOptions()
                            .setClientId("bench-floor-platform")
                            .setMaxInflightQueue(65_000)
                            .setAutoKeepAlive(true));
            int[] sentPerGateway = new int[gateways];
            platform.publishHandler(m -> {
                // bench/floor/<g>/up: the payload's state; a SUCCEEDED frees a slot on gateway g
                String topic = m.topicName();
                if (!m.payload().toString().contains("\"SUCCEEDED\"")) {
                    return;
                }
                int g = Integer.parseInt(topic.substring("bench/floor/".length(), topic.lastIndexOf('/')));
                if (succeeded.incrementAndGet() == devices) {
                    all.complete(System.nanoTime());
                }
                sendUpgrade(platform, g, sentPerGateway, devicesPerGateway);
            });
            await(platformContext, () -> platform.connect(port, host).mapEmpty());
            await(
                    platformContext,
                    () -> platform.subscribe("bench/floor/+/up", MqttQoS.AT_LEAST_ONCE.value())
                            .mapEmpty());
            List<MqttClient> clients = new ArrayList<>();
            for (int g = 0; g < gateways; g++) {
                clients.add(gateway(vertx, host, port, g));
            }
            long start = System.nanoTime();
            platformContext.runOnContext(v -> {
                for (int g = 0; g < gateways; g++) {
                    for (int k = 0; k < Math.min(concurrency, devicesPerGateway); k++) {
                        sendUpgrade(platform, g, sentPerGateway, devicesPerGateway);
                    }
                }
            });
            long end = all.get(30, TimeUnit.MINUTES);
            clients.forEach(MqttClient::disconnect);
            platform.disconnect();
            return TimeUnit.NANOSECONDS.toMillis(end - start);
        } finally {
            vertx.close();
        }
    }

    private static void sendUpgrade(MqttClient platform, int g, int[] sent, int devicesPerGateway) {
        if (sent[g] >= devicesPerGateway) {
            return;
        }
        int device = sent[g]++;
        platform.publish(
                "bench/floor/" + g + "/down",
                Buffer.buffer("{\"msgId\":\"u-" + g + "-" + device + "\",\"ts\":1764230400000,\"taskId\":\"t-" + g
                        + "-" + device + "\",\"productKey\":\"bench\",\"deviceKey\":\"d-" + g + "-" + device
                        + "\",\"version\":\"2.0.0\",\"url\":\"http://127.0.0.1/f/0123456789abcdef\","
                        + "\"size\":65536,\"sha256\":\"" + "0".repeat(64) + "\"}"),
                MqttQoS.AT_LEAST_ONCE,
                false,
                false);
    }

    /** A gateway: for each upgrade an ack and four reports, one publish at a time, each after a PUBACK. */
    private static MqttClient gateway(Vertx vertx, String host, int port, int g) throws Exception {
        Context context = vertx.getOrCreateContext();
        MqttClient client = MqttClient.create(
                vertx,
                new MqttClientOptions().setClientId("bench-floor-gw-" + g).setMaxInflightQueue(100));
        Deque<Buffer> queue = new ArrayDeque<>();
        boolean[] inFlight = {false};
        String up = "bench/floor/" + g + "/up";
        Runnable next = () -> {
            if (!inFlight[0] && !queue.isEmpty()) {
                inFlight[0] = true;
                client.publish(up, queue.poll(), MqttQoS.AT_LEAST_ONCE, false, false);
            }
        };
        client.publishCompletionHandler(id -> {
            inFlight[0] = false;
            next.run();
        });
        client.publishHandler(m -> {
            String upgrade = m.payload().toString();
            int at = upgrade.indexOf("\"taskId\":\"") + 10;
            String task = upgrade.substring(at, upgrade.indexOf('"', at));
            queue.add(Buffer.buffer("{\"msgId\":\"a-" + task + "\",\"ts\":1764230400000,\"taskId\":\"" + task
                    + "\",\"result\":\"ACCEPTED\"}"));
            for (String state : STATES) {
                queue.add(Buffer.buffer("{\"msgId\":\"p-" + task + "-" + state + "\",\"ts\":1764230400000,"
                        + "\"taskId\":\"" + task + "\",\"state\":\"" + state + "\",\"percent\":100}"));
            }
            next.run();
        });
        await(context, () -> client.connect(port, host).mapEmpty());
        await(
                context,
                () -> client.subscribe("bench/floor/" + g + "/down", MqttQoS.AT_LEAST_ONCE.value())
                        .mapEmpty());
        return client;
    }

    /** Runs {@code action} on {@code context} (a client's state lives there) and waits for its outcome. */
    private static void await(Context context, java.util.function.Supplier<Future<Void>> action) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        context.runOnContext(v -> action.get().onComplete(ar -> {
            if (ar.succeeded()) {
                done.complete(null);
            } else {
                done.completeExceptionally(ar.cause());
            }
        }));
        done.get(30, TimeUnit.SECONDS);
    }
}
