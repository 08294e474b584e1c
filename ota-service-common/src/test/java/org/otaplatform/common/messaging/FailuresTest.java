package org.otaplatform.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParseException;
import io.vertx.core.VertxException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.hibernate.HibernateException;
import org.junit.jupiter.api.Test;

class FailuresTest {

    private static PgException pg(String sqlState) {
        return new PgException("whatever the server says", "ERROR", sqlState, null);
    }

    @Test
    void databaseErrorsThatPassAreToldByTheirSqlStateClass() {
        for (String state : new String[] {
            "08006", "08001", "40001", "40P01", "53300", "55P03", "57014", "57P01", "57P03", "58030", "25006", "25P03"
        }) {
            assertThat(Failures.transient_(pg(state))).as(state).isTrue();
        }
    }

    @Test
    void databaseErrorsOfTheStatementOrItsDataDoNotPass() {
        for (String state : new String[] {"22001", "22P02", "23505", "23503", "42601", "42P01", "25001", "P0001"}) {
            assertThat(Failures.transient_(pg(state))).as(state).isFalse();
        }
    }

    @Test
    void theMessageTextDecidesNothing() {
        assertThat(Failures.transient_(new PgException("Connection refused: a timeout", "ERROR", "23505", null)))
                .isFalse();
        assertThat(Failures.transient_(new IllegalStateException("Timeout"))).isFalse();
        assertThat(Failures.transient_(new RuntimeException("Pool closed"))).isFalse();
    }

    @Test
    void wrappedFailuresAreSeenForWhatTheyAre() {
        assertThat(Failures.transient_(new HibernateException(new CompletionException(pg("40P01")))))
                .isTrue();
        assertThat(Failures.transient_(new HibernateException(new CompletionException(pg("23505")))))
                .isFalse();
        assertThat(Failures.transient_(new CompletionException(new ConnectException("refused"))))
                .isTrue();
    }

    @Test
    void hibernateReactivesJdbcWrappingOfAServerErrorIsToldByItsSqlState() {
        // as Hibernate Reactive reports a write refused by a read-only server (seen in DatabaseOutageIT)
        var readOnly = new org.hibernate.exception.GenericJDBCException(
                "error executing SQL statement",
                new java.sql.SQLException("ERROR: cannot execute INSERT in a read-only transaction (25006)", "25006"));
        var duplicate = new org.hibernate.exception.GenericJDBCException(
                "error executing SQL statement", new java.sql.SQLException("ERROR: duplicate key", "23505"));

        assertThat(Failures.transient_(new CompletionException(readOnly))).isTrue();
        assertThat(Failures.unavailable(readOnly)).isTrue();
        assertThat(Failures.transient_(duplicate)).isFalse();
    }

    @Test
    void connectionsPoolsAndTimeLimitsPass() {
        assertThat(Failures.transient_(ClosedConnectionException.INSTANCE)).isTrue();
        assertThat(Failures.transient_(new NoStackTraceThrowable("Pool closed")))
                .isTrue();
        assertThat(Failures.transient_(new VertxException("Timeout waiting for connection")))
                .isTrue();
        assertThat(Failures.transient_(new TimeoutException())).isTrue();
        assertThat(Failures.transient_(new ConnectException())).isTrue();
    }

    @Test
    void jsonAndProgrammingErrorsDoNotPass() {
        assertThat(Failures.transient_(new JsonParseException(null, "unexpected character")))
                .isFalse();
        assertThat(Failures.transient_(new NullPointerException())).isFalse();
        assertThat(Failures.transient_(new IllegalArgumentException("bad"))).isFalse();
        assertThat(Failures.transient_(new io.vertx.core.json.DecodeException("bad json")))
                .isFalse();
    }
}
