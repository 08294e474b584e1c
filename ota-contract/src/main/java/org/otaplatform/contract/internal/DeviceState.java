package org.otaplatform.contract.internal;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Type {@value #TYPE} on {@code ota/internal/v1/device/events}: a sub-device's whole state after one
 * change. {@code gatewayId} is the gateway the sub-device is bound to, null when it is bound to none
 * (unbound, deleted); {@code attached} says whether that gateway lists it in its current topology (a
 * detached sub-device stays bound, and offline); {@code version} is null while it was never reported.
 * {@code change}: REGISTERED, BOUND, UNBOUND, DELETED, ATTACHED, DETACHED, ONLINE, OFFLINE, VERSION.
 * {@code seq} grows with every change of any sub-device: a consumer keeps the state of the highest seq it
 * saw for each one, so duplicates and reordering do no harm.
 *
 * <p>Events written before binding existed carry no {@code attached}: it is then true exactly when a
 * gateway is named, as it meant then.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeviceState(
        String productKey,
        String deviceKey,
        String gatewayId,
        boolean online,
        String version,
        String change,
        long seq,
        Boolean attached) {

    public static final String TYPE = "device.state";

    public DeviceState {
        attached = attached == null ? gatewayId != null : attached;
    }

    /** A state whose gateway, if any, lists the sub-device. */
    public DeviceState(
            String productKey,
            String deviceKey,
            String gatewayId,
            boolean online,
            String version,
            String change,
            long seq) {
        this(productKey, deviceKey, gatewayId, online, version, change, seq, null);
    }

    /** Whether the sub-device is bound to a gateway: only bound sub-devices are upgraded. */
    public boolean bound() {
        return gatewayId != null;
    }
}
