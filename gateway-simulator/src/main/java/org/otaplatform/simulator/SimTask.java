package org.otaplatform.simulator;

import org.otaplatform.contract.message.Upgrade;
import org.otaplatform.contract.wire.FailureCode;
import org.otaplatform.contract.wire.ProgressState;

/**
 * One task as a simulated gateway runs it for one of its sub-devices, or for itself ({@code device} null: a
 * {@code gateway-upgrade}); it waits for its package there.
 */
final class SimTask implements GatewayPackages.Waiter {
    private final SimGateway gateway;
    final Upgrade upgrade;
    final SubDevice device;
    final long receivedAt = System.currentTimeMillis();
    boolean accepted;
    String reason;
    FailureCode planned;
    ProgressState stage;
    boolean finished;
    long finishedAt;
    String outcome;

    SimTask(SimGateway gateway, Upgrade upgrade, SubDevice device) {
        this.gateway = gateway;
        this.upgrade = upgrade;
        this.device = device;
    }

    @Override
    public boolean finished() {
        return finished;
    }

    @Override
    public void downloading(int percent) {
        gateway.progress(this, ProgressState.DOWNLOADING, percent, null, null, null);
    }

    @Override
    public void checked(FailureCode failure) {
        if (device == null) {
            gateway.ownChecked(this, failure);
            return;
        }
        gateway.checked(this, failure);
    }
}
