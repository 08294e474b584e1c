package org.otaplatform.plan.device;

import io.smallrye.mutiny.Uni;
import java.util.List;
import org.otaplatform.contract.internal.DeviceState;

/**
 * What a sub-device's reported version means for its upgrade tasks, applied in the caller's transaction once
 * the view holds it. Implemented where the tasks are (the task package depends on this one, not the reverse).
 */
public interface VersionEffects {

    /**
     * A sub-device whose latest task SUCCEEDED, in a plan still running, reports that task's {@code fromVersion}
     * again: the task is corrected to FAILED/ROLLED_BACK (gateway protocol, "Success is the version that boots").
     */
    Uni<Void> correctRollbacks(List<DeviceState> applied);
}
