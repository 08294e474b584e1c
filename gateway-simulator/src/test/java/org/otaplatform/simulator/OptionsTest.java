package org.otaplatform.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.wire.FailureCode;

class OptionsTest {

    @Test
    void readsEveryKindOfOption() {
        Options o = Options.parse(new String[] {
            "--broker",
            "mqtt.example:1884",
            "--gateways",
            "20",
            "--devices",
            "25",
            "--fail",
            "INSTALL_FAILED=0.05,download_failed=0.02",
            "--flash-time",
            "500ms",
            "--drop-every",
            "2m",
            "--until-idle",
            "10s",
            "--download-kbps",
            "64",
            "--requests",
            "--await-publish",
            "--seed",
            "7"
        });
        assertThat(o.brokerHost()).isEqualTo("mqtt.example");
        assertThat(o.brokerPort()).isEqualTo(1884);
        assertThat(o.gateways()).isEqualTo(20);
        assertThat(o.devicesPerGateway()).isEqualTo(25);
        assertThat(o.failures())
                .containsEntry(FailureCode.INSTALL_FAILED, 0.05)
                .containsEntry(FailureCode.DOWNLOAD_FAILED, 0.02);
        assertThat(o.flashTime()).isEqualTo(Duration.ofMillis(500));
        assertThat(o.dropEvery()).isEqualTo(Duration.ofMinutes(2));
        assertThat(o.untilIdle()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.downloadBytesPerSecond()).isEqualTo(64 * 1024);
        assertThat(o.requests()).isTrue();
        assertThat(o.awaitPublish()).isTrue();
        assertThat(Options.defaults().awaitPublish()).isFalse();
        assertThat(o.seed()).isEqualTo(7);
    }

    @Test
    void aLaterValueOfAnOptionWins() {
        Options o = Options.parse(new String[] {"--gateways", "20", "--devices", "5", "--gateways", "4"});
        assertThat(o.gateways()).isEqualTo(4);
        assertThat(o.devicesPerGateway()).isEqualTo(5);
    }

    @Test
    void namesTheOptionAtFault() {
        assertThatThrownBy(() -> Options.parse(new String[] {"--gateways", "many"}))
                .hasMessageContaining("--gateways");
        assertThatThrownBy(() -> Options.parse(new String[] {"--accept", "1.5"}))
                .hasMessageContaining("--accept");
        assertThatThrownBy(() -> Options.parse(new String[] {"--fail", "MELTED=0.1"}))
                .hasMessageContaining("MELTED");
        assertThatThrownBy(() -> Options.parse(new String[] {"--fail", "BUSY=0.7,OTHER=0.7"}))
                .hasMessageContaining("--fail");
        assertThatThrownBy(() -> Options.parse(new String[] {"--colour", "red"}))
                .hasMessageContaining("--colour");
        assertThatThrownBy(() -> Options.parse(new String[] {"--gateways"})).hasMessageContaining("--gateways");
        assertThatThrownBy(() -> Options.parse(new String[] {"--flash-time", "soon"}))
                .hasMessageContaining("--flash-time");
        assertThatThrownBy(() -> Options.parse(new String[] {"--broker", "localhost"}))
                .hasMessageContaining("--broker");
    }

    @Test
    void helpListsEveryOption() {
        assertThat(Options.usage())
                .contains("--broker", "--await-publish", "--fail", "--rogue", "--secrets", "Durations: 500ms");
    }

    @Test
    void namesGatewaysAndDevicesSoTheySortAndStayValidIdentifiers() {
        Options o = Options.builder().gateways(1500).prefix("fleet").build();
        assertThat(o.gatewayId(7)).isEqualTo("fleet-gw0007");
        assertThat(Options.deviceKey(o.gatewayId(7), 3)).isEqualTo("fleet-gw0007-d003");
        assertThat(o.gatewayId(1499)).matches("[A-Za-z0-9._-]{1,64}");
    }
}
