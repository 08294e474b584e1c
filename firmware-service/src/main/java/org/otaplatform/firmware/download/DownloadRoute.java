package org.otaplatform.firmware.download;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.otaplatform.common.error.ErrorCode;
import org.otaplatform.common.error.Problem;
import org.otaplatform.common.rate.TokenBuckets;
import org.otaplatform.contract.DownloadLinks;
import org.otaplatform.firmware.config.FirmwareConfig;
import org.otaplatform.firmware.storage.DiskCache;

/**
 * {@code GET|HEAD /download/{id}?gw=&exp=&sig=}: the package for the gateway the link was minted for,
 * until it expires. Range, If-Range, ETag (the SHA-256) and If-None-Match are honoured; the bytes go
 * out with sendfile from the local disk cache, never through the heap and never blocking an event loop.
 * Requests are limited per link and per gateway (token buckets, per replica): above either, 429 with
 * {@code Retry-After}, before any work is done.
 */
@ApplicationScoped
public class DownloadRoute {

    private static final Logger LOG = Logger.getLogger(DownloadRoute.class);

    private final PackageLookup packages;
    private final DiskCache cache;
    private final DownloadLinks links;
    private final DownloadStats stats;
    private final TokenBuckets perLink;
    private final TokenBuckets perGateway;
    private final Clock clock = Clock.systemUTC();

    DownloadRoute(
            PackageLookup packages, DiskCache cache, DownloadLinks links, DownloadStats stats, FirmwareConfig config) {
        this.packages = packages;
        this.cache = cache;
        this.links = links;
        this.stats = stats;
        FirmwareConfig.RateLimit limit = config.download().rateLimit();
        this.perLink = new TokenBuckets(limit.perLink(), limit.perLinkBurst(), MAX_BUCKETS);
        this.perGateway = new TokenBuckets(limit.perGateway(), limit.perGatewayBurst(), MAX_BUCKETS);
    }

    private static final int MAX_BUCKETS = 100_000;

    void register(@Observes Router router) {
        router.get("/download/:id").handler(this::serve);
        router.head("/download/:id").handler(this::serve);
    }

    void serve(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String id = ctx.pathParam("id");
        String gatewayId = request.getParam("gw");
        if (!links.isValid(id, gatewayId, request.getParam("exp"), request.getParam("sig"), clock.millis() / 1000)) {
            problem(ctx.response(), ErrorCode.FORBIDDEN, "the download link is invalid, altered or expired");
            return;
        }
        long now = System.nanoTime();
        long gatewayWait = perGateway.waitFor(gatewayId, 1, now);
        // a link is one signature (over the package, the gateway and the expiry): its bucket's key
        long wait = gatewayWait > 0 ? gatewayWait : perLink.waitFor(request.getParam("sig"), 1, now);
        if (wait > 0) {
            ctx.response().putHeader("Retry-After", Long.toString(wait));
            problem(
                    ctx.response(),
                    ErrorCode.RATE_LIMITED,
                    "too many download requests for " + (gatewayWait > 0 ? "gateway " + gatewayId : "this link")
                            + "; try again in " + wait + " s");
            return;
        }
        UUID firmwareId;
        try {
            firmwareId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            problem(ctx.response(), ErrorCode.NOT_FOUND, "firmware " + id + " does not exist");
            return;
        }
        packages.find(firmwareId)
                .subscribe()
                .with(
                        found -> found.ifPresentOrElse(
                                p -> respond(ctx, p, gatewayId),
                                () -> problem(
                                        ctx.response(), ErrorCode.NOT_FOUND, "firmware " + id + " does not exist")),
                        failure -> fail(ctx, failure));
    }

    private void respond(RoutingContext ctx, PackageLookup.Package pkg, String gatewayId) {
        HttpServerRequest request = ctx.request();
        HttpServerResponse response = ctx.response();
        String etag = "\"" + pkg.sha256() + "\"";
        response.putHeader(HttpHeaders.ETAG, etag)
                .putHeader(HttpHeaders.ACCEPT_RANGES, "bytes")
                .putHeader(HttpHeaders.CACHE_CONTROL, "private, max-age=0");
        if (matches(request.getHeader(HttpHeaders.IF_NONE_MATCH), etag)) {
            response.setStatusCode(304).end();
            return;
        }
        String ifRange = request.getHeader("If-Range");
        ByteRange range = ifRange != null && !ifRange.trim().equals(etag)
                ? new ByteRange.Full()
                : ByteRange.of(request.getHeader("Range"), pkg.size());
        if (range instanceof ByteRange.Unsatisfiable) {
            response.putHeader("Content-Range", "bytes */" + pkg.size());
            problem(response, ErrorCode.RANGE_NOT_SATISFIABLE, "the package has " + pkg.size() + " bytes");
            return;
        }
        long first = range instanceof ByteRange.Partial p ? p.first() : 0;
        long length = range instanceof ByteRange.Partial p ? p.length() : pkg.size();
        response.putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream");
        if (range instanceof ByteRange.Partial p) {
            response.setStatusCode(206)
                    .putHeader("Content-Range", "bytes " + p.first() + "-" + p.last() + "/" + pkg.size());
        }
        if (request.method().name().equals("HEAD")) {
            response.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(length))
                    .end();
            return;
        }
        boolean reachesEnd = first + length == pkg.size();
        cache.lease(pkg.sha256(), pkg.size())
                .subscribe()
                .with(
                        lease -> {
                            response.sendFile(lease.path().toString(), first, length)
                                    .onComplete(result -> {
                                        lease.close();
                                        stats.record(
                                                pkg.id(),
                                                gatewayId,
                                                result.succeeded() ? length : response.bytesWritten(),
                                                result.succeeded() && reachesEnd);
                                    });
                        },
                        failure -> fail(ctx, failure));
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        return List.of(ifNoneMatch.split(",")).stream()
                .map(String::trim)
                .map(tag -> tag.startsWith("W/") ? tag.substring(2) : tag)
                .anyMatch(tag -> tag.equals("*") || tag.equals(etag));
    }

    private void fail(RoutingContext ctx, Throwable failure) {
        LOG.errorf(failure, "serving %s failed", ctx.request().path());
        if (!ctx.response().headWritten()) {
            ctx.response().headers().remove("Content-Range");
            problem(ctx.response(), ErrorCode.INTERNAL_ERROR, "the download failed; try again");
        } else {
            ctx.response().reset();
        }
    }

    static void problem(HttpServerResponse response, ErrorCode code, String detail) {
        byte[] body = Json.encode(Problem.of(code, detail, null, List.of())).getBytes(StandardCharsets.UTF_8);
        response.setStatusCode(code.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length))
                .end(io.vertx.core.buffer.Buffer.buffer(body));
    }
}
