package org.otaplatform.contract.internal;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * Type {@value #TYPE} on {@code ota/internal/v1/device/events}: several sub-devices' states after changes
 * made together (a {@code hello}, a run of reports, a bulk operation), each as a {@link DeviceState}, in
 * one message instead of one message each. A consumer applies each state as it would apply it alone.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeviceStates(List<DeviceState> states) {

    public static final String TYPE = "device.states";

    /** The most states in one message: about 250 bytes each, far below the broker's message size limit. */
    public static final int MAX = 200;

    public DeviceStates {
        states = states == null ? List.of() : List.copyOf(states);
    }
}
