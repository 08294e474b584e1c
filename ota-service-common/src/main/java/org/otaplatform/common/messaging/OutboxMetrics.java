package org.otaplatform.common.messaging;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The outbox's backlog as metrics: {@code ota_outbox_unpublished} (messages committed and not yet taken by
 * the broker) and {@code ota_outbox_oldest_unpublished_seconds} (how long the oldest has waited): a broker
 * that cannot be reached shows as a growing age long before anything is lost. Counted every 10 s over the
 * index of unpublished rows; every replica reports the same service-wide figures.
 */
@ApplicationScoped
public class OutboxMetrics {

    private final Pool pool;
    private final AtomicLong unpublished = new AtomicLong();
    private final AtomicLong oldestMillis = new AtomicLong();

    OutboxMetrics(Pool pool, MeterRegistry registry) {
        this.pool = pool;
        Gauge.builder("ota.outbox.unpublished", unpublished, AtomicLong::get)
                .description("outbox messages committed and not yet taken by the broker")
                .register(registry);
        Gauge.builder("ota.outbox.oldest.unpublished.seconds", oldestMillis, a -> a.get() / 1000.0)
                .description("how long the oldest unpublished outbox message has waited")
                .register(registry);
    }

    @Scheduled(every = "10s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public Uni<Void> refresh() {
        return pool.query("SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)) * 1000, 0)::bigint"
                        + " FROM outbox_message WHERE published_at IS NULL")
                .execute()
                .invoke(rows -> {
                    Row r = rows.iterator().next();
                    unpublished.set(r.getLong(0));
                    oldestMillis.set(Math.max(0, r.getLong(1)));
                })
                .replaceWithVoid()
                .onFailure()
                .recoverWithNull();
    }
}
