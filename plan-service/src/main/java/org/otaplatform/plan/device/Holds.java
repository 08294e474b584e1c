package org.otaplatform.plan.device;

/**
 * Holds (REST API, "Fleet targeting": lab units, devices under a customer dispute): no plan touches a device on
 * hold, nor a sub-device whose gateway is on hold, until it is released in the registry. Such devices are counted
 * ({@code onHold}), never pushed to, never failures; the plan finishes without them. The hold is the registry's,
 * as device-gateway-service announces it ({@code device_attributes_view.hold_reason}).
 */
public final class Holds {

    private Holds() {}

    /** SQL: the device row {@code alias} (a {@code device_view}) is on hold, itself or through its gateway. */
    public static String heldSql(String alias) {
        return "EXISTS (SELECT 1 FROM device_attributes_view h WHERE h.hold_reason IS NOT NULL"
                + " AND ((h.product_key = " + alias + ".product_key AND h.device_key = " + alias + ".device_key)"
                + " OR (h.device_key = " + alias + ".gateway_id AND h.product_key = (SELECT gv.product_key"
                + " FROM gateway_view gv WHERE gv.gateway_id = " + alias + ".gateway_id))))";
    }
}
