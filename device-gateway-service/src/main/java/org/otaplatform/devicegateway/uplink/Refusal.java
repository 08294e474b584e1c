package org.otaplatform.devicegateway.uplink;

import java.util.List;
import org.otaplatform.contract.message.ErrorReply.RefusedDevice;
import org.otaplatform.contract.wire.ErrorCode;

/**
 * An uplink message refused for what it says; rolls its transaction back and is answered on {@code
 * down/error}. {@code devices} names every refused sub-device entry of a message that lists several.
 */
public class Refusal extends RuntimeException {

    private final ErrorCode code;
    private final List<RefusedDevice> devices;

    public Refusal(ErrorCode code, String message) {
        this(code, message, List.of());
    }

    public Refusal(ErrorCode code, String message, List<RefusedDevice> devices) {
        super(message, null, false, false);
        this.code = code;
        this.devices = List.copyOf(devices);
    }

    public ErrorCode code() {
        return code;
    }

    public List<RefusedDevice> devices() {
        return devices;
    }
}
