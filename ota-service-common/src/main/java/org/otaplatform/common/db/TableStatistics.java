package org.otaplatform.common.db;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;
import org.otaplatform.common.reactive.Watchdog;

/**
 * Stands in for autovacuum's analysis where the server runs without it (this project's CI server does):
 * every ten seconds, each table of this service's schema with more than 50 + 10 % of its rows changed since
 * its last analysis is analysed, the threshold autovacuum uses by default. Where autovacuum is on, this does
 * nothing.
 *
 * <p>Without it, nothing ever tells the planner that a table grew. A prepared statement's generic plan,
 * chosen while a table held a few thousand rows, then stays for the connection's life: after a small
 * campaign, the next one of 100,000 sub-devices found its tasks by sequential scan, 17 ms instead of 0.3 ms a
 * statement, and took twice as long. An analysis also invalidates the plans cached on the table.
 */
@ApplicationScoped
public class TableStatistics {

    private static final Logger LOG = Logger.getLogger(TableStatistics.class);

    private final Pool pool;

    TableStatistics(Pool pool) {
        this.pool = pool;
    }

    @Scheduled(every = "10s", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> analyseChangedTables() {
        return analyseChanged()
                .plug(Watchdog.limit("analysing changed tables"))
                .onFailure()
                .invoke(e -> LOG.warnf("analysing changed tables failed: %s", e.getMessage()))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }

    /** Analyses the tables due, one after the other; their names. */
    public Uni<List<String>> analyseChanged() {
        return pool.query("SELECT quote_ident(schemaname) || '.' || quote_ident(relname) FROM pg_stat_user_tables"
                        + " WHERE schemaname = current_schema() AND current_setting('autovacuum') = 'off'"
                        + " AND n_mod_since_analyze > 50 + 0.1 * greatest(n_live_tup, 0) ORDER BY relname")
                .execute()
                .map(rows -> {
                    List<String> tables = new ArrayList<>();
                    for (Row row : rows) {
                        tables.add(row.getString(0));
                    }
                    return tables;
                })
                .flatMap(tables -> Multi.createFrom()
                        .iterable(tables)
                        .onItem()
                        .transformToUniAndConcatenate(table ->
                                pool.query("ANALYZE " + table).execute().replaceWith(table))
                        .collect()
                        .asList());
    }
}
