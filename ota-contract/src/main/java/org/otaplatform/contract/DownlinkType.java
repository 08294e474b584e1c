package org.otaplatform.contract;

import java.util.Arrays;
import java.util.Optional;

/** The downlink topic suffixes of gateway protocol v1. */
public enum DownlinkType {
    UPGRADE("upgrade"),
    CANCEL("cancel"),
    REPLY("reply"),
    ERROR("error"),
    RESYNC("resync"),
    /** Upgrade the gateway itself (v1 addition, 2026-12-06): the payload of {@code upgrade}. */
    GATEWAY_UPGRADE("gateway-upgrade");

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
