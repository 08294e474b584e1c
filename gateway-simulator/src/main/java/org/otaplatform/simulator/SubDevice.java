package org.otaplatform.simulator;

/** A simulated sub-device: what its gateway knows of it, and the task it runs (null when idle). */
final class SubDevice {
    final String productKey;
    final String deviceKey;
    String version;
    boolean online;
    final boolean broken;
    final int battery;
    final boolean roams;
    /** The hardware revision its gateway reports for it; null: none. */
    final String hardwareRevision;

    String task;

    SubDevice(
            String productKey,
            String deviceKey,
            String version,
            boolean online,
            boolean broken,
            int battery,
            boolean roams,
            String hardwareRevision) {
        this.productKey = productKey;
        this.deviceKey = deviceKey;
        this.version = version;
        this.online = online;
        this.broken = broken;
        this.battery = battery;
        this.roams = roams;
        this.hardwareRevision = hardwareRevision;
    }
}
