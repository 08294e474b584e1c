package org.otaplatform.common.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.otaplatform.common.messaging.Failures;

/**
 * Turns every failure of a REST call into {@code application/problem+json}. A client never sees a
 * Java class name or a stack trace: unexpected failures are logged and answered with a bare 500.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    /** What a 503 asks the caller to wait before trying again. */
    static final int RETRY_AFTER_SECONDS = 5;

    private static final java.util.concurrent.atomic.AtomicLong lastUnavailableLog =
            new java.util.concurrent.atomic.AtomicLong();

    @ServerExceptionMapper
    public Response api(ApiException e, UriInfo uri) {
        return respond(Problem.of(e.code(), e.getMessage(), path(uri), e.errors()));
    }

    @ServerExceptionMapper
    public Response constraint(ConstraintViolationException e, UriInfo uri) {
        List<FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new FieldError(fieldOf(v), v.getMessage()))
                .sorted(Comparator.comparing(FieldError::field))
                .collect(Collectors.toList());
        ApiException invalid = ApiException.invalid(errors);
        return respond(Problem.of(ErrorCode.VALIDATION_FAILED, invalid.getMessage(), path(uri), errors));
    }

    @ServerExceptionMapper
    public Response mismatchedJson(com.fasterxml.jackson.databind.exc.MismatchedInputException e, UriInfo uri) {
        return unreadableJson(e, uri);
    }

    @ServerExceptionMapper
    public Response unparsableJson(com.fasterxml.jackson.core.JsonParseException e, UriInfo uri) {
        return unreadableJson(e, uri);
    }

    @ServerExceptionMapper
    public Response unreadableJson(JsonProcessingException e, UriInfo uri) {
        String field = e instanceof JsonMappingException mapping ? jsonPath(mapping) : "";
        String detail =
                field.isEmpty() ? "the body is not valid JSON" : "field " + field + " has the wrong type or format";
        List<FieldError> errors =
                field.isEmpty() ? List.of() : List.of(new FieldError(field, "has the wrong type or format"));
        return respond(Problem.of(ErrorCode.MALFORMED_REQUEST, detail, path(uri), errors));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        ErrorCode code = ErrorCode.forStatus(status);
        String detail = status >= 500 ? code.title() : messageOf(e, code);
        Problem problem = new Problem(code.type(), code.title(), status, detail, path(uri), code.name(), List.of());
        return Response.fromResponse(e.getResponse())
                .entity(problem)
                .type(Problem.MEDIA_TYPE)
                .build();
    }

    /** No token, or one that could not be verified (bad signature, expired, wrong issuer): 401. */
    @ServerExceptionMapper
    public Response unauthenticated(io.quarkus.security.AuthenticationFailedException e, UriInfo uri) {
        LOG.debugf("authentication failed for %s: %s", path(uri), e.getMessage());
        return challenge("invalid_token", "the bearer token is not valid: it is malformed, expired or not ours", uri);
    }

    @ServerExceptionMapper
    public Response unauthorized(io.quarkus.security.UnauthorizedException e, UriInfo uri) {
        return challenge(null, "this endpoint needs a bearer token (Authorization: Bearer ...)", uri);
    }

    /** A valid token without a role this endpoint admits: 403. */
    @ServerExceptionMapper
    public Response forbidden(io.quarkus.security.ForbiddenException e, UriInfo uri) {
        return respond(
                Problem.of(ErrorCode.FORBIDDEN, "the token's roles do not allow this operation", path(uri), List.of()));
    }

    private static Response challenge(String error, String detail, UriInfo uri) {
        String header = error == null ? "Bearer" : "Bearer error=\"" + error + "\"";
        return Response.fromResponse(respond(Problem.of(ErrorCode.UNAUTHENTICATED, detail, path(uri), List.of())))
                .header("WWW-Authenticate", header)
                .build();
    }

    /**
     * Reading the request failed (a broken or malformed body, such as multipart data that ends early):
     * the client's fault, 400. A refused or broken database connection is an {@code IOException} too:
     * that is 503.
     */
    @ServerExceptionMapper
    public Response unreadableBody(java.io.IOException e, UriInfo uri) {
        if (Failures.unavailable(e)) {
            return unavailable(e, uri);
        }
        LOG.debugf("unreadable request body for %s: %s", path(uri), e.getMessage());
        return respond(Problem.of(
                ErrorCode.MALFORMED_REQUEST,
                "the request body could not be read: it is malformed or incomplete",
                path(uri),
                List.of()));
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e, UriInfo uri) {
        if (Failures.unavailable(e)) {
            return unavailable(e, uri);
        }
        LOG.errorf(e, "unexpected failure serving %s", path(uri));
        return respond(Problem.of(
                ErrorCode.INTERNAL_ERROR,
                "the request failed unexpectedly; see the service log",
                path(uri),
                List.of()));
    }

    /**
     * The database is away (down, failing over, out of connections): 503 {@code UNAVAILABLE} with {@code
     * Retry-After}, logged once a minute at most, so that an outage does not flood the log.
     */
    static Response unavailable(Throwable e, UriInfo uri) {
        long now = System.currentTimeMillis();
        long last = lastUnavailableLog.get();
        if (now - last > 60_000 && lastUnavailableLog.compareAndSet(last, now)) {
            LOG.warnf("answering 503: the database cannot serve now (%s)", rootOf(e));
        }
        return Response.fromResponse(respond(Problem.of(
                        ErrorCode.UNAVAILABLE,
                        "the service's database cannot be reached or is failing over; try again in "
                                + RETRY_AFTER_SECONDS + " s",
                        path(uri),
                        List.of())))
                .header("Retry-After", RETRY_AFTER_SECONDS)
                .build();
    }

    private static String rootOf(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    static Response respond(Problem problem) {
        return Response.status(problem.status())
                .type(Problem.MEDIA_TYPE)
                .entity(problem)
                .build();
    }

    private static String messageOf(WebApplicationException e, ErrorCode code) {
        String message = e.getMessage();
        if (message == null || message.isBlank() || message.startsWith("HTTP ")) {
            return code.title();
        }
        return message;
    }

    private static String jsonPath(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String fieldOf(ConstraintViolation<?> violation) {
        String path = violation.getPropertyPath().toString();
        // "create.arg0.name" / "list.size": drop the method and parameter prefix a client never sees
        String[] parts = path.split("\\.");
        if (parts.length >= 3) {
            return String.join(".", java.util.Arrays.copyOfRange(parts, 2, parts.length));
        }
        return parts[parts.length - 1];
    }

    private static String path(UriInfo uri) {
        return uri == null ? null : uri.getRequestUri().getRawPath();
    }
}
