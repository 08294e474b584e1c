package org.otaplatform.firmware;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A leaked or replayed link costs little: requests are limited per link and per gateway (test limits:
 * bursts of 20 and 30, then one in 20 s), and download counts reach the database in one write a second.
 */
@QuarkusTest
class DownloadLimitsTest {

    @Inject
    Pool pool;

    @Test
    void aReplayedLinkGets429WithRetryAfterOnceItsBurstIsSpentAndOtherGatewaysGoOn() {
        String id = Fixtures.createdFull(Fixtures.uniqueProduct(), "1", Fixtures.bytes(1000, 31));
        String link = Fixtures.link(id, "gw-replay");
        for (int i = 0; i < 20; i++) {
            given().header("Range", "bytes=0-0").get(link).then().statusCode(206);
        }

        Response refused = given().header("Range", "bytes=0-0").get(link);

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.contentType()).isEqualTo("application/problem+json");
        assertThat(refused.jsonPath().getString("code")).isEqualTo("RATE_LIMITED");
        assertThat(refused.jsonPath().getString("detail")).contains("this link");
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 20L);
        given().get(Fixtures.link(id, "gw-other")).then().statusCode(200);
    }

    @Test
    void aGatewayIsLimitedOverAllItsLinks() {
        String first = Fixtures.createdFull(Fixtures.uniqueProduct(), "1", Fixtures.bytes(1000, 32));
        String second = Fixtures.createdFull(Fixtures.uniqueProduct(), "1", Fixtures.bytes(1000, 33));
        String gateway = "gw-many-" + UUID.randomUUID().toString().substring(0, 8);
        String one = Fixtures.link(first, gateway);
        String other = Fixtures.link(second, gateway);
        for (int i = 0; i < 15; i++) {
            given().head(one).then().statusCode(200);
            given().head(other).then().statusCode(200);
        }

        Response refused = given().head(other);

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).isNotNull();
    }

    @Test
    void downloadCountsReachTheDatabaseInOneWriteASecondNotOneARequest() {
        String id = Fixtures.createdFull(Fixtures.uniqueProduct(), "1", Fixtures.bytes(1000, 34));
        pool.query("CREATE TABLE IF NOT EXISTS test_download_stat_writes (firmware_id uuid)")
                .execute()
                .await()
                .indefinitely();
        pool.query("CREATE OR REPLACE FUNCTION test_count_download_stat_write() RETURNS trigger AS"
                        + " $$ BEGIN INSERT INTO test_download_stat_writes VALUES (NEW.firmware_id); RETURN NEW; END $$"
                        + " LANGUAGE plpgsql")
                .execute()
                .await()
                .indefinitely();
        pool.query("CREATE OR REPLACE TRIGGER test_download_stat_writes AFTER INSERT OR UPDATE ON download_stat"
                        + " FOR EACH ROW EXECUTE FUNCTION test_count_download_stat_write()")
                .execute()
                .await()
                .indefinitely();
        try {
            String link = Fixtures.link(id, "gw-counted");
            long started = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                given().header("Range", "bytes=0-9").get(link).then().statusCode(206);
            }
            double seconds = (System.nanoTime() - started) / 1e9;

            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(Fixtures.count(
                                    pool,
                                    "SELECT coalesce(sum(requests), 0) FROM download_stat WHERE firmware_id = $1",
                                    UUID.fromString(id)))
                            .isEqualTo(20));
            long writes = Fixtures.count(
                    pool, "SELECT count(*) FROM test_download_stat_writes WHERE firmware_id = $1", UUID.fromString(id));
            assertThat(writes).isBetween(1L, (long) Math.ceil(seconds) + 1);
            assertThat(Fixtures.count(
                            pool,
                            "SELECT bytes FROM download_stat WHERE firmware_id = $1 AND gateway_id = 'gw-counted'",
                            UUID.fromString(id)))
                    .isEqualTo(200);
        } finally {
            pool.query("DROP TRIGGER IF EXISTS test_download_stat_writes ON download_stat")
                    .execute()
                    .await()
                    .indefinitely();
        }
    }
}
