package org.otaplatform.contract.wire;

/** The failure codes a gateway reports with {@code FAILED}. */
public enum FailureCode {
    DOWNLOAD_FAILED,
    CHECKSUM_MISMATCH,
    SIGNATURE_INVALID,
    INSTALL_FAILED,
    DEVICE_UNREACHABLE,
    LOW_BATTERY,
    BUSY,
    OTHER
}
