package org.otaplatform.devicegateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.otaplatform.testkit.PostgresServer;

/**
 * An installation that ran before the registry existed is upgraded without cutting off its fleet: every
 * sub-device it knows is registered to its product and stays bound to the gateway it was attached to.
 */
class RegistryMigrationTest {

    private final PostgresServer postgres = PostgresServer.shared();
    private String database;

    @BeforeEach
    void freshDatabase() {
        database = postgres.createUniqueDatabase("ota_test_migration");
    }

    @AfterEach
    void dropDatabase() {
        postgres.dropDatabase(database);
    }

    private Flyway flyway(String target) {
        var config = Flyway.configure()
                .dataSource(postgres.jdbcUrl(database), postgres.user(), postgres.password())
                .locations("classpath:db/migration", "classpath:db/common");
        return (target == null ? config : config.target(target)).load();
    }

    @Test
    void everyKnownSubDeviceIsRegisteredAndStaysBoundToItsGateway() throws Exception {
        flyway("2").migrate();
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO gateway (gateway_id, product_key, version, online, connected_at, last_seen_at, seq)"
                    + " VALUES ('gw-1', 'zb-gw', '4.2', true, now(), now(), 3),"
                    + " ('gw-2', 'zb-gw', '4.2', false, now(), now(), 5)");
            s.execute("INSERT INTO sub_device (product_key, device_key, gateway_id, online, version, last_seen_at, seq)"
                    + " VALUES ('zb-bulb', 'd1', 'gw-1', true, '1.0', now(), 7),"
                    + " ('zb-bulb', 'd2', 'gw-2', false, '1.1', now(), 2),"
                    + " ('zb-bulb', 'd3', NULL, false, '1.0', now(), 9),"
                    + " ('ble-lock', 'l1', 'gw-1', true, '2.1', now(), 1)");
        }

        flyway(null).migrate();

        try (Connection c = connect();
                Statement s = c.createStatement()) {
            assertThat(rows(s, "SELECT product_key || ':' || node_type || ':' || bind_policy FROM product ORDER BY 1"))
                    .isEqualTo("ble-lock:SUB_DEVICE:SIGNED,zb-bulb:SUB_DEVICE:SIGNED,zb-gw:GATEWAY:SIGNED");
            assertThat(rows(s, "SELECT product_key || '/' || device_key FROM device ORDER BY 1"))
                    .isEqualTo("ble-lock/l1,zb-bulb/d1,zb-bulb/d2,zb-bulb/d3,zb-gw/gw-1,zb-gw/gw-2");
            assertThat(rows(
                            s,
                            "SELECT device_key || ':' || coalesce(gateway_id, '-') || ':' || attached || ':'"
                                    + " || (bound_at IS NOT NULL) FROM sub_device ORDER BY device_key"))
                    .as("bound where attached; the detached one registered but bound to none")
                    .isEqualTo("d1:gw-1:true:true,d2:gw-2:true:true,d3:-:false:false,l1:gw-1:true:true");
            assertThat(rows(s, "SELECT (nextval('device_state_seq') > 9)::text"))
                    .isEqualTo("true");
        }
    }

    private Connection connect() throws Exception {
        return DriverManager.getConnection(postgres.jdbcUrl(database), postgres.user(), postgres.password());
    }

    private static String rows(Statement s, String sql) throws Exception {
        StringBuilder out = new StringBuilder();
        try (ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                out.append(out.length() == 0 ? "" : ",").append(r.getString(1));
            }
        }
        return out.toString();
    }
}
