package org.otaplatform.plan.task;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Campaigns as metrics, for dashboards and alerts: {@code ota_plan_tasks{plan, name, state}} — each
 * device's latest attempt under an active or suspended plan, by state, as the plan's statistics count them
 * — and {@code ota_plans{status}}. Counted every 15 s (an index count per plan); every replica reports the
 * same figures, so a dashboard takes their maximum.
 */
@ApplicationScoped
public class PlanMetrics {

    private final Pool pool;
    private final MultiGauge tasks;
    private final MultiGauge plans;

    PlanMetrics(Pool pool, MeterRegistry registry) {
        this.pool = pool;
        this.tasks = MultiGauge.builder("ota.plan.tasks")
                .description("each device's latest task under an active or suspended plan, by state")
                .register(registry);
        this.plans =
                MultiGauge.builder("ota.plans").description("plans by status").register(registry);
    }

    @Scheduled(every = "15s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public Uni<Void> refresh() {
        Uni<Void> byState = pool.query("SELECT p.id::text, p.name, t.state, count(*) FROM plan p"
                        + " JOIN upgrade_task t ON t.plan_id = p.id AND NOT t.superseded"
                        + " WHERE p.status IN ('ACTIVE', 'SUSPENDED') GROUP BY 1, 2, 3")
                .execute()
                .invoke(rows -> {
                    List<MultiGauge.Row<?>> gauges = new ArrayList<>();
                    rows.forEach(r -> gauges.add(MultiGauge.Row.of(
                            Tags.of("plan", r.getString(0), "name", r.getString(1), "state", r.getString(2)),
                            r.getLong(3))));
                    tasks.register(gauges, true);
                })
                .replaceWithVoid();
        Uni<Void> byStatus = pool.query("SELECT status, count(*) FROM plan GROUP BY 1")
                .execute()
                .invoke(rows -> {
                    List<MultiGauge.Row<?>> gauges = new ArrayList<>();
                    rows.forEach(r -> gauges.add(MultiGauge.Row.of(Tags.of("status", r.getString(0)), r.getLong(1))));
                    plans.register(gauges, true);
                })
                .replaceWithVoid();
        return byState.flatMap(v -> byStatus).onFailure().recoverWithNull();
    }
}
