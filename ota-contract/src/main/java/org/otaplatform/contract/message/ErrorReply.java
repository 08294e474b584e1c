package org.otaplatform.contract.message;

import org.otaplatform.contract.wire.ErrorCode;

/**
 * An uplink message was refused. {@code inReplyTo} is the refused message's {@code msgId}; null only
 * when that message had no readable msgId.
 */
public record ErrorReply(String msgId, long ts, String inReplyTo, ErrorCode code, String message)
        implements DownlinkMessage {}
