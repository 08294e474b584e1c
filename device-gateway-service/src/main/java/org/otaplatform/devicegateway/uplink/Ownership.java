package org.otaplatform.devicegateway.uplink;

import java.util.Optional;
import org.otaplatform.contract.wire.ErrorCode;

/**
 * Who may speak about what, for every uplink that names a sub-device or a task without claiming it
 * ({@code status}, {@code version}, {@code request}, {@code topology.removed}, {@code ack}, {@code
 * progress}): one set of rules for the message-by-message path ({@link UplinkService}) and the set-based
 * one ({@link UplinkBatch}).
 */
final class Ownership {

    private Ownership() {}

    /**
     * Whether {@code gatewayId} may speak about the sub-device: it must be registered ({@code UNKNOWN_DEVICE})
     * and bound to that gateway ({@code NOT_OWNER}).
     */
    static Optional<Refusal> speaksFor(
            String gatewayId, String productKey, String deviceKey, boolean registered, String boundGateway) {
        String name = productKey + "/" + deviceKey;
        if (!registered) {
            return Optional.of(new Refusal(ErrorCode.UNKNOWN_DEVICE, "sub-device " + name + " is not registered"));
        }
        if (!gatewayId.equals(boundGateway)) {
            return Optional.of(
                    new Refusal(ErrorCode.NOT_OWNER, "sub-device " + name + " is not bound to gateway " + gatewayId));
        }
        return Optional.empty();
    }

    /**
     * Whether {@code gatewayId} may report on task {@code taskId}: the task must have been sent to it
     * ({@code UNKNOWN_TASK}; {@code taskGateway} null when the task is unknown), and its sub-device must
     * still be bound to it ({@code NOT_OWNER}): a sub-device unbound or moved since is no longer its to
     * report on.
     */
    static Optional<Refusal> reportsOn(
            String gatewayId, String taskId, String taskGateway, String productKey, String deviceKey, String bound) {
        if (!gatewayId.equals(taskGateway)) {
            return Optional.of(new Refusal(ErrorCode.UNKNOWN_TASK, "no task " + taskId + " for gateway " + gatewayId));
        }
        if (!gatewayId.equals(bound)) {
            return Optional.of(new Refusal(
                    ErrorCode.NOT_OWNER,
                    "task " + taskId + ": sub-device " + productKey + "/" + deviceKey
                            + " is no longer bound to gateway " + gatewayId));
        }
        return Optional.empty();
    }
}
