package org.otaplatform.common.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A request that declares a body over the HTTP server's limit ({@code quarkus.http.limits.max-body-size})
 * gets a problem+json 413 naming the limit, instead of the HTTP layer's bare one. It runs just before
 * Quarkus's own check, so the body is never read; the connection is closed after the answer, as the
 * client may still be sending. (A chunked body has no declared length: it is cut off by Quarkus's check
 * while it is read.)
 */
@ApplicationScoped
public class BodyLimit {

    private final Optional<MemorySize> limit;
    private final ObjectMapper json;

    BodyLimit(
            @ConfigProperty(name = "quarkus.http.limits.max-body-size") Optional<MemorySize> limit, ObjectMapper json) {
        this.limit = limit;
        this.json = json;
    }

    void install(@Observes Router router) {
        limit.ifPresent(max -> router.route()
                .order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1)
                .handler(context -> check(context, max.asLongValue())));
    }

    private void check(RoutingContext context, long max) {
        String declared = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared != null && over(declared, max)) {
            Problem problem = Problem.of(
                    ErrorCode.PAYLOAD_TOO_LARGE,
                    "the request body is larger than this service's limit of " + max + " bytes",
                    context.request().path(),
                    List.of());
            context.response()
                    .setStatusCode(problem.status())
                    .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .putHeader(HttpHeaders.CONNECTION, "close")
                    .end(write(problem))
                    .onComplete(done -> context.request().connection().close());
            return;
        }
        context.next();
    }

    private static boolean over(String declared, long max) {
        try {
            return Long.parseLong(declared.trim()) > max;
        } catch (NumberFormatException e) {
            return false; // the HTTP layer refuses a malformed length itself
        }
    }

    private String write(Problem problem) {
        try {
            return json.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a problem document always serialises", e);
        }
    }
}
