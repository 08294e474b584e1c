package org.otaplatform.devicegateway.registry;

import java.time.Instant;
import java.util.Map;

/**
 * A registered device with its binding and state, as the registry API shows it. For a sub-device {@code
 * gatewayId} is the gateway it is bound to (null: none) and {@code attached} whether that gateway lists it
 * now; a gateway has no gateway, and its {@code online} and {@code version} are its session's. {@code
 * hardwareRevision} as last written, by the gateway ({@code hardwareRevisionSource} REPORTED) or an operator
 * (OPERATOR), at {@code hardwareRevisionAt}; {@code tags} as operators set them; {@code testDevice} whether an
 * operator marked it a test device (the only devices a package's verification may upgrade).
 */
public record RegisteredDevice(
        String productKey,
        String deviceKey,
        String name,
        NodeType nodeType,
        String gatewayId,
        boolean attached,
        boolean online,
        String version,
        Instant lastSeenAt,
        Instant registeredAt,
        Instant boundAt,
        String hardwareRevision,
        String hardwareRevisionSource,
        Instant hardwareRevisionAt,
        Map<String, String> tags,
        Hold hold,
        boolean testDevice) {

    /** Why a device is on hold, who put it there and when; null: not on hold. */
    public record Hold(String reason, String by, Instant at) {}
}
