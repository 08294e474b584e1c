package org.otaplatform.common.rest;

import java.util.UUID;
import org.otaplatform.common.error.ApiException;
import org.otaplatform.common.error.ErrorCode;

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
        throw new ApiException(ErrorCode.NOT_FOUND, parameter + " " + value + " does not exist");
    }
}
