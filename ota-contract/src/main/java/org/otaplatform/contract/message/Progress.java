package org.otaplatform.contract.message;

import org.otaplatform.contract.wire.FailureCode;
import org.otaplatform.contract.wire.ProgressState;

/**
 * Progress of an accepted task. {@code version} is present with {@code SUCCEEDED}, {@code error} with
 * {@code FAILED}; {@code percent} is optional.
 */
public record Progress(
        String msgId, long ts, String taskId, ProgressState state, Integer percent, String version, TaskError error)
        implements UplinkMessage {

    public record TaskError(FailureCode code, String message) {}
}
