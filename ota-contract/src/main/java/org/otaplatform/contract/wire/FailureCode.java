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
    OTHER,
    /**
     * The device came back on its old firmware after installing (its bootloader fell back): recorded by the
     * platform from the version a gateway reports after an upgrade, or reported by a gateway itself.
     */
    ROLLED_BACK
}
