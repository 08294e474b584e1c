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
 * Keeps the planner's statistics of this service's tables current. Every ten seconds, a table that more than
 * doubled since its last analysis (a fleet connected, a campaign created its tasks) is analysed at once,
 * without waiting up to a minute for autovacuum's next round. Where the server runs without autovacuum (this
 * project's CI server does), this also stands in for its analysis: a table with more than 50 + 10 % of its
 * rows changed since its last analysis (autovacuum's default threshold) is analysed, at most once a minute
 * (an analysis of a table that is never vacuumed reads its dead rows too: 150 to 270 ms for the busiest
 * tables during a campaign).
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
        return pool.query("SELECT quote_ident(s.schemaname) || '.' || quote_ident(s.relname)"
                        + " FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid"
                        + " WHERE s.schemaname = current_schema()"
                        + " AND s.n_mod_since_analyze > 50 + 0.1 * greatest(s.n_live_tup, 0)"
                        + " AND (c.reltuples < 0 OR s.n_live_tup > 2 * c.reltuples + 1000"
                        + " OR (current_setting('autovacuum') = 'off'"
                        + " AND coalesce(greatest(s.last_analyze, s.last_autoanalyze), '-infinity')"
                        + " < now() - interval '1 minute'))"
                        + " ORDER BY s.relname")
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
