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
 *
 * <p>{@code gateway} (since 2026-12-06; absent means false): the device is a gateway itself, a registered
 * device of a {@code GATEWAY} product whose deviceKey is its gatewayId; its {@code gatewayId} is its own,
 * its version its firmware's. Such states let a plan of a gateway product target gateways like devices.
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
        Boolean attached,
        Boolean gateway) {

    public static final String TYPE = "device.state";

    public DeviceState {
        attached = attached == null ? gatewayId != null : attached;
        gateway = gateway != null && gateway;
    }

    /** A sub-device's state. */
    public DeviceState(
            String productKey,
            String deviceKey,
            String gatewayId,
            boolean online,
            String version,
            String change,
            long seq,
            Boolean attached) {
        this(productKey, deviceKey, gatewayId, online, version, change, seq, attached, false);
    }

    /** The state of a gateway as a device of its product: bound to and attached to itself. */
    public static DeviceState ofGateway(
            String productKey, String gatewayId, boolean online, String version, String change, long seq) {
        return new DeviceState(productKey, gatewayId, gatewayId, online, version, change, seq, true, true);
    }

    public boolean isGateway() {
        return Boolean.TRUE.equals(gateway);
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
