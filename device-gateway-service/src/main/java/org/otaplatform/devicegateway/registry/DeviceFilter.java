package org.otaplatform.devicegateway.registry;

/**
 * Filters of the registry's device list; a null field does not filter. {@code attached}: whether the gateway
 * a sub-device is bound to lists it now; {@code q}: part of the key or the name, in any case; {@code
 * expression}: a parsed filter of the REST API's language ({@code ?filter=}), translated by {@link
 * org.otaplatform.contract.filter.FilterSql}.
 */
public record DeviceFilter(
        String productKey,
        String gatewayId,
        Boolean online,
        String version,
        String q,
        Boolean attached,
        org.otaplatform.contract.filter.Filter expression) {

    public DeviceFilter(String productKey, String gatewayId, Boolean online, String version, String q) {
        this(productKey, gatewayId, online, version, q, null, null);
    }

    public DeviceFilter(
            String productKey,
            String gatewayId,
            Boolean online,
            String version,
            String q,
            org.otaplatform.contract.filter.Filter expression) {
        this(productKey, gatewayId, online, version, q, null, expression);
    }

    /** The current topology of a gateway: the sub-devices bound to it that it lists. */
    public static DeviceFilter topologyOf(String gatewayId) {
        return new DeviceFilter(null, gatewayId, null, null, null, true, null);
    }
}
