package org.otaplatform.devicegateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.otaplatform.common.db.TableStatistics;

/**
 * Where the server's autovacuum is off, a table that changed by more than 50 + 10 % of its rows (and was not
 * analysed in the last minute, or more than doubled) is analysed by the service itself; where autovacuum is
 * on, the service leaves that to the server.
 */
@QuarkusTest
class TableStatisticsTest {

    @Inject
    Pool pool;

    @Inject
    TableStatistics statistics;

    @Test
    void aTableThatChangedIsAnalysedWhereAutovacuumIsOff() {
        boolean autovacuumOff = Gateways.count(pool, "SELECT (current_setting('autovacuum') = 'off')::int") == 1;
        // more than doubles the table: analysed then even if it was analysed less than a minute ago
        long rows = Gateways.count(
                pool,
                "SELECT greatest(count(*), (SELECT reltuples::bigint FROM pg_class WHERE oid = 'uplink_seen'::regclass))"
                        + " FROM uplink_seen");
        int added = (int) (2 * rows + 1_100);
        String gateway = "stats-" + UUID.randomUUID().toString().substring(0, 8);
        long before = Gateways.count(pool, "SELECT (extract(epoch FROM now()) * 1000)::bigint");
        pool.preparedQuery(
                        "INSERT INTO uplink_seen (gateway_id, msg_id) SELECT $1, 'm' || n FROM generate_series(1, $2) n")
                .execute(Tuple.of(gateway, added))
                .await()
                .indefinitely();

        if (!autovacuumOff) {
            assertThat(statistics.analyseChanged().await().indefinitely()).isEmpty();
            return;
        }
        // the server publishes its table statistics within a second or so; the scheduled pass or this call
        // then analyses the table
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    statistics.analyseChanged().await().indefinitely();
                    return Gateways.count(
                                    pool,
                                    "SELECT coalesce((extract(epoch FROM last_analyze) * 1000)::bigint, 0)"
                                            + " FROM pg_stat_user_tables WHERE schemaname = current_schema()"
                                            + " AND relname = 'uplink_seen'")
                            >= before;
                });
        assertThat(Gateways.count(
                        pool,
                        "SELECT n_mod_since_analyze FROM pg_stat_user_tables WHERE schemaname = current_schema()"
                                + " AND relname = 'uplink_seen'"))
                .isLessThan(added);
    }
}
