package org.otaplatform.console.backend;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.util.Set;
import java.util.regex.Pattern;
import org.otaplatform.console.auth.SessionCookie;

/**
 * The platform's one origin: {@code /api/...} and {@code /download/...} go to the service that serves them,
 * streamed both ways (a 512 MiB upload is never held), so a browser on the console's address reaches every
 * API without a CORS exception. A request without an {@code Authorization} header is sent with the token of
 * the console session (the {@code ota_session} cookie); the cookie itself never leaves. A request that
 * changes something on the strength of that cookie must also carry {@code X-OTA-Console} (the console's own
 * pages send it): a page elsewhere cannot make the browser send that header, so it cannot act for the
 * signed-in person (the cookie is SameSite=Strict as well).
 *
 * <p>Every public endpoint of every service is reachable here (issue #35): at its own path, and at {@code
 * /api/<service>/...} ({@code /api/plan-service/v1/audit}) for the paths every service has (audit log, dead
 * letters), each answer naming its service ({@code X-OTA-Service}). The person's address goes along in {@code
 * X-Forwarded-For}, replacing any the request carried.
 */
@ApplicationScoped
public class ApiRoutes {

    /** The header the console's pages send with every change they make through the API. */
    public static final String CONSOLE_HEADER = "X-OTA-Console";

    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
    /** plan-service's resources under a device's path: its manual-upgrade offers and its history. */
    private static final Pattern PLAN_DEVICE_PATH =
            Pattern.compile("^/api/v1/devices/[^/]+/[^/]+/(upgrade|history)(/.*)?$");
    /** {@code /api/<service name>/rest}: that service's {@code /api/rest}. */
    private static final Pattern NAMED_SERVICE =
            Pattern.compile("^/api/(firmware-service|plan-service|device-gateway-service)(/.*)$");

    private final Backend backend;

    ApiRoutes(Backend backend) {
        this.backend = backend;
    }

    void routes(@Observes Router router, Vertx vertx) {
        HttpProxy proxy = HttpProxy.reverseProxy(vertx.createHttpClient(
                new HttpClientOptions().setMaxPoolSize(64).setIdleTimeout(60)));
        proxy.originSelector(request -> Future.succeededFuture(origin(request)));
        proxy.addInterceptor(new ProxyInterceptor() {
            @Override
            public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
                MultiMap headers = context.request().headers();
                headers.remove("Cookie");
                headers.remove(CONSOLE_HEADER);
                // the address the console believes (its own proxy settings judged any header it was sent)
                var client = context.request().proxiedRequest().remoteAddress();
                headers.remove("Forwarded");
                headers.remove("X-Forwarded-Host");
                headers.remove("X-Forwarded-Proto");
                if (client != null) {
                    headers.set("X-Forwarded-For", client.hostAddress());
                } else {
                    headers.remove("X-Forwarded-For");
                }
                var named = NAMED_SERVICE.matcher(context.request().getURI());
                if (named.matches()) {
                    context.request().setURI("/api" + named.group(2));
                }
                return context.sendRequest();
            }
        });
        router.route("/api/*").order(-100).handler(ctx -> forward(ctx.request(), proxy));
        router.route("/download/*").order(-100).handler(ctx -> forward(ctx.request(), proxy));
    }

    private static void forward(HttpServerRequest request, HttpProxy proxy) {
        if (request.getHeader("Authorization") == null) {
            Cookie session = request.getCookie(SessionCookie.NAME);
            if (session != null && !session.getValue().isBlank()) {
                if (!SAFE.contains(request.method()) && request.getHeader(CONSOLE_HEADER) == null) {
                    request.response()
                            .setStatusCode(HttpResponseStatus.FORBIDDEN.code())
                            .putHeader("Content-Type", "application/problem+json")
                            .end("{\"type\":\"urn:ota:problem:forbidden\",\"title\":\"Not allowed\",\"status\":403,"
                                    + "\"code\":\"FORBIDDEN\",\"detail\":\"a change made with the console's session"
                                    + " must come from the console's pages (header " + CONSOLE_HEADER + ")\"}");
                    return;
                }
                request.headers().set("Authorization", "Bearer " + session.getValue());
            }
        }
        proxy.handle(request);
    }

    /** Which service serves a path of the API. */
    Service serviceOf(String path) {
        var named = NAMED_SERVICE.matcher(path);
        if (named.matches()) {
            return switch (named.group(1)) {
                case "firmware-service" -> Service.FIRMWARE;
                case "plan-service" -> Service.PLAN;
                default -> Service.DEVICE_GATEWAY;
            };
        }
        if (path.startsWith("/api/v1/firmware")
                || path.startsWith("/api/v1/signing-keys")
                || path.startsWith("/download/")) {
            return Service.FIRMWARE;
        }
        if (path.startsWith("/api/v1/plans")
                || path.startsWith("/api/v1/groups")
                || path.startsWith("/api/v1/webhooks")
                || PLAN_DEVICE_PATH.matcher(path).matches()) {
            return Service.PLAN;
        }
        return Service.DEVICE_GATEWAY;
    }

    private SocketAddress origin(HttpServerRequest request) {
        URI base = URI.create(backend.baseUrl(serviceOf(request.path())));
        int port = base.getPort() > 0 ? base.getPort() : "https".equals(base.getScheme()) ? 443 : 80;
        return SocketAddress.inetSocketAddress(port, base.getHost());
    }
}
