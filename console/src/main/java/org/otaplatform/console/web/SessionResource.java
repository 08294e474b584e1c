package org.otaplatform.console.web;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;
import org.otaplatform.console.auth.SessionCookie;

/**
 * Signing in and out. A development link ({@code /login#token=...}, printed by {@code ./ota up}) or a pasted
 * platform token is verified here as the services verify it, then kept in the session cookie; with an OIDC
 * provider, {@code /login/oidc} runs the code flow and keeps the provider's access token the same way.
 */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class SessionResource {

    private static final Logger LOG = Logger.getLogger(SessionResource.class);

    private final Template login;
    private final JWTParser parser;
    private final SecurityIdentity identity;
    private final boolean oidc;
    private final boolean https;

    SessionResource(
            @Location("login.html") Template login,
            JWTParser parser,
            SecurityIdentity identity,
            @ConfigProperty(name = "quarkus.oidc.tenant-enabled", defaultValue = "false") boolean oidc,
            org.otaplatform.console.config.ConsoleConfig config) {
        this.https = config.https();
        this.login = login;
        this.parser = parser;
        this.identity = identity;
        this.oidc = oidc;
    }

    @GET
    @Path("login")
    public TemplateInstance page(@QueryParam("next") String next, @QueryParam("reason") String reason) {
        String message = switch (reason == null ? "" : reason) {
            case "expired" -> "Your session has ended or its token is no longer valid: sign in again.";
            case "signed-out" -> "You are signed out.";
            case "required" -> "Sign in to see this page.";
            case "no-oidc" -> "Sign-in with an identity provider is not set up here: use a platform token.";
            default -> null;
        };
        return form(safeNext(next), message, "signed-out".equals(reason) ? "info" : "error");
    }

    @POST
    @Path("login")
    @Blocking
    @jakarta.ws.rs.Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response signIn(
            @FormParam("token") String token, @FormParam("next") String next, @Context HttpServerRequest request) {
        String candidate = token == null ? "" : token.strip();
        if (candidate.regionMatches(true, 0, "Bearer ", 0, 7)) {
            candidate = candidate.substring(7).strip();
        }
        if (candidate.isEmpty()) {
            return Response.status(422)
                    .entity(form(safeNext(next), "Paste a bearer token.", "error"))
                    .build();
        }
        JsonWebToken jwt;
        try {
            jwt = parser.parse(candidate);
        } catch (ParseException e) {
            LOG.debugf("console sign-in refused: %s", e.getMessage());
            return Response.status(401)
                    .entity(form(
                            safeNext(next),
                            "That token is not valid here: it is expired, malformed or not signed by this platform.",
                            "error"))
                    .build();
        }
        return signedIn(candidate, Instant.ofEpochSecond(jwt.getExpirationTime()), safeNext(next), request);
    }

    /** The OIDC code flow ends here: the provider's access token becomes the console session. */
    @GET
    @Path("login/oidc")
    @Blocking
    public Response oidcLanding(@Context HttpServerRequest request) {
        if (!oidc) {
            return Response.seeOther(URI.create("/login?reason=no-oidc")).build();
        }
        // the path's permission (application.properties) ran the code flow before this method
        AccessTokenCredential access = identity.getCredential(AccessTokenCredential.class);
        if (access == null) {
            return Response.seeOther(URI.create("/login?reason=required")).build();
        }
        Instant expires = Instant.now().plusSeconds(3600);
        try {
            expires = Instant.ofEpochSecond(parser.parse(access.getToken()).getExpirationTime());
        } catch (ParseException e) {
            LOG.warnf("the identity provider's access token is not one the platform verifies: %s", e.getMessage());
            return Response.status(403)
                    .entity(form(
                            "/",
                            "Your identity provider signed you in, but its access token is not one the platform"
                                    + " accepts (issuer or key): see docs/operations.md, \"Console sign-in\".",
                            "error"))
                    .build();
        }
        return signedIn(access.getToken(), expires, "/", request);
    }

    @POST
    @Path("logout")
    public Response signOut(@Context HttpServerRequest request) {
        return Response.seeOther(URI.create("/login?reason=signed-out"))
                .cookie(SessionCookie.cleared(secure(request)))
                .build();
    }

    private Response signedIn(String token, Instant expires, String next, HttpServerRequest request) {
        return Response.seeOther(URI.create(next))
                .cookie(SessionCookie.of(token, expires, secure(request)))
                .build();
    }

    private TemplateInstance form(String next, String message, String kind) {
        return login.data("next", next)
                // who is signed in here now, so that a sign-in link for someone else asks first
                .data(
                        "current",
                        identity.isAnonymous() ? "" : identity.getPrincipal().getName())
                .data("message", message)
                .data("messageKind", kind)
                .data("oidc", oidc);
    }

    /** Only a path of this console: never another site (an open redirect). */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) {
            return "/";
        }
        return next;
    }

    /** {@code Secure} whenever the configured public address is HTTPS (or this connection is TLS itself). */
    private boolean secure(HttpServerRequest request) {
        return https || request.isSSL();
    }
}
