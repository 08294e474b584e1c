package org.otaplatform.console.web;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.otaplatform.console.auth.SessionCookie;
import org.otaplatform.console.backend.Backend;

/**
 * A page that cannot be shown says why, never blank: not signed in (or the session's token no longer
 * valid) leads to the sign-in page and back; a 403 says what the person's roles do not allow; a service
 * that refused or cannot be reached is named. A request from htmx gets the message as a fragment for the
 * place it asked to fill ({@code X-OTA-Fragment}), or a redirect htmx follows ({@code HX-Redirect}).
 */
public class PageErrors {

    private static final Logger LOG = Logger.getLogger(PageErrors.class);

    private final Template error;
    private final Template problem;
    private final org.otaplatform.console.auth.Operator operator;

    PageErrors(
            @Location("error.html") Template error,
            @Location("parts/problem.html") Template problem,
            org.otaplatform.console.auth.Operator operator) {
        this.error = error;
        this.problem = problem;
        this.operator = operator;
    }

    @ServerExceptionMapper
    public Response page(PageProblem e, UriInfo uri, HttpHeaders headers) {
        return switch (e.status()) {
            case 401 -> signIn(uri, headers, "expired");
            case 403 ->
                show(
                        403,
                        "Not allowed",
                        "Your roles do not allow this: " + e.getMessage()
                                + ". Ask an administrator for a role that does (docs/security.md lists them).",
                        headers);
            case 404 -> show(404, "Not found", e.getMessage(), headers);
            case 503 -> show(503, "A service is unavailable", e.getMessage(), headers);
            default -> show(e.status() >= 400 ? e.status() : 502, "Something went wrong", e.getMessage(), headers);
        };
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e, UriInfo uri, HttpHeaders headers) {
        return signIn(uri, headers, "required");
    }

    @ServerExceptionMapper
    public Response failed(AuthenticationFailedException e, UriInfo uri, HttpHeaders headers) {
        LOG.debugf("console session refused: %s", e.getMessage());
        Response r = signIn(uri, headers, "expired");
        return Response.fromResponse(r).cookie(SessionCookie.cleared(false)).build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, HttpHeaders headers) {
        return show(
                403,
                "Not allowed",
                "Your roles do not allow this page. Ask an administrator for a role that does"
                        + " (docs/security.md lists them).",
                headers);
    }

    private Response signIn(UriInfo uri, HttpHeaders headers, String reason) {
        String back = uri.getRequestUri().getRawPath()
                + (uri.getRequestUri().getRawQuery() == null
                        ? ""
                        : "?" + uri.getRequestUri().getRawQuery());
        if (headers.getHeaderString("HX-Request") != null) {
            back = headers.getHeaderString("HX-Current-URL") == null
                    ? "/"
                    : pathOf(headers.getHeaderString("HX-Current-URL"));
        }
        URI target = URI.create("/login?reason=" + reason + "&next=" + Backend.encode(SessionResource.safeNext(back)));
        if (headers.getHeaderString("HX-Request") != null) {
            return Response.status(401).header("HX-Redirect", target.toString()).build();
        }
        return Response.seeOther(target).build();
    }

    private static String pathOf(String url) {
        try {
            URI u = URI.create(url);
            return u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        } catch (IllegalArgumentException e) {
            return "/";
        }
    }

    private Response show(int status, String title, String message, HttpHeaders headers) {
        if (headers.getHeaderString("HX-Request") != null) {
            return Response.status(status)
                    .type(MediaType.TEXT_HTML_TYPE)
                    .header("X-OTA-Fragment", "problem")
                    .entity(problem.data("message", title + ": " + message)
                            .data("id", null)
                            .render())
                    .build();
        }
        return Response.status(status)
                .type(MediaType.TEXT_HTML_TYPE)
                .entity(error.data("title", title)
                        .data("message", message)
                        .data("me", operator.signedIn() ? operator : null)
                        .render())
                .build();
    }
}
