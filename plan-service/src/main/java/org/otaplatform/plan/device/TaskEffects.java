package org.otaplatform.plan.device;

import io.smallrye.mutiny.Uni;
import java.util.List;
import org.otaplatform.contract.internal.DeviceState;

/**
 * What a change of a sub-device or gateway means for the upgrade tasks, applied in the caller's
 * transaction. Implemented where the tasks are (the task package depends on this one, not the reverse).
 */
public interface TaskEffects {

    /** The open tasks of these sub-devices that were sent to another gateway than the one each is bound to end. */
    Uni<Void> cancelWhereNotBound(List<DeviceState> applied);

    /** A gateway is back online: its tasks awaiting an ack get their ack time afresh. */
    Uni<Void> restartAckClock(String gatewayId);
}
