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
 * A table that more than doubled since its last analysis is analysed within seconds, whether the server's
 * autovacuum is on or off.
 */
@QuarkusTest
class TableStatisticsTest {

    @Inject
    Pool pool;

    @Inject
    TableStatistics statistics;

    @Test
    void aTableThatMoreThanDoubledIsAnalysed() {
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

        // the server publishes its table statistics within a second or so; the scheduled pass or this call
        // then analyses the table
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    statistics.analyseChanged().await().indefinitely();
                    return Gateways.count(
                                    pool,
                                    "SELECT coalesce((extract(epoch FROM greatest(last_analyze, last_autoanalyze)) * 1000)::bigint, 0)"
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
