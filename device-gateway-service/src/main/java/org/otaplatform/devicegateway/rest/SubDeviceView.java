package org.otaplatform.devicegateway.rest;

import java.time.Instant;
import org.otaplatform.devicegateway.session.SubDevice;

/** A sub-device as the REST contract shows it. */
public record SubDeviceView(
        String productKey, String deviceKey, String gatewayId, boolean online, String version, Instant lastSeenAt) {

    static SubDeviceView of(SubDevice d) {
        return new SubDeviceView(d.key.productKey(), d.key.deviceKey(), d.gatewayId, d.online, d.version, d.lastSeenAt);
    }
}
