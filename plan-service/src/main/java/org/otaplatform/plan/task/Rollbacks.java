package org.otaplatform.plan.task;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;
import org.otaplatform.common.reactive.InOrder;
import org.otaplatform.plan.device.VersionEffects;
import org.otaplatform.plan.device.VersionEffects.VersionChange;

/**
 * Corrects a sub-device's SUCCEEDED when the device is seen on its old version again while the plan runs (its
 * bootloader fell back after the gateway reported success): FAILED/ROLLED_BACK, which counts against the
 * plan's firmware ({@link FailureThreshold}). A gateway's own task is decided by the version in its {@code
 * hello} instead, in order with its reports ({@link TaskMachine#boot}).
 */
@ApplicationScoped
public class Rollbacks implements VersionEffects {

    private final FailureThreshold threshold;
    private final org.otaplatform.plan.config.PlanClock clock;

    Rollbacks(FailureThreshold threshold, org.otaplatform.plan.config.PlanClock clock) {
        this.threshold = threshold;
        this.clock = clock;
    }

    @Override
    public Uni<Void> correctRollbacks(List<VersionChange> changes) {
        if (changes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // the device's latest task only, a sub-device's, that went from exactly this version to the one left
        String sql = "WITH input AS (SELECT * FROM unnest(CAST(?1 AS varchar[]), CAST(?2 AS varchar[]),"
                + "   CAST(?3 AS varchar[]), CAST(?4 AS varchar[])) AS i (product_key, device_key, before, version)),"
                + " rolled AS (SELECT t.id, t.plan_id FROM input i"
                + "   CROSS JOIN LATERAL (SELECT id, plan_id, state, from_version, to_version, gateway_firmware"
                + "     FROM upgrade_task t WHERE t.product_key = i.product_key AND t.device_key = i.device_key"
                + "     ORDER BY t.created_at DESC, t.id DESC LIMIT 1) t"
                + "   JOIN plan p ON p.id = t.plan_id AND p.status IN ('ACTIVE', 'SUSPENDED')"
                + "   WHERE t.state = " + TaskState.SUCCEEDED.sql() + " AND NOT t.gateway_firmware"
                + "     AND t.from_version = i.version AND t.to_version = i.before),"
                + " moved AS (UPDATE upgrade_task u SET state = " + TaskState.FAILED.sql() + ","
                + "   error_code = 'ROLLED_BACK', error_message = 'the device reported ' || u.from_version"
                + "   || ' again after SUCCEEDED', updated_at = ?5 FROM rolled r WHERE u.id = r.id"
                + "   RETURNING u.id, u.plan_id, u.error_message),"
                + " history AS (INSERT INTO task_event (task_id, state, error_code, error_message)"
                + "   SELECT id, " + TaskState.FAILED.sql() + ", 'ROLLED_BACK', error_message FROM moved)"
                + " SELECT DISTINCT plan_id FROM moved";
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(sql)
                        .setParameter(
                                1,
                                changes.stream().map(VersionChange::productKey).toArray(String[]::new))
                        .setParameter(
                                2,
                                changes.stream().map(VersionChange::deviceKey).toArray(String[]::new))
                        .setParameter(
                                3, changes.stream().map(VersionChange::before).toArray(String[]::new))
                        .setParameter(
                                4, changes.stream().map(VersionChange::version).toArray(String[]::new))
                        .setParameter(5, clock.now())
                        .getResultList())
                .flatMap(plans ->
                        InOrder.each(plans.stream().map(p -> (UUID) p).sorted().toList(), threshold::check));
    }
}
