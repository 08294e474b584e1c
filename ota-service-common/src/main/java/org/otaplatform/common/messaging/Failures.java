package org.otaplatform.common.messaging;

import com.fasterxml.jackson.core.JacksonException;
import io.vertx.core.VertxException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.DatabaseException;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Tells a failure of the infrastructure, which passes and is waited out, from a failure of the work
 * itself, which the same input would meet again. Decided by exception type and, for a database error,
 * by its SQLSTATE class, never by message text; the cause chain is walked, so a failure wrapped by
 * Hibernate or a {@code CompletionException} is seen for what it is.
 */
public final class Failures {

    /**
     * SQLSTATE classes that say nothing about the statement: connection (08), a transaction rolled back
     * by the server (40: serialization failure, deadlock), insufficient resources (53), an object in use
     * or a lock not available in time (55), operator intervention (57: shutdown, statement timeout), a
     * system error (58).
     */
    private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "40", "53", "55", "57", "58");

    /**
     * Single states outside those classes that pass too: a read-only transaction (25006: a standby
     * during failover) and a transaction ended by the idle-in-transaction timeout (25P03).
     */
    private static final Set<String> TRANSIENT_STATES = Set.of("25006", "25P03");

    private Failures() {}

    /**
     * Whether {@code failure} comes from the infrastructure and will pass: a database error of a
     * transient class, a broken, refused or timed-out connection, a closed pool, or a time limit. Not a
     * JSON error, though Jackson's are {@code IOException}s.
     */
    public static boolean transient_(Throwable failure) {
        return infrastructure(failure, t -> t instanceof IOException && !(t instanceof JacksonException));
    }

    /**
     * Whether {@code failure} says the database cannot serve now (refused or broken connections, a closed
     * pool, a standby in failover, a server shutting down, a statement or pool wait timed out): a REST
     * call answers 503 and the caller tries again. Unlike {@link #transient_}, an {@code IOException} of
     * its own does not count (reading a broken request body throws those); a socket's does.
     */
    public static boolean unavailable(Throwable failure) {
        return infrastructure(
                failure, t -> t instanceof java.net.SocketException || t instanceof java.net.SocketTimeoutException);
    }

    /**
     * Walks the cause chain: the first database error decides by its SQLSTATE; otherwise a time limit, a
     * closed connection, one of Vert.x's connection and pool states, or an I/O failure that {@code io}
     * accepts is the infrastructure's.
     */
    private static boolean infrastructure(Throwable failure, java.util.function.Predicate<Throwable> io) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DatabaseException db && db.getSqlState() != null) {
                return transientState(db.getSqlState());
            }
            // Hibernate Reactive reports the server's error as a JDBC one (GenericJDBCException ← SQLException)
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
                return transientState(sql.getSQLState());
            }
            if (io.test(t)
                    || t instanceof TimeoutException
                    || t instanceof ClosedConnectionException
                    // Vert.x's own connection and pool states ("Pool closed", "Connection is not active")
                    || t instanceof NoStackTraceThrowable
                    // and its plain exceptions: waiting for a pooled connection timed out, a connection closed
                    || (t.getClass() == VertxException.class && t.getCause() == null)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a database error with this SQLSTATE passes by itself (see {@link #TRANSIENT_CLASSES}). */
    static boolean transientState(String sqlState) {
        return TRANSIENT_STATES.contains(sqlState)
                || (sqlState.length() == 5 && TRANSIENT_CLASSES.contains(sqlState.substring(0, 2)));
    }
}
