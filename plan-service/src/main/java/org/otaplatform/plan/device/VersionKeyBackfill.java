package org.otaplatform.plan.device;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Gives the device views written before V18 their {@code version_key} (SemVer order is computed in Java, so the
 * migration could not): at start-up, a thousand rows at a time, until none is left. Idempotent; replicas may
 * run it at once. Until a row has its key it is not refused as a downgrade (as a version that cannot be ordered).
 */
@ApplicationScoped
public class VersionKeyBackfill {

    private static final Logger LOG = Logger.getLogger(VersionKeyBackfill.class);
    private static final int BATCH = 1000;

    private final Pool pool;

    VersionKeyBackfill(Pool pool) {
        this.pool = pool;
    }

    void onStart(@Observes StartupEvent event) {
        run().subscribe()
                .with(
                        n -> {
                            if (n > 0) {
                                LOG.infof("gave %d device views their version order key", n);
                            }
                        },
                        f -> LOG.warn("the version key backfill stopped; it resumes at the next start", f));
    }

    /** Fills every missing key; the number of rows it filled. */
    public Uni<Long> run() {
        return batch().flatMap(n -> n < BATCH ? Uni.createFrom().item((long) n) : run().map(m -> m + n));
    }

    private Uni<Integer> batch() {
        return pool.preparedQuery("SELECT product_key, device_key, version FROM device_view"
                        + " WHERE version IS NOT NULL AND version_key IS NULL LIMIT " + BATCH)
                .execute()
                .flatMap(rows -> {
                    List<String> products = new ArrayList<>();
                    List<String> devices = new ArrayList<>();
                    List<String> versions = new ArrayList<>();
                    List<String> keys = new ArrayList<>();
                    rows.forEach(r -> {
                        products.add(r.getString(0));
                        devices.add(r.getString(1));
                        versions.add(r.getString(2));
                        keys.add(Downgrades.keyHex(r.getString(2)));
                    });
                    if (products.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    // only where the version is still the one the key was computed from
                    return pool.preparedQuery("UPDATE device_view d SET version_key = decode(i.k, 'hex')"
                                    + " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS i (p, dk, v, k)"
                                    + " WHERE d.product_key = i.p AND d.device_key = i.dk AND d.version = i.v"
                                    + " AND d.version_key IS NULL")
                            .execute(Tuple.of(
                                    products.toArray(String[]::new),
                                    devices.toArray(String[]::new),
                                    versions.toArray(String[]::new),
                                    keys.toArray(String[]::new)))
                            .map(r -> products.size());
                });
    }
}
