package org.otaplatform.plan.schedule;

/**
 * What occupies a gateway between NOTIFIED and UPGRADING, over all plans: how many tasks, and whether one
 * of them upgrades the gateway itself. One thing at a time on a gateway (gateway protocol, "Gateway
 * firmware"): beside the gateway's own upgrade nothing else is sent to it, and its own upgrade is sent only
 * while none of its sub-devices' tasks is in flight. The push's candidate query states the same rule in SQL
 * ({@link PushSelection}); this is the rule for tasks picked in Java, and its tests.
 */
record GatewayOccupancy(int inFlight, boolean ownUpgrade) {

    static final GatewayOccupancy IDLE = new GatewayOccupancy(0, false);

    /** Whether a task may go to this gateway now: its own upgrade ({@code gatewayTask}) or a sub-device's. */
    boolean admits(boolean gatewayTask, int maxPerGateway) {
        if (ownUpgrade) {
            return false;
        }
        return gatewayTask ? inFlight == 0 : inFlight < maxPerGateway;
    }

    /** The occupancy once the task is sent. */
    GatewayOccupancy with(boolean gatewayTask) {
        return new GatewayOccupancy(inFlight + 1, ownUpgrade || gatewayTask);
    }
}
