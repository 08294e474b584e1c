package org.otaplatform.plan.device;

import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * What a sub-device's reported version means for its upgrade tasks, applied in the caller's transaction once
 * the view holds it. Implemented where the tasks are (the task package depends on this one, not the reverse).
 */
public interface VersionEffects {

    /**
     * A sub-device whose latest task SUCCEEDED, in a plan still running, reports that task's {@code fromVersion}
     * again: the task is corrected to FAILED/ROLLED_BACK (gateway protocol, "Success is the version that boots").
     * Only a change from a version device-gateway-service reported counts: a state written before the success and
     * delivered after it (two channels, redelivery after a restart) changes the view from the version the
     * SUCCEEDED made it assume, and says nothing about a rollback.
     */
    Uni<Void> correctRollbacks(List<VersionChange> changes);

    /** A device the view knew on {@code before} (as device-gateway-service reported it) now runs {@code version}. */
    record VersionChange(String productKey, String deviceKey, String before, String version) {}
}
