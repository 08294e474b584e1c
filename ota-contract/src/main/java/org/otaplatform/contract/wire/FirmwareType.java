package org.otaplatform.contract.wire;

/** A full image, or a delta from one source version. */
public enum FirmwareType {
    FULL,
    DELTA
}
