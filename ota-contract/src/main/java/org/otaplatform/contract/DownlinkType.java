package org.otaplatform.contract;

import java.util.Arrays;
import java.util.Optional;

/** The downlink topic suffixes of gateway protocol v1. */
public enum DownlinkType {
    UPGRADE("upgrade"),
    CANCEL("cancel"),
    REPLY("reply"),
    ERROR("error"),
    RESYNC("resync");

    private final String suffix;

    DownlinkType(String suffix) {
        this.suffix = suffix;
    }

    public String suffix() {
        return suffix;
    }

    public static Optional<DownlinkType> fromSuffix(String suffix) {
        return Arrays.stream(values()).filter(t -> t.suffix.equals(suffix)).findFirst();
    }
}
