package org.otaplatform.devicegateway.rest;

import java.time.Instant;
import org.otaplatform.devicegateway.registry.NodeType;
import org.otaplatform.devicegateway.registry.RegisteredDevice;

/**
 * A registered device as the REST API shows it: the contract's {@code productKey, deviceKey, gatewayId,
 * online, version, lastSeenAt}, with the registry's {@code name, registeredAt}, and what the binding adds:
 * whether the gateway it is bound to lists it now ({@code attached}) and since when it is bound.
 */
public record DeviceView(
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
        Instant boundAt) {

    static DeviceView of(RegisteredDevice d) {
        return new DeviceView(
                d.productKey(),
                d.deviceKey(),
                d.name(),
                d.nodeType(),
                d.gatewayId(),
                d.attached(),
                d.online(),
                d.version(),
                d.lastSeenAt(),
                d.registeredAt(),
                d.boundAt());
    }
}
