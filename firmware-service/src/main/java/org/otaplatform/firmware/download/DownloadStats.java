package org.otaplatform.firmware.download;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Counts downloads per package and gateway in the database (shared by replicas) and in metrics:
 * bytes served, requests, and downloads that delivered the package's last byte. Counts gather in
 * memory and are added to the table once a second in one statement for every package and gateway
 * ({@link #flush}), so a busy download endpoint, or a leaked link replayed, costs the database one
 * statement a second; a replica killed outright loses at most its last second of counts.
 */
@ApplicationScoped
public class DownloadStats {

    private static final Logger LOG = Logger.getLogger(DownloadStats.class);

    /** Totals of one package over all gateways. */
    public record Totals(long bytes, long requests, long completed, long gateways) {}

    /** One gateway's downloads of one package. */
    public record GatewayDownloads(String gatewayId, long bytes, long requests, long completed) {}

    private final Pool pool;
    private final MeterRegistry registry;

    DownloadStats(Pool pool, MeterRegistry registry) {
        this.pool = pool;
        this.registry = registry;
    }

    /** Counts not yet in the table, by package and gateway. */
    private final Map<Key, long[]> pending = new ConcurrentHashMap<>();

    private record Key(UUID firmwareId, String gatewayId) {}

    void record(UUID firmwareId, String gatewayId, long bytes, boolean completed) {
        Counter.builder("ota.firmware.download.bytes")
                .description("Bytes of firmware served to gateways")
                .tag("firmware", firmwareId.toString())
                .register(registry)
                .increment(bytes);
        if (completed) {
            Counter.builder("ota.firmware.downloads.completed")
                    .description("Downloads that delivered a package's last byte")
                    .tag("firmware", firmwareId.toString())
                    .register(registry)
                    .increment();
        }
        add(new Key(firmwareId, gatewayId), bytes, 1, completed ? 1 : 0);
    }

    private void add(Key key, long bytes, long requests, long completed) {
        pending.merge(key, new long[] {bytes, requests, completed}, (sum, more) -> {
            sum[0] += more[0];
            sum[1] += more[1];
            sum[2] += more[2];
            return sum;
        });
    }

    /**
     * Adds the last second's counts to the table in one statement. Counts that could not be written (the
     * database is away) are kept for the next try.
     */
    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> flush() {
        if (pending.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Map<Key, long[]> batch = new HashMap<>();
        for (Key key : List.copyOf(pending.keySet())) {
            long[] counts = pending.remove(key);
            if (counts != null) {
                batch.put(key, counts);
            }
        }
        int n = batch.size();
        UUID[] ids = new UUID[n];
        String[] gateways = new String[n];
        Long[] bytes = new Long[n];
        Long[] requests = new Long[n];
        Long[] completed = new Long[n];
        int i = 0;
        for (var e : batch.entrySet()) {
            ids[i] = e.getKey().firmwareId();
            gateways[i] = e.getKey().gatewayId();
            bytes[i] = e.getValue()[0];
            requests[i] = e.getValue()[1];
            completed[i] = e.getValue()[2];
            i++;
        }
        return pool.preparedQuery("INSERT INTO download_stat (firmware_id, gateway_id, bytes, requests, completed,"
                        + " last_at) SELECT f, g, b, r, c, now() FROM unnest($1::uuid[], $2::text[], $3::bigint[],"
                        + " $4::bigint[], $5::bigint[]) AS t(f, g, b, r, c)"
                        // a package deleted meanwhile is not counted again
                        + " WHERE EXISTS (SELECT 1 FROM firmware WHERE id = f)"
                        + " ON CONFLICT (firmware_id, gateway_id) DO UPDATE SET"
                        + " bytes = download_stat.bytes + EXCLUDED.bytes,"
                        + " requests = download_stat.requests + EXCLUDED.requests,"
                        + " completed = download_stat.completed + EXCLUDED.completed, last_at = now()")
                .execute(Tuple.of(ids, gateways, bytes, requests, completed))
                .replaceWithVoid()
                .onFailure()
                .recoverWithItem(failure -> {
                    LOG.warnf("download counts of %d package/gateway pairs kept for the next try: %s", n, failure);
                    batch.forEach((key, counts) -> add(key, counts[0], counts[1], counts[2]));
                    return null;
                });
    }

    /** The last counts go in before the service stops. */
    void onStop(@Observes ShutdownEvent stop) {
        try {
            flush().await().atMost(java.time.Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOG.warnf("the last download counts were not written: %s", e.getMessage());
        }
    }

    public Uni<Totals> totals(UUID firmwareId) {
        return pool.preparedQuery(
                        "SELECT coalesce(sum(bytes), 0) AS bytes, coalesce(sum(requests), 0) AS requests,"
                                + " coalesce(sum(completed), 0) AS completed, count(*) AS gateways FROM download_stat WHERE firmware_id = $1")
                .execute(Tuple.of(firmwareId))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new Totals(
                            row.getLong("bytes"),
                            row.getLong("requests"),
                            row.getLong("completed"),
                            row.getLong("gateways"));
                });
    }

    public Uni<List<GatewayDownloads>> byGateway(UUID firmwareId, int limit, int offset) {
        return pool.preparedQuery(
                        "SELECT gateway_id, bytes, requests, completed FROM download_stat WHERE firmware_id = $1"
                                + " ORDER BY gateway_id LIMIT $2 OFFSET $3")
                .execute(Tuple.of(firmwareId, limit, offset))
                .map(rows -> {
                    List<GatewayDownloads> list = new java.util.ArrayList<>();
                    rows.forEach(r -> list.add(new GatewayDownloads(
                            r.getString("gateway_id"),
                            r.getLong("bytes"),
                            r.getLong("requests"),
                            r.getLong("completed"))));
                    return list;
                });
    }
}
