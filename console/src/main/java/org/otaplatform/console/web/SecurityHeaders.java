package org.otaplatform.console.web;

import io.quarkus.vertx.http.runtime.filters.Filters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.otaplatform.console.config.ConsoleConfig;

/**
 * The headers every answer of the console carries (issue #35): a Content-Security-Policy that runs only the
 * console's own scripts (none inline; style attributes draw the bars), may not be framed (clickjacking), and
 * sends forms only to itself; no content sniffing; no referrer to other sites (page addresses name plans and
 * devices; same-origin, not no-referrer, which makes a browser send "Origin: null" with the console's own forms,
 * and SameOrigin refuses those); HSTS when the public address is HTTPS.
 */
@ApplicationScoped
public class SecurityHeaders {

    public static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
            + " img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self';"
            + " frame-ancestors 'none'";

    void register(@Observes Filters filters, ConsoleConfig config) {
        boolean https = config.https();
        filters.register(
                ctx -> {
                    var headers = ctx.response().headers();
                    headers.set("Content-Security-Policy", CSP);
                    headers.set("X-Content-Type-Options", "nosniff");
                    headers.set("X-Frame-Options", "DENY");
                    headers.set("Referrer-Policy", "same-origin");
                    if (https) {
                        headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
                    }
                    ctx.next();
                },
                900);
    }
}
