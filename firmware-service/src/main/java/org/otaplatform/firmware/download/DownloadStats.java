package org.otaplatform.firmware.download;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Counts downloads per package and gateway in the database (shared by replicas) and in metrics:
 * bytes served, requests, and downloads that delivered the package's last byte. Counts are added to
 * the table once a second in one batch, so a busy download endpoint costs the database one statement
 * a second; a replica that dies loses at most its last second of counts.
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
        pool.preparedQuery("INSERT INTO download_stat (firmware_id, gateway_id, bytes, requests, completed, last_at)"
                        + " VALUES ($1, $2, $3, 1, $4, now()) ON CONFLICT (firmware_id, gateway_id) DO UPDATE SET"
                        + " bytes = download_stat.bytes + EXCLUDED.bytes, requests = download_stat.requests + 1,"
                        + " completed = download_stat.completed + EXCLUDED.completed, last_at = now()")
                .execute(Tuple.of(firmwareId, gatewayId, bytes, completed ? 1 : 0))
                .subscribe()
                .with(
                        ok -> {},
                        failure -> LOG.warnf(
                                "download of %s by %s not counted: %s", firmwareId, gatewayId, failure.getMessage()));
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
