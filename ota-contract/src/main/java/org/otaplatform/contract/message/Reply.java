package org.otaplatform.contract.message;

import org.otaplatform.contract.wire.ReplyResult;

/** The answer to an {@link UpgradeRequest}; {@code taskId} is present with {@code UPGRADE}. */
public record Reply(
        String msgId, long ts, String inReplyTo, String productKey, String deviceKey, ReplyResult result, String taskId)
        implements DownlinkMessage {}
