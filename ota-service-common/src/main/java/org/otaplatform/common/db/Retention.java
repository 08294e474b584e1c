package org.otaplatform.common.db;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;
import org.otaplatform.common.reactive.Watchdog;

/**
 * Deletes rows past their retention a chunk at a time, each chunk a short transaction of its own: a
 * backlog (the first run on a table that grew for days) never becomes one statement that runs into the
 * statement time limit or holds its locks for long, and the work stops after {@code maxChunks}.
 */
public final class Retention {

    private static final Logger LOG = Logger.getLogger(Retention.class);
    /** Rows one transaction deletes. */
    public static final int CHUNK = 5_000;

    private Retention() {}

    /**
     * Deletes from {@code table} the rows {@code whereOld} selects (an SQL condition on its columns, with
     * an index to walk), {@link #CHUNK} per transaction, at most {@code maxChunks} chunks; how many went.
     */
    public static Uni<Long> purge(String table, String key, String whereOld, int maxChunks) {
        return chunks(table, key, whereOld, maxChunks, 0L)
                .plug(Watchdog.limit("purging " + table))
                .onFailure()
                .recoverWithItem(e -> {
                    LOG.warnf("purging %s stopped: %s (tried again on the next run)", table, e.getMessage());
                    return 0L;
                });
    }

    private static Uni<Long> chunks(String table, String key, String whereOld, int left, long total) {
        if (left <= 0) {
            return Uni.createFrom().item(total);
        }
        String sql = "DELETE FROM " + table + " WHERE (" + key + ") IN (SELECT " + key + " FROM " + table + " WHERE "
                + whereOld + " LIMIT " + CHUNK + ")";
        return Panache.withTransaction(() -> Panache.getSession()
                        .flatMap(s -> s.createNativeQuery(sql).executeUpdate()))
                .flatMap(n -> n < CHUNK
                        ? Uni.createFrom().item(total + n)
                        : chunks(table, key, whereOld, left - 1, total + n));
    }
}
