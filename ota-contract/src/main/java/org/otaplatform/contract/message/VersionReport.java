package org.otaplatform.contract.message;

/** A sub-device's running version, (re)read by its gateway. */
public record VersionReport(String msgId, long ts, String productKey, String deviceKey, String version)
        implements UplinkMessage {}
