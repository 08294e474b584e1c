package org.otaplatform.contract.wire;

/** The {@code result} of a {@code reply}. */
public enum ReplyResult {
    /** An {@code upgrade} follows or was sent. */
    UPGRADE,
    NO_UPGRADE
}
