package org.otaplatform.contract.message;

/** A sub-device asks for an upgrade (silent mode); answered by a {@link Reply}. */
public record UpgradeRequest(String msgId, long ts, String productKey, String deviceKey, String version)
        implements UplinkMessage {}
