package org.otaplatform.devicegateway;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.internal.GatewayCommand;
import org.otaplatform.contract.internal.InternalMessage;

/** Builders of gateway messages and commands for the tests. */
final class Gateways {

    private static final AtomicLong SEQ = new AtomicLong();

    private Gateways() {}

    static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String msgId() {
        return "m-" + SEQ.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 4);
    }

    static String device(String deviceKey, String version, boolean online) {
        return device("zb-bulb", deviceKey, version, online, null);
    }

    /** A {@code hello.subDevices} entry; {@code auth} (JSON object, or null for none) proves the claim. */
    static String device(String productKey, String deviceKey, String version, boolean online, String auth) {
        return "{\"productKey\":\"" + productKey + "\",\"deviceKey\":\"" + deviceKey + "\",\"version\":\"" + version
                + "\",\"online\":" + online + (auth == null ? "" : ",\"auth\":" + auth) + "}";
    }

    /** A {@code topology} adding one sub-device (with {@code auth}, or null) and removing none. */
    static String added(String msgId, String productKey, String deviceKey, String version, String auth) {
        return "{\"msgId\":\"" + msgId + "\",\"ts\":1,\"added\":[{\"productKey\":\"" + productKey
                + "\",\"deviceKey\":\"" + deviceKey + "\",\"version\":\"" + version + "\""
                + (auth == null ? "" : ",\"auth\":" + auth) + "}]}";
    }

    /**
     * Registers these bulbs and has {@code gateway} list them in a {@code hello}, waiting until each is bound to
     * it: what must be true before an upgrade command for them is sent (the binding is checked again then).
     */
    static void attached(org.otaplatform.testkit.TestGateway gateway, String... deviceKeys) {
        Registry.bulbs(deviceKeys);
        String[] devices = java.util.Arrays.stream(deviceKeys)
                .map(k -> device(k, "1.0", true))
                .toArray(String[]::new);
        gateway.publish(org.otaplatform.contract.UplinkType.HELLO, hello(msgId(), devices));
        for (String key : deviceKeys) {
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(10))
                    .untilAsserted(() -> io.restassured.RestAssured.given()
                            .get("/api/v1/devices/zb-bulb/" + key)
                            .then()
                            .body("gatewayId", org.hamcrest.Matchers.equalTo(gateway.gatewayId())));
        }
    }

    static String hello(String msgId, String... devices) {
        return "{\"msgId\":\"" + msgId
                + "\",\"ts\":1,\"gateway\":{\"productKey\":\"zb-gw\",\"version\":\"4.2\"},\"subDevices\":["
                + String.join(",", devices) + "]}";
    }

    static String version(String msgId, String deviceKey, String version) {
        return "{\"msgId\":\"" + msgId + "\",\"ts\":1,\"productKey\":\"zb-bulb\",\"deviceKey\":\"" + deviceKey
                + "\",\"version\":\"" + version + "\"}";
    }

    static String ack(String msgId, String taskId, boolean accept) {
        return "{\"msgId\":\"" + msgId + "\",\"ts\":1,\"taskId\":\"" + taskId + "\",\"accept\":" + accept + "}";
    }

    static String progress(String msgId, String taskId, String state, String version) {
        return "{\"msgId\":\"" + msgId + "\",\"ts\":1,\"taskId\":\"" + taskId + "\",\"state\":\"" + state + "\""
                + (version == null ? "" : ",\"version\":\"" + version + "\"") + "}";
    }

    static byte[] upgradeCommand(String gatewayId, String taskId, String deviceKey) {
        return InternalMessage.of(
                        GatewayCommand.Upgrade.TYPE,
                        "plan-service",
                        System.currentTimeMillis(),
                        new GatewayCommand.Upgrade(
                                gatewayId,
                                taskId,
                                "plan-1",
                                "zb-bulb",
                                deviceKey,
                                "1.0",
                                "1.1",
                                120,
                                System.currentTimeMillis() + 3_600_000,
                                UUID.randomUUID().toString(),
                                "FULL",
                                1024,
                                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                                "c2lnbmF0dXJl",
                                "k1",
                                30,
                                null,
                                "notes"))
                .encode();
    }

    /** A gateway's own upgrade ({@code gatewayFirmware}) of its product {@code productKey}, from 1.0.0 to 1.1.0. */
    static byte[] gatewayUpgradeCommand(String gatewayId, String taskId, String productKey, String deviceKey) {
        return InternalMessage.of(
                        GatewayCommand.Upgrade.TYPE,
                        "plan-service",
                        System.currentTimeMillis(),
                        new GatewayCommand.Upgrade(
                                gatewayId,
                                taskId,
                                "plan-gw",
                                productKey,
                                deviceKey,
                                "1.0.0",
                                "1.1.0",
                                120,
                                System.currentTimeMillis() + 3_600_000,
                                UUID.randomUUID().toString(),
                                "FULL",
                                4096,
                                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                                "c2lnbmF0dXJl",
                                "k1",
                                null,
                                null,
                                "gateway firmware",
                                true))
                .encode();
    }

    static String commandsTopic() {
        return InternalTopics.GATEWAY_COMMANDS;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static long count(Pool pool, String sql, Object... params) {
        return pool.preparedQuery(sql)
                .execute(Tuple.from(params))
                .await()
                .indefinitely()
                .iterator()
                .next()
                .getLong(0);
    }
}
