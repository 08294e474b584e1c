package org.otaplatform.testkit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * Gives a service under test its own fresh database on the real PostgreSQL and the test broker.
 * Init arg {@code service}: a short name used in the database name. The database is dropped when the
 * test run ends.
 */
public class OtaServiceTestResource implements QuarkusTestResourceLifecycleManager {

    private String database;

    @Override
    public void init(Map<String, String> initArgs) {
        database = "ota_test_" + initArgs.getOrDefault("service", "service").replace('-', '_');
    }

    @Override
    public Map<String, String> start() {
        PostgresServer postgres = PostgresServer.shared();
        MqttBroker broker = MqttBroker.shared();
        database = postgres.createUniqueDatabase(database);
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.datasource.username", postgres.user());
        config.put("quarkus.datasource.password", postgres.password());
        config.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl(database));
        config.put("quarkus.datasource.reactive.url", postgres.reactiveUrl(database));
        config.put("mp.messaging.connector.smallrye-mqtt.host", broker.host());
        config.put("mp.messaging.connector.smallrye-mqtt.port", Integer.toString(broker.port()));
        config.put("ota.test.database", database);
        config.put("mp.jwt.verify.publickey", JwtTokens.devOnly().publicKeyPem());
        return config;
    }

    @Override
    public void stop() {
        if (database != null) {
            PostgresServer.shared().dropDatabase(database);
        }
    }
}
