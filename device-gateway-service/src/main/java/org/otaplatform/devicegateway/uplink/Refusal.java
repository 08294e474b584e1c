package org.otaplatform.devicegateway.uplink;

import org.otaplatform.contract.wire.ErrorCode;

/** An uplink message refused for what it says; rolls its transaction back and is answered on {@code down/error}. */
public class Refusal extends RuntimeException {

    private final ErrorCode code;

    public Refusal(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
