package org.otaplatform.devicegateway.rest;

import java.time.Instant;
import org.otaplatform.devicegateway.session.SessionQueries.GatewayWithCount;

/**
 * A gateway session as the REST contract shows it: {@code subDeviceCount} is its current topology (the
 * sub-devices bound to it that it lists); {@code boundSubDeviceCount} adds those bound to it and not listed
 * now. A gateway registered and never connected has no version and was never seen. {@code hardwareRevision}:
 * as its last {@code hello} reported it (since 2026-12-06).
 */
public record GatewayView(
        String gatewayId,
        String productKey,
        String version,
        boolean online,
        Instant connectedAt,
        Instant lastSeenAt,
        long subDeviceCount,
        long boundSubDeviceCount,
        String hardwareRevision) {

    static GatewayView of(GatewayWithCount g) {
        return new GatewayView(
                g.gateway().gatewayId,
                g.gateway().productKey,
                g.gateway().version,
                g.gateway().online,
                g.gateway().connectedAt,
                g.gateway().lastSeenAt,
                g.subDeviceCount(),
                g.boundSubDeviceCount(),
                g.gateway().hardwareRevision);
    }
}
