package org.otaplatform.contract;

/** Which way a gateway topic flows. */
public enum Direction {
    /** gateway → platform */
    UP("up"),
    /** platform → gateway */
    DOWN("down");

    private final String segment;

    Direction(String segment) {
        this.segment = segment;
    }

    public String segment() {
        return segment;
    }
}
