package org.otaplatform.firmware.catalog;

/** Whether a package was proven on test devices. */
public enum Verification {
    UNVERIFIED,
    VERIFYING,
    VERIFIED,
    FAILED
}
