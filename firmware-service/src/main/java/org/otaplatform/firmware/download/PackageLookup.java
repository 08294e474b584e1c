package org.otaplatform.firmware.download;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds a package's content address for downloads with one indexed query, remembered for a short while:
 * a package's content never changes, and a deleted package stops being served within {@link #TTL_MILLIS}.
 */
@ApplicationScoped
public class PackageLookup {

    static final long TTL_MILLIS = 30_000;
    private static final int MAX_ENTRIES = 10_000;

    /** What a download needs to know of a package. */
    public record Package(UUID id, String sha256, long size) {}

    private record Entry(Package pkg, long at) {}

    private final Pool pool;
    private final Map<UUID, Entry> recent = new ConcurrentHashMap<>();

    PackageLookup(Pool pool) {
        this.pool = pool;
    }

    public Uni<Optional<Package>> find(UUID id) {
        Entry entry = recent.get(id);
        long now = System.currentTimeMillis();
        if (entry != null && now - entry.at() < TTL_MILLIS) {
            return Uni.createFrom().item(Optional.of(entry.pkg()));
        }
        return pool.preparedQuery("SELECT sha256, size FROM firmware WHERE id = $1")
                .execute(Tuple.of(id))
                .map(rows -> {
                    if (rows.size() == 0) {
                        recent.remove(id);
                        return Optional.empty();
                    }
                    Row row = rows.iterator().next();
                    Package pkg = new Package(id, row.getString("sha256"), row.getLong("size"));
                    if (recent.size() >= MAX_ENTRIES) {
                        recent.clear();
                    }
                    recent.put(id, new Entry(pkg, now));
                    return Optional.of(pkg);
                });
    }

    /** Forgets a package at once on this replica, when it is deleted here. */
    public void forget(UUID id) {
        recent.remove(id);
    }
}
