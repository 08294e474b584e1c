package org.otaplatform.console.backend;

/** The three services behind the console. */
public enum Service {
    FIRMWARE,
    PLAN,
    DEVICE_GATEWAY
}
