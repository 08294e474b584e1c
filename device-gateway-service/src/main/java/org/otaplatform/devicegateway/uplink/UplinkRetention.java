package org.otaplatform.devicegateway.uplink;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.otaplatform.common.db.Retention;
import org.otaplatform.devicegateway.downlink.GatewayTaskState;

/**
 * Forgets, every minute and in short chunks: gateways' message ids older than 25 hours (the protocol's
 * msgId uniqueness window is 24 h), and tasks that ended longer ago than {@code ota.retention.finished-tasks}
 * (default 1 day; plan-service keeps every task's history, this service needs a task only while it runs
 * and for late reports about it).
 */
@ApplicationScoped
public class UplinkRetention {

    private static final int MAX_CHUNKS_PER_RUN = 200;

    private final long finishedTaskSeconds;

    UplinkRetention(
            @ConfigProperty(name = "ota.retention.finished-tasks", defaultValue = "1d") Duration finishedTasks) {
        this.finishedTaskSeconds = Math.max(3_600, finishedTasks.toSeconds());
    }

    @Scheduled(every = "1m", delayed = "2m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> forget() {
        return Retention.purge(
                        "uplink_seen",
                        "gateway_id, msg_id",
                        "seen_at < now() - interval '25 hours'",
                        MAX_CHUNKS_PER_RUN)
                .flatMap(n -> Retention.purge(
                        "gateway_task",
                        "task_id",
                        "state = " + GatewayTaskState.ENDED.sql() + " AND updated_at < now() - interval '"
                                + finishedTaskSeconds + " seconds'",
                        MAX_CHUNKS_PER_RUN))
                .replaceWithVoid();
    }
}
