package org.otaplatform.contract.message;

/** The gateway's answer to an {@link Upgrade}; {@code reason} is optional. */
public record Ack(String msgId, long ts, String taskId, boolean accept, String reason) implements UplinkMessage {}
