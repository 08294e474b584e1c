package org.otaplatform.contract.wire;

/** The {@code state} of a {@code progress} message. */
public enum ProgressState {
    DOWNLOADING,
    DOWNLOADED,
    UPGRADING,
    SUCCEEDED,
    FAILED
}
