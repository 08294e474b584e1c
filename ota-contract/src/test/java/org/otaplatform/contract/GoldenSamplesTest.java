package org.otaplatform.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.otaplatform.contract.codec.Decoded;
import org.otaplatform.contract.codec.MessageCodec;
import org.otaplatform.contract.message.Hello;
import org.otaplatform.contract.message.Offline;
import org.otaplatform.contract.message.Progress;
import org.otaplatform.contract.message.Upgrade;
import org.otaplatform.contract.wire.FailureCode;
import org.otaplatform.contract.wire.FirmwareType;
import org.otaplatform.contract.wire.ProgressState;

class GoldenSamplesTest {

    static Stream<String> uplinkSamples() {
        return GoldenSamples.UPLINK.stream();
    }

    static Stream<String> downlinkSamples() {
        return GoldenSamples.DOWNLINK.stream();
    }

    @ParameterizedTest
    @MethodSource("uplinkSamples")
    void everyUplinkSampleRoundTrips(String name) throws IOException {
        byte[] golden = GoldenSamples.uplink(name);

        Decoded<?> decoded = MessageCodec.decodeUplink(GoldenSamples.uplinkType(name), golden);

        assertThat(decoded).isInstanceOf(Decoded.Valid.class);
        Object message = ((Decoded.Valid<?>) decoded).message();
        assertThat(tree(MessageCodec.encode(message))).isEqualTo(tree(golden));
    }

    @ParameterizedTest
    @MethodSource("downlinkSamples")
    void everyDownlinkSampleRoundTrips(String name) throws IOException {
        byte[] golden = GoldenSamples.downlink(name);

        Decoded<?> decoded = MessageCodec.decodeDownlink(GoldenSamples.downlinkType(name), golden);

        assertThat(decoded).isInstanceOf(Decoded.Valid.class);
        Object message = ((Decoded.Valid<?>) decoded).message();
        assertThat(tree(MessageCodec.encode(message))).isEqualTo(tree(golden));
    }

    @Test
    void helloCarriesTheWholeTopology() {
        Hello hello = (Hello) valid(MessageCodec.decodeUplink(UplinkType.HELLO, GoldenSamples.uplink("hello")));

        assertThat(hello.gateway().productKey()).isEqualTo("zb-gateway");
        assertThat(hello.subDevices()).hasSize(3);
        assertThat(hello.subDevices().get(1).online()).isFalse();
        assertThat(hello.subDevices().get(0).deviceKey()).isEqualTo("00:17:88:01:0a:1b:2c:3d");
    }

    @Test
    void aGatewayReportsItsHardwareRevisionAndIsUpgradedWithUpgradesPayload() {
        Hello hello = (Hello)
                valid(MessageCodec.decodeUplink(UplinkType.HELLO, GoldenSamples.uplink("hello-gateway-revision")));
        assertThat(hello.gateway().hardwareRevision()).isEqualTo("B2");

        Object upgrade = valid(
                MessageCodec.decodeDownlink(DownlinkType.GATEWAY_UPGRADE, GoldenSamples.downlink("gateway-upgrade")));
        assertThat(upgrade.getClass())
                .isEqualTo(valid(MessageCodec.decodeDownlink(DownlinkType.UPGRADE, GoldenSamples.downlink("upgrade")))
                        .getClass());
    }

    @Test
    void aBadHardwareRevisionIsRefusedByName() {
        String hello = new String(
                        GoldenSamples.uplink("hello-gateway-revision"), java.nio.charset.StandardCharsets.UTF_8)
                .replace("\"B2\"", "\"B 2;drop\"");
        Decoded<?> decoded = MessageCodec.decodeUplink(UplinkType.HELLO, hello.getBytes());
        assertThat(decoded).isNotInstanceOf(Decoded.Valid.class);
        assertThat(decoded.toString()).contains("hardwareRevision");
    }

    @Test
    void aLastWillWithoutIdOrClockIsAValidOffline() {
        Offline offline = (Offline) valid(MessageCodec.decodeUplink(UplinkType.OFFLINE, "{}".getBytes()));

        assertThat(offline.msgId()).isNull();
        assertThat(offline.ts()).isNull();
        assertThat(new String(MessageCodec.encode(offline))).isEqualTo("{}");
    }

    @Test
    void failedProgressCarriesItsFailureCode() {
        Progress progress = (Progress)
                valid(MessageCodec.decodeUplink(UplinkType.PROGRESS, GoldenSamples.uplink("progress-failed")));

        assertThat(progress.state()).isEqualTo(ProgressState.FAILED);
        assertThat(progress.error().code()).isEqualTo(FailureCode.LOW_BATTERY);
        assertThat(progress.percent()).isNull();
    }

    @Test
    void upgradeCarriesEverythingTheGatewayNeedsToFetchAndCheckThePackage() {
        Upgrade upgrade =
                (Upgrade) valid(MessageCodec.decodeDownlink(DownlinkType.UPGRADE, GoldenSamples.downlink("upgrade")));

        assertThat(upgrade.firmware().type()).isEqualTo(FirmwareType.DELTA);
        assertThat(upgrade.firmware().size()).isEqualTo(183204);
        assertThat(upgrade.conditions().minBatteryPercent()).isEqualTo(30);
        assertThat(upgrade.ackTimeoutSeconds()).isEqualTo(120);
    }

    @Test
    void unknownFieldsAreIgnored() {
        byte[] payload =
                "{\"msgId\":\"m1\",\"ts\":1,\"productKey\":\"p\",\"deviceKey\":\"d\",\"version\":\"1\",\"vendorExtra\":{\"a\":[1,2]}}"
                        .getBytes();

        assertThat(MessageCodec.decodeUplink(UplinkType.VERSION, payload).isValid())
                .isTrue();
    }

    private static Object valid(Decoded<?> decoded) {
        assertThat(decoded).isInstanceOf(Decoded.Valid.class);
        return ((Decoded.Valid<?>) decoded).message();
    }

    private static JsonNode tree(byte[] json) throws IOException {
        return MessageCodec.mapper().readTree(json);
    }
}
