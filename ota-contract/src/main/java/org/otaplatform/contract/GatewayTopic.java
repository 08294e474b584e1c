package org.otaplatform.contract;

import java.util.Objects;
import java.util.Optional;

/**
 * A parsed gateway topic. Exactly one of {@code uplink} and {@code downlink} is present, matching
 * {@code direction}.
 */
public record GatewayTopic(
        String gatewayId, Direction direction, Optional<UplinkType> uplink, Optional<DownlinkType> downlink) {

    public GatewayTopic {
        Objects.requireNonNull(gatewayId, "gatewayId");
        Objects.requireNonNull(direction, "direction");
        if (uplink.isPresent() == downlink.isPresent()) {
            throw new IllegalArgumentException("exactly one of uplink and downlink must be present");
        }
    }

    static GatewayTopic up(String gatewayId, UplinkType type) {
        return new GatewayTopic(gatewayId, Direction.UP, Optional.of(type), Optional.empty());
    }

    static GatewayTopic down(String gatewayId, DownlinkType type) {
        return new GatewayTopic(gatewayId, Direction.DOWN, Optional.empty(), Optional.of(type));
    }

    /** The topic string this value was parsed from. */
    public String topic() {
        return uplink.map(t -> Topics.uplink(gatewayId, t))
                .orElseGet(() -> Topics.downlink(gatewayId, downlink.orElseThrow()));
    }
}
