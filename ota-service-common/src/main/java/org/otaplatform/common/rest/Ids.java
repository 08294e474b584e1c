package org.otaplatform.common.rest;

import java.util.UUID;
import org.otaplatform.common.error.ApiException;
import org.otaplatform.common.error.ErrorCode;
import org.otaplatform.contract.Identifiers;

/** Reads ids from paths: a malformed id is simply an id that names nothing. */
public final class Ids {

    private Ids() {}

    /** The UUID in {@code value}; 404 naming the parameter when it is not one. */
    public static UUID uuid(String parameter, String value) {
        try {
            if (value != null && value.length() == 36) {
                return UUID.fromString(value);
            }
        } catch (IllegalArgumentException e) {
            // fall through: not a UUID, so nothing by that id exists
        }
        throw new ApiException(ErrorCode.NOT_FOUND, parameter + " " + shown(value) + " does not exist");
    }

    /** A gatewayId from a path: 404 when it is not one (no such gateway can exist). */
    public static String gatewayId(String parameter, String value) {
        return key(parameter, value, Identifiers.isGatewayId(value));
    }

    public static String productKey(String parameter, String value) {
        return key(parameter, value, Identifiers.isProductKey(value));
    }

    public static String deviceKey(String parameter, String value) {
        return key(parameter, value, Identifiers.isDeviceKey(value));
    }

    /**
     * An optional filter from a query string: null when absent, the value when it is well formed, 422
     * naming the parameter when it cannot name anything.
     */
    public static String filter(String parameter, String value, java.util.function.Predicate<String> wellFormed) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (!wellFormed.test(value)) {
            throw ApiException.invalid(parameter, "is not a well-formed " + parameter);
        }
        return value;
    }

    private static String key(String parameter, String value, boolean wellFormed) {
        if (!wellFormed) {
            throw new ApiException(ErrorCode.NOT_FOUND, parameter + " " + shown(value) + " does not exist");
        }
        return value;
    }

    /** A value fit to quote in a message: printable and short. */
    private static String shown(String value) {
        if (value == null) {
            return "(none)";
        }
        String printable = value.replaceAll("[\\p{Cntrl}\\p{Cf}]", "?");
        return printable.length() <= 80 ? printable : printable.substring(0, 77) + "...";
    }
}
