package org.otaplatform.devicegateway.rest;

import java.time.Instant;
import org.otaplatform.devicegateway.session.SessionQueries.GatewayWithCount;

/** A gateway session as the REST contract shows it. */
public record GatewayView(
        String gatewayId,
        String productKey,
        String version,
        boolean online,
        Instant connectedAt,
        Instant lastSeenAt,
        long subDeviceCount) {

    static GatewayView of(GatewayWithCount g) {
        return new GatewayView(
                g.gateway().gatewayId,
                g.gateway().productKey,
                g.gateway().version,
                g.gateway().online,
                g.gateway().connectedAt,
                g.gateway().lastSeenAt,
                g.subDeviceCount());
    }
}
