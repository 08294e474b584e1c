package org.otaplatform.firmware.usage;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;
import org.otaplatform.contract.internal.PlanLifecycleEvent;

/** Which plans use which package, as plan-service's life-cycle events tell it. */
@ApplicationScoped
public class PlanUsageRepository {

    /** Applies the event unless a newer one of the same plan was applied already; in the caller's transaction. */
    public Uni<Void> apply(PlanLifecycleEvent event, UUID planId, UUID firmwareId, List<UUID> packages) {
        return Panache.getSession()
                .flatMap(session -> session.createNativeQuery(
                                "INSERT INTO plan_usage (plan_id, firmware_id, status, in_use, version, updated_at,"
                                        + " firmware_ids) VALUES (?1, ?2, ?3, ?4, ?5, now(), ?6)"
                                        + " ON CONFLICT (plan_id) DO UPDATE SET firmware_id = EXCLUDED.firmware_id,"
                                        + " firmware_ids = EXCLUDED.firmware_ids, status = EXCLUDED.status,"
                                        + " in_use = EXCLUDED.in_use, version = EXCLUDED.version, updated_at = now()"
                                        + " WHERE plan_usage.version < EXCLUDED.version")
                        .setParameter(1, planId)
                        .setParameter(2, firmwareId)
                        .setParameter(3, event.status())
                        .setParameter(4, event.usesFirmware())
                        .setParameter(5, event.version())
                        .setParameter(6, packages.toArray(new UUID[0]))
                        .executeUpdate())
                .replaceWithVoid();
    }

    /** Ids of the plans that are not finished and use the package (as their main one or another). */
    public Uni<List<String>> plansUsing(UUID firmwareId) {
        return Panache.getSession()
                .flatMap(session -> session.createNativeQuery(
                                "SELECT CAST(plan_id AS varchar) FROM plan_usage WHERE in_use AND (firmware_id = ?1"
                                        + " OR ?1 = ANY(firmware_ids)) ORDER BY 1",
                                String.class)
                        .setParameter(1, firmwareId)
                        .getResultList());
    }
}
