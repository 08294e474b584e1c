package org.otaplatform.devicegateway.registry;

/**
 * Filters of the registry's device list; a null field does not filter. {@code attached}: whether the gateway
 * a sub-device is bound to lists it now; {@code q}: part of the key or the name, in any case.
 */
public record DeviceFilter(
        String productKey, String gatewayId, Boolean online, String version, String q, Boolean attached) {

    public DeviceFilter(String productKey, String gatewayId, Boolean online, String version, String q) {
        this(productKey, gatewayId, online, version, q, null);
    }

    /** The current topology of a gateway: the sub-devices bound to it that it lists. */
    public static DeviceFilter topologyOf(String gatewayId) {
        return new DeviceFilter(null, gatewayId, null, null, null, true);
    }
}
