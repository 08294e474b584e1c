package org.otaplatform.console.web;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.util.Set;

/**
 * A form of the console that changes something is accepted only from the console's own pages: besides the
 * SameSite=Strict session cookie, a browser's {@code Origin} on a POST must be this console's address. The
 * API routes have their own rule (ApiRoutes).
 */
@ApplicationScoped
public class SameOrigin {

    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    void routes(@Observes Router router) {
        router.route().order(-200).handler(ctx -> {
            var request = ctx.request();
            String origin = request.getHeader("Origin");
            if (SAFE.contains(request.method())
                    || origin == null
                    // the path the router matches, not the raw one: /api/../plans/x/suspend is a page's form
                    || ctx.normalizedPath().startsWith("/api/")
                    || sameHost(origin, request.getHeader("X-Forwarded-Host"), request.getHeader("Host"))) {
                ctx.next();
                return;
            }
            ctx.response()
                    .setStatusCode(403)
                    .putHeader("Content-Type", "text/plain")
                    .end("A change to the console must come from the console's own pages.");
        });
    }

    static boolean sameHost(String origin, String forwardedHost, String host) {
        try {
            String authority = URI.create(origin).getRawAuthority();
            String expected = forwardedHost != null ? forwardedHost.split(",")[0].strip() : host;
            return authority != null && authority.equalsIgnoreCase(expected);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
