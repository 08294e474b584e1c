package org.otaplatform.contract;

import java.util.Optional;

/**
 * Gateway topics of protocol v1: {@code ota/v1/gw/{gatewayId}/up/{suffix}} and {@code
 * ota/v1/gw/{gatewayId}/down/{suffix}}.
 */
public final class Topics {

    public static final String ROOT = "ota/v1/gw/";

    /** Every uplink topic of every gateway, for a platform subscription. */
    public static final String ALL_UPLINK = ROOT + "+/up/+";

    private Topics() {}

    public static String uplink(String gatewayId, UplinkType type) {
        return ROOT + requireGatewayId(gatewayId) + "/" + Direction.UP.segment() + "/" + type.suffix();
    }

    public static String downlink(String gatewayId, DownlinkType type) {
        return ROOT + requireGatewayId(gatewayId) + "/" + Direction.DOWN.segment() + "/" + type.suffix();
    }

    /** The filter a gateway subscribes to for everything sent to it. */
    public static String downlinkFilter(String gatewayId) {
        return ROOT + requireGatewayId(gatewayId) + "/" + Direction.DOWN.segment() + "/+";
    }

    /** The prefix the broker's ACL grants a gateway: {@code ota/v1/gw/{gatewayId}/#}. */
    public static String gatewayPrefix(String gatewayId) {
        return ROOT + requireGatewayId(gatewayId) + "/#";
    }

    /**
     * Parses any string into a gateway topic; empty for anything that is not exactly a protocol v1
     * gateway topic with a valid gateway id and a known suffix.
     */
    public static Optional<GatewayTopic> parse(String topic) {
        if (topic == null || !topic.startsWith(ROOT)) {
            return Optional.empty();
        }
        String[] parts = topic.substring(ROOT.length()).split("/", -1);
        if (parts.length != 3 || !Identifiers.isGatewayId(parts[0])) {
            return Optional.empty();
        }
        String gatewayId = parts[0];
        if (Direction.UP.segment().equals(parts[1])) {
            return UplinkType.fromSuffix(parts[2]).map(type -> GatewayTopic.up(gatewayId, type));
        }
        if (Direction.DOWN.segment().equals(parts[1])) {
            return DownlinkType.fromSuffix(parts[2]).map(type -> GatewayTopic.down(gatewayId, type));
        }
        return Optional.empty();
    }

    private static String requireGatewayId(String gatewayId) {
        if (!Identifiers.isGatewayId(gatewayId)) {
            throw new IllegalArgumentException("not a valid gatewayId: " + gatewayId);
        }
        return gatewayId;
    }
}
