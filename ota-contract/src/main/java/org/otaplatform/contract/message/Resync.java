package org.otaplatform.contract.message;

/**
 * Asks the gateway to publish its {@code hello} again (its full current topology): the platform may have
 * lost one (spec: "Resync").
 */
public record Resync(String msgId, long ts, String reason) implements DownlinkMessage {}
