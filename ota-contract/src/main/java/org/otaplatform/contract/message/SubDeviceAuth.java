package org.otaplatform.contract.message;

/**
 * A gateway's proof that it may speak for a sub-device (protocol v1, "Sub-device registration and
 * binding"): {@code sign} is the lower-case hex HMAC-SHA256 of the proof's text ({@link
 * org.otaplatform.contract.SubDeviceProof}), keyed with the sub-device's {@code deviceSecret} or, for
 * dynamic registration, its product's {@code productSecret}; {@code timestamp} is epoch milliseconds.
 */
public record SubDeviceAuth(long timestamp, String sign) {}
