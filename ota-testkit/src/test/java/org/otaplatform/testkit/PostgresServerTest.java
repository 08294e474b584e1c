package org.otaplatform.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.DriverManager;
import org.junit.jupiter.api.Test;

class PostgresServerTest {

    @Test
    void eachRunGetsItsOwnEmptyDatabaseThatIsDroppedAfterwards() throws Exception {
        PostgresServer server = PostgresServer.shared();

        String name = server.createUniqueDatabase("ota_test_kit");
        try (var connection = DriverManager.getConnection(server.jdbcUrl(name), server.user(), server.password());
                var rs = connection
                        .createStatement()
                        .executeQuery("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
        server.dropDatabase(name);

        try (var connection =
                        DriverManager.getConnection(server.jdbcUrl("postgres"), server.user(), server.password());
                var statement = connection.prepareStatement("SELECT count(*) FROM pg_database WHERE datname = ?")) {
            statement.setString(1, name);
            var rs = statement.executeQuery();
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }

    @Test
    void ensureDatabaseIsHarmlessWhenRepeated() {
        PostgresServer server = PostgresServer.shared();
        String name = "ota_test_kit_ensure";

        server.ensureDatabase(name);
        server.ensureDatabase(name);

        server.dropDatabase(name);
    }
}
