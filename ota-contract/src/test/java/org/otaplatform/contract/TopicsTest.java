package org.otaplatform.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicsTest {

    @ParameterizedTest
    @EnumSource(UplinkType.class)
    void everyUplinkTopicParsesBackToItsGatewayAndType(UplinkType type) {
        String topic = Topics.uplink("gw-01.a_b", type);

        GatewayTopic parsed = Topics.parse(topic).orElseThrow();

        assertThat(parsed.gatewayId()).isEqualTo("gw-01.a_b");
        assertThat(parsed.direction()).isEqualTo(Direction.UP);
        assertThat(parsed.uplink()).contains(type);
        assertThat(parsed.downlink()).isEmpty();
        assertThat(parsed.topic()).isEqualTo(topic);
    }

    @ParameterizedTest
    @EnumSource(DownlinkType.class)
    void everyDownlinkTopicParsesBackToItsGatewayAndType(DownlinkType type) {
        String topic = Topics.downlink("G", type);

        GatewayTopic parsed = Topics.parse(topic).orElseThrow();

        assertThat(parsed.gatewayId()).isEqualTo("G");
        assertThat(parsed.direction()).isEqualTo(Direction.DOWN);
        assertThat(parsed.downlink()).contains(type);
        assertThat(parsed.topic()).isEqualTo(topic);
    }

    @Test
    void buildsTheExactTopicsOfTheSpec() {
        assertThat(Topics.uplink("gw1", UplinkType.HELLO)).isEqualTo("ota/v1/gw/gw1/up/hello");
        assertThat(Topics.uplink("gw1", UplinkType.OFFLINE)).isEqualTo("ota/v1/gw/gw1/up/offline");
        assertThat(Topics.downlink("gw1", DownlinkType.UPGRADE)).isEqualTo("ota/v1/gw/gw1/down/upgrade");
        assertThat(Topics.downlinkFilter("gw1")).isEqualTo("ota/v1/gw/gw1/down/+");
        assertThat(Topics.gatewayPrefix("gw1")).isEqualTo("ota/v1/gw/gw1/#");
        assertThat(Topics.ALL_UPLINK).isEqualTo("ota/v1/gw/+/up/+");
    }

    @Test
    void acceptsAGatewayIdOfSixtyFourCharacters() {
        String id = "a".repeat(64);
        assertThat(Topics.parse("ota/v1/gw/" + id + "/up/ack")).isPresent();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "ota",
                "ota/v1",
                "ota/v1/gw",
                "ota/v1/gw/",
                "ota/v1/gw//up/hello",
                "ota/v1/gw/gw1",
                "ota/v1/gw/gw1/up",
                "ota/v1/gw/gw1/up/",
                "ota/v1/gw/gw1/up/hello/",
                "ota/v1/gw/gw1/up/hello/extra",
                "ota/v1/gw/gw1/up/HELLO",
                "ota/v1/gw/gw1/up/upgrade",
                "ota/v1/gw/gw1/down/hello",
                "ota/v1/gw/gw1/sideways/hello",
                "ota/v2/gw/gw1/up/hello",
                "OTA/v1/gw/gw1/up/hello",
                "/ota/v1/gw/gw1/up/hello",
                "ota/v1/gw/gw 1/up/hello",
                "ota/v1/gw/gw:1/up/hello",
                "ota/v1/gw/gw+/up/hello",
                "ota/v1/gw/#/up/hello",
                "ota/v1/gw/+/up/+",
                "ota/v1/gw/gw1/up/+",
                "ota/v1/gw/gwé/up/hello",
                "ota/internal/v1/device/events",
                "$share/g/ota/v1/gw/gw1/up/hello",
                "ota/v1/gw/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/up/ack"
            })
    void rejectsEveryStringThatIsNotAGatewayTopic(String topic) {
        assertThat(Topics.parse(topic)).isEmpty();
    }

    @Test
    void rejectsNull() {
        assertThat(Topics.parse(null)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/b", "+", "#", "gw 1"})
    void refusesToBuildATopicForAnInvalidGatewayId(String gatewayId) {
        assertThatThrownBy(() -> Topics.uplink(gatewayId, UplinkType.ACK)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sharedSubscriptionsNameTheirGroup() {
        assertThat(InternalTopics.shared("plan-service", InternalTopics.DEVICE_EVENTS))
                .isEqualTo("$share/plan-service/ota/internal/v1/device/events");
    }
}
