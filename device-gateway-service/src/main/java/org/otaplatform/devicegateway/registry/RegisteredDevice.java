package org.otaplatform.devicegateway.registry;

import java.time.Instant;

/**
 * A registered device with its binding and state, as the registry API shows it. For a sub-device {@code
 * gatewayId} is the gateway it is bound to (null: none) and {@code attached} whether that gateway lists it
 * now; a gateway has no gateway, and its {@code online} and {@code version} are its session's.
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
        Instant boundAt) {}
