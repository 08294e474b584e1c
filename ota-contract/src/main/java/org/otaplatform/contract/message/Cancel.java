package org.otaplatform.contract.message;

/** Drop a task that has not started installing. */
public record Cancel(String msgId, long ts, String taskId, String reason) implements DownlinkMessage {}
