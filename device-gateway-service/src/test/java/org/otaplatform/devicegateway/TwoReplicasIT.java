package org.otaplatform.devicegateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.UplinkType;
import org.otaplatform.contract.codec.MessageCodec;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.PostgresServer;
import org.otaplatform.testkit.ServiceProcess;
import org.otaplatform.testkit.TestGateway;
import org.otaplatform.testkit.TestMqttClient;

/**
 * Two packaged instances of the service share one broker (shared subscription) and one database: every
 * uplink message is applied exactly once, and both replicas take part.
 */
class TwoReplicasIT {

    private static final int GATEWAYS = 40;
    private static final int DEVICES = 5;

    private static final List<ServiceProcess> replicas = new ArrayList<>();
    private static String database;

    @BeforeAll
    static void startTwoReplicas() throws Exception {
        org.otaplatform.testkit.JwtTokens.restAssuredAsDevAdmin();
        database = PostgresServer.shared().createUniqueDatabase("ota_test_two_replicas");
        for (int i = 0; i < 2; i++) {
            replicas.add(ServiceProcess.of(
                            "replica-" + i,
                            Path.of("target", "quarkus-app", "quarkus-run.jar"),
                            "OTA_DEVICE_GATEWAY_PORT")
                    .database("OTA_DEVICE_GATEWAY_DB", database)
                    .start());
        }
    }

    @AfterAll
    static void stopReplicas() {
        replicas.forEach(ServiceProcess::close);
        if (database != null) {
            PostgresServer.shared().dropDatabase(database);
        }
    }

    @Test
    void twoReplicasShareTheUplinkAndApplyEachMessageExactlyOnce() throws Exception {
        String run = Gateways.id("r");
        List<TestGateway> gateways = new ArrayList<>();
        try (TestMqttClient planService =
                TestMqttClient.connect(MqttBroker.shared()).subscribe(InternalTopics.DEVICE_EVENTS)) {
            List<String> keys = new ArrayList<>();
            for (int g = 0; g < GATEWAYS; g++) {
                for (int d = 0; d < DEVICES; d++) {
                    keys.add(run + "-gw" + g + "-d" + d);
                }
            }
            Registry.bulbsAt(replicas.get(0).baseUrl(), keys);
            for (int g = 0; g < GATEWAYS; g++) {
                TestGateway gateway = TestGateway.connect(MqttBroker.shared(), run + "-gw" + g);
                gateways.add(gateway);
                String[] devices = new String[DEVICES];
                for (int d = 0; d < DEVICES; d++) {
                    devices[d] = Gateways.device(gateway.gatewayId() + "-d" + d, "1.0", true);
                }
                gateway.publish(UplinkType.HELLO, Gateways.hello(Gateways.msgId(), devices));
            }
            for (TestGateway gateway : gateways) {
                for (int d = 0; d < DEVICES; d++) {
                    gateway.publish(
                            UplinkType.VERSION,
                            Gateways.version(Gateways.msgId(), gateway.gatewayId() + "-d" + d, "2.0"));
                }
            }
            int messages = GATEWAYS + GATEWAYS * DEVICES;
            int devices = GATEWAYS * DEVICES;

            await().atMost(Duration.ofSeconds(60))
                    .until(() -> count("SELECT count(*) FROM sub_device WHERE device_key LIKE '" + run
                                    + "%' AND version = '2.0'")
                            == devices);
            assertThat(count("SELECT count(*) FROM uplink_seen WHERE gateway_id LIKE '" + run + "%'"))
                    .isEqualTo(messages);
            assertThat(count("SELECT count(*) FROM sub_device WHERE device_key LIKE '" + run
                            + "%' AND gateway_id = substring(device_key from '^(.*)-d[0-9]+$') AND attached"))
                    .as("each sub-device bound to the gateway that claimed it first, once")
                    .isEqualTo(devices);

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> deviceEvents(planService, run).size() == devices * 2);
            await().during(Duration.ofMillis(500))
                    .atMost(Duration.ofSeconds(2))
                    .until(() -> deviceEvents(planService, run).size() == devices * 2);
            assertThat(deviceEvents(planService, run)).doesNotHaveDuplicates();
            long first = Math.round(replicas.get(0).metric("ota_uplink_accepted_total"));
            long second = Math.round(replicas.get(1).metric("ota_uplink_accepted_total"));
            assertThat(first).as("messages handled by replica 1").isPositive();
            assertThat(second).as("messages handled by replica 2").isPositive();
            assertThat(first + second).isEqualTo(messages);
        } finally {
            gateways.forEach(TestGateway::close);
        }
    }

    /** (deviceKey, seq) of every sub-device state of this run, alone (device.state) or together (device.states). */
    private static List<String> deviceEvents(TestMqttClient client, String run) {
        List<String> events = new ArrayList<>();
        for (TestMqttClient.Received r : client.received()) {
            try {
                var data = MessageCodec.mapper().readTree(r.payload()).get("data");
                List<com.fasterxml.jackson.databind.JsonNode> states = new ArrayList<>();
                if (data != null && data.has("states")) {
                    data.get("states").forEach(states::add);
                } else if (data != null) {
                    states.add(data);
                }
                for (var state : states) {
                    if (state.has("deviceKey")
                            && state.get("deviceKey").asText().startsWith(run)) {
                        events.add(state.get("deviceKey").asText() + "#"
                                + state.get("seq").asLong());
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return events;
    }

    private static long count(String sql) throws Exception {
        return PostgresServer.shared().count(database, sql);
    }
}
