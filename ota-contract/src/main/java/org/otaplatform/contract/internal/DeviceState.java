package org.otaplatform.contract.internal;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Type {@value #TYPE} on {@code ota/internal/v1/device/events}: a sub-device's whole state after one
 * change ({@code change}: ATTACHED, DETACHED, ONLINE, OFFLINE, VERSION). {@code gatewayId} is null
 * while detached. {@code seq} grows with every change of one sub-device: a consumer keeps the state of
 * the highest seq it saw, so duplicates and reordering do no harm.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeviceState(
        String productKey,
        String deviceKey,
        String gatewayId,
        boolean online,
        String version,
        String change,
        long seq) {

    public static final String TYPE = "device.state";
}
