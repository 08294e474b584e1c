package org.otaplatform.console.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.StringJoiner;
import org.jboss.logging.Logger;
import org.otaplatform.console.config.ConsoleConfig;

/**
 * Calls the services' REST APIs with the signed-in person's bearer token, as a client of those APIs like
 * any other: the services decide what the token may do. Every answer, refusals included, comes back as a
 * {@link Reply}; a service that cannot be reached answers 503.
 */
@ApplicationScoped
public class Backend {

    private static final Logger LOG = Logger.getLogger(Backend.class);

    private final WebClient client;
    private final ObjectMapper json;
    private final ConsoleConfig config;

    Backend(Vertx vertx, ObjectMapper json, ConsoleConfig config) {
        this.client = WebClient.create(vertx);
        this.json = json;
        this.config = config;
    }

    public String baseUrl(Service service) {
        return switch (service) {
            case FIRMWARE -> config.firmwareUrl();
            case PLAN -> config.planUrl();
            case DEVICE_GATEWAY -> config.deviceGatewayUrl();
        };
    }

    public Uni<Reply> get(String token, Service service, String path, Map<String, String> query) {
        return send(token, HttpMethod.GET, service, path, query, null);
    }

    public Uni<Reply> get(String token, Service service, String path) {
        return get(token, service, path, Map.of());
    }

    /** A POST, PUT, PATCH or DELETE with a JSON body (null: none). */
    public Uni<Reply> send(String token, HttpMethod method, Service service, String path, Object body) {
        return send(token, method, service, path, Map.of(), body);
    }

    private Uni<Reply> send(
            String token, HttpMethod method, Service service, String path, Map<String, String> query, Object body) {
        String url = baseUrl(service) + path + queryString(query);
        HttpRequest<Buffer> request = client.requestAbs(method, url)
                .timeout(config.callTimeout().toMillis())
                .putHeader("Accept", "application/json");
        if (token != null) {
            request.putHeader("Authorization", "Bearer " + token);
        }
        String person = personsAddress();
        if (person != null) {
            request.putHeader("X-Forwarded-For", person);
        }
        Uni<io.vertx.mutiny.ext.web.client.HttpResponse<Buffer>> sent;
        if (body == null) {
            sent = request.send();
        } else {
            request.putHeader("Content-Type", "application/json");
            sent = request.sendBuffer(Buffer.buffer(write(body)));
        }
        return sent.map(response -> new Reply(response.statusCode(), read(response.body())))
                .onFailure()
                .recoverWithItem(e -> {
                    LOG.warnf("%s %s failed: %s", method, url, e.getMessage());
                    return Reply.unreachable(service.name().toLowerCase().replace('_', '-')
                            + " cannot be reached just now; try again in a moment");
                });
    }

    /** The address of the person whose page asks (as the console's proxy settings judge it), if a page asks. */
    private String personsAddress() {
        try {
            var current = io.quarkus.arc.Arc.container()
                    .instance(io.quarkus.vertx.http.runtime.CurrentVertxRequest.class)
                    .get();
            var ctx = current == null ? null : current.getCurrent();
            return ctx == null || ctx.request().remoteAddress() == null
                    ? null
                    : ctx.request().remoteAddress().hostAddress();
        } catch (RuntimeException e) {
            return null; // no request of a person here (a background read)
        }
    }

    private JsonNode read(Buffer body) {
        if (body == null || body.length() == 0) {
            return NullNode.getInstance();
        }
        try {
            return json.readTree(body.getBytes());
        } catch (java.io.IOException e) {
            return NullNode.getInstance();
        }
    }

    private byte[] write(Object body) {
        try {
            return json.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write a request body", e);
        }
    }

    /** {@code /a/b} with each segment percent-encoded, for ids that come from people or devices. */
    public static String path(String... segments) {
        StringBuilder path = new StringBuilder();
        for (String segment : segments) {
            path.append('/').append(encode(segment));
        }
        return path.toString();
    }

    private static String queryString(Map<String, String> query) {
        StringJoiner joined = new StringJoiner("&", "?", "").setEmptyValue("");
        query.forEach((k, v) -> {
            if (v != null && !v.isEmpty()) {
                joined.add(encode(k) + "=" + encode(v));
            }
        });
        return joined.toString();
    }

    /** RFC 3986 percent-encoding of everything but the unreserved characters. */
    public static String encode(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%')
                        .append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
