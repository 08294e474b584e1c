package org.otaplatform.contract;

import java.util.Arrays;
import java.util.Optional;

/** The uplink topic suffixes of gateway protocol v1. */
public enum UplinkType {
    HELLO("hello"),
    OFFLINE("offline"),
    TOPOLOGY("topology"),
    STATUS("status"),
    VERSION("version"),
    REQUEST("request"),
    ACK("ack"),
    PROGRESS("progress");

    private final String suffix;

    UplinkType(String suffix) {
        this.suffix = suffix;
    }

    public String suffix() {
        return suffix;
    }

    public static Optional<UplinkType> fromSuffix(String suffix) {
        return Arrays.stream(values()).filter(t -> t.suffix.equals(suffix)).findFirst();
    }
}
