package org.otaplatform.contract.message;

/** A sub-device named by its product and device key. */
public record SubDeviceRef(String productKey, String deviceKey) {}
