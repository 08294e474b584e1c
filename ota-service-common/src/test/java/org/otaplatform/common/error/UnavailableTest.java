package org.otaplatform.common.error;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.pgclient.PgException;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import org.hibernate.HibernateException;
import org.junit.jupiter.api.Test;

/** A REST call the database cannot serve now is answered 503 with Retry-After; a broken body stays 400. */
class UnavailableTest {

    private final ProblemMappers mappers = new ProblemMappers();

    @Test
    void aRefusedDatabaseConnectionIs503WithRetryAfterNot400() {
        Response response = mappers.unreadableBody(new ConnectException("Connection refused: /127.0.0.1:5432"), null);

        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getHeaderString("Retry-After")).isEqualTo("5");
        assertThat(((Problem) response.getEntity()).code()).isEqualTo("UNAVAILABLE");
        assertThat(response.getMediaType().toString()).isEqualTo(Problem.MEDIA_TYPE);
    }

    @Test
    void aStandbyInFailoverAndAServerShuttingDownAre503EvenWrapped() {
        var readOnly = new PgException("cannot execute INSERT in a read-only transaction", "ERROR", "25006", null);
        var shutdown = new PgException("the database system is shutting down", "FATAL", "57P03", null);

        assertThat(mappers.unexpected(new HibernateException("wrapped", readOnly), null)
                        .getStatus())
                .isEqualTo(503);
        assertThat(mappers.unexpected(new CompletionException(shutdown), null).getStatus())
                .isEqualTo(503);
    }

    @Test
    void aBrokenRequestBodyIsStill400AndAStatementsOwnErrorIs500() {
        Response body = mappers.unreadableBody(new IOException("multipart data ended early"), null);
        Response duplicate = mappers.unexpected(new PgException("duplicate key", "ERROR", "23505", null), null);

        assertThat(body.getStatus()).isEqualTo(400);
        assertThat(body.getHeaderString("Retry-After")).isNull();
        assertThat(duplicate.getStatus()).isEqualTo(500);
    }
}
