package org.otaplatform.devicegateway.registry;

import java.util.List;
import java.util.function.Predicate;
import org.otaplatform.common.error.ApiException;
import org.otaplatform.common.error.ErrorCode;
import org.otaplatform.common.error.FieldError;
import org.otaplatform.contract.Identifiers;

/** The registry's rules for keys and names, shared by single writes and bulk imports. */
final class RegistryRules {

    private static final int MAX_NAME = 100;

    private RegistryRules() {}

    /** A gateway's deviceKey is its gatewayId, so it follows the gatewayId's rule. */
    static Predicate<String> deviceKeyRule(NodeType type) {
        return type == NodeType.GATEWAY ? Identifiers::isGatewayId : Identifiers::isDeviceKey;
    }

    static String deviceKeyRuleText(NodeType type) {
        return type == NodeType.GATEWAY
                ? "must be a gatewayId: 1–64 characters of [A-Za-z0-9._-], not . or .."
                : "must be 1–128 characters of [A-Za-z0-9._:-], not . or ..";
    }

    /** A name is 1–100 printable characters. */
    static boolean validName(String name) {
        return Identifiers.isPrintable(name, MAX_NAME);
    }

    static void checkName(String name, boolean required, List<FieldError> errors) {
        if (name == null) {
            if (required) {
                errors.add(new FieldError("name", "is required"));
            }
        } else if (!validName(name)) {
            errors.add(new FieldError("name", "must be 1–" + MAX_NAME + " printable characters"));
        }
    }

    static ApiException notRegistered(String productKey, String deviceKey) {
        return new ApiException(ErrorCode.NOT_FOUND, "device " + productKey + "/" + deviceKey + " is not registered");
    }
}
