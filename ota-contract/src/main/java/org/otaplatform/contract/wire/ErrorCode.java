package org.otaplatform.contract.wire;

/** Why the platform refused an uplink message ({@code down/error}). */
public enum ErrorCode {
    /** Not JSON, wrong types, a missing field, or over the size limit. */
    MALFORMED,
    UNKNOWN_DEVICE,
    /** The sub-device is not attached to this gateway. */
    NOT_OWNER,
    /** No such task for this gateway. */
    UNKNOWN_TASK,
    RATE_LIMITED
}
