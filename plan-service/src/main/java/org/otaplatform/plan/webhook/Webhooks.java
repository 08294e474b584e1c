package org.otaplatform.plan.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jboss.logging.Logger;
import org.otaplatform.common.audit.AuditLog;
import org.otaplatform.common.error.ApiException;
import org.otaplatform.common.error.ErrorCode;
import org.otaplatform.common.error.FieldError;
import org.otaplatform.common.paging.Page;
import org.otaplatform.common.paging.PageRequest;
import org.otaplatform.common.reactive.RepeatedWarning;
import org.otaplatform.plan.config.PlanConfig;

/**
 * Webhooks: subscriptions of other systems to plan, wave and firmware events, and their deliveries.
 * {@link #emit} turns an event into one PENDING delivery per matching subscription in the caller's
 * transaction (the change and its deliveries commit together); the dispatcher claims due deliveries (FOR
 * UPDATE SKIP LOCKED, with a lease, so replicas share them and a replica that dies mid-send only delays
 * one) and POSTs each with its signature, retrying with exponential backoff until {@code giveUpAfter}.
 * Delivery is at least once: receivers drop repeats by {@code X-OTA-Delivery}.
 */
@ApplicationScoped
public class Webhooks {

    private static final Logger LOG = Logger.getLogger(Webhooks.class);
    private final RepeatedWarning passFailed = new RepeatedWarning(LOG, "the webhook pass");

    /** The event types a subscription may name. */
    public static final Set<String> EVENT_TYPES = Set.of(
            "plan.activated",
            "plan.suspended",
            "plan.resumed",
            "plan.finished",
            "plan.terminated",
            "plan.failure_threshold_tripped",
            "wave.promoted",
            "wave.awaiting_approval",
            "wave.halted",
            "firmware.verified",
            "firmware.verification_failed");

    /** Deliveries one pass claims. */
    private static final int CLAIM = 20;
    /** How long a claimed delivery is another replica's: longer than one attempt may take. */
    private static final Duration LEASE = Duration.ofSeconds(60);

    public record Subscription(
            UUID id, String url, List<String> eventTypes, String description, String createdBy, Instant createdAt) {

        /**
         * As the audit log keeps it, which viewers read: the URL's scheme, host and port only, since its path and
         * query often carry the receiver's own token (issue #35); the whole URL is for admins, from the API.
         */
        public java.util.Map<String, Object> audited() {
            java.util.Map<String, Object> state = new java.util.LinkedHashMap<>();
            state.put("id", id);
            state.put("url", origin(url));
            state.put("eventTypes", eventTypes);
            state.put("description", description);
            state.put("createdBy", createdBy);
            return state;
        }

        static String origin(String url) {
            try {
                java.net.URI u = java.net.URI.create(url);
                String rest = (u.getRawPath() == null
                                        || u.getRawPath().isEmpty()
                                        || u.getRawPath().equals("/"))
                                && u.getRawQuery() == null
                        ? ""
                        : "/…";
                return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort()) + rest;
            } catch (IllegalArgumentException e) {
                return "(not a URL)";
            }
        }
    }

    public record Attempt(Instant at, Integer status, String error, int millis) {}

    public record Delivery(
            UUID id,
            UUID subscriptionId,
            UUID eventId,
            String eventType,
            String state,
            int attempts,
            Instant createdAt,
            Instant nextAttemptAt,
            Instant deliveredAt,
            Integer lastStatus,
            String lastError,
            Object payload,
            List<Attempt> attemptLog) {}

    private final Pool pool;
    private final ObjectMapper json;
    private final PlanConfig.Webhooks config;
    private final TargetGuard guard;
    private final io.vertx.mutiny.core.http.HttpClient http;

    private final AuditLog audit;

    Webhooks(Pool pool, ObjectMapper json, PlanConfig config, AuditLog audit, io.vertx.mutiny.core.Vertx vertx) {
        this.audit = audit;
        this.pool = pool;
        this.json = json;
        this.config = config.webhooks();
        this.guard = new TargetGuard(this.config.allowedTargets());
        // TLS checks the certificate against the URL's host name, whatever address the request goes to
        this.http = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions()
                .setConnectTimeout((int) this.config.timeout().toMillis())
                .setVerifyHost(true)
                .setKeepAlive(false));
    }

    /** An event for every subscription to its type, in the caller's Panache transaction. */
    public Uni<Void> emit(String type, Map<String, Object> data) {
        UUID eventId = UUID.randomUUID();
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", eventId);
        event.put("type", type);
        event.put("occurredAt", Instant.now());
        event.put("data", data);
        String payload;
        try {
            payload = json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("INSERT INTO webhook_delivery (id, subscription_id, event_id,"
                                + " event_type, payload, state, next_attempt_at)"
                                + " SELECT gen_random_uuid(), s.id, ?1, ?2, ?3, 'PENDING', now()"
                                + " FROM webhook_subscription s"
                                + " WHERE cardinality(s.event_types) = 0 OR CAST(?2 AS text) = ANY(s.event_types)")
                        .setParameter(1, eventId)
                        .setParameter(2, type)
                        .setParameter(3, payload)
                        .executeUpdate())
                .replaceWithVoid();
    }

    // --- subscriptions ---------------------------------------------------------------------------------

    /** The subscription request: {@code url}, {@code secret}, {@code eventTypes} (none: all). */
    public record SubscriptionRequest(String url, String secret, List<String> eventTypes, String description) {}

    /** Checks and stores a subscription (the guard resolves its host: off the event loop). */
    public Uni<Subscription> subscribe(SubscriptionRequest r, AuditLog.Caller caller) {
        String createdBy = caller.actor();
        return Uni.createFrom()
                .item(() -> check(r))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .flatMap(errors -> {
                    if (!errors.isEmpty()) {
                        return Uni.createFrom().failure(ApiException.invalid(errors));
                    }
                    UUID id = UUID.randomUUID();
                    List<String> types = r.eventTypes() == null
                            ? List.of()
                            : r.eventTypes().stream().distinct().sorted().toList();
                    return pool.withTransaction(c -> c.preparedQuery("INSERT INTO webhook_subscription (id, url,"
                                    + " secret, event_types, description, created_by)"
                                    + " VALUES ($1, $2, $3, $4, $5, $6) RETURNING created_at")
                            .execute(Tuple.tuple()
                                    .addUUID(id)
                                    .addString(r.url())
                                    .addString(r.secret())
                                    .addArrayOfString(types.toArray(new String[0]))
                                    .addString(r.description())
                                    .addString(createdBy))
                            .map(rows -> new Subscription(
                                    id,
                                    r.url(),
                                    types,
                                    r.description(),
                                    createdBy,
                                    rows.iterator().next().getOffsetDateTime(0).toInstant()))
                            // the secret is never on record
                            .call(created -> audit.record(
                                    c, caller, "webhook.create", "webhook/" + id, null, created.audited())));
                });
    }

    private List<FieldError> check(SubscriptionRequest r) {
        List<FieldError> errors = new ArrayList<>();
        if (r == null) {
            errors.add(new FieldError("body", "is required: {url, secret, eventTypes}"));
            return errors;
        }
        if (r.url() == null || r.url().isBlank() || r.url().length() > 2000) {
            errors.add(new FieldError("url", "is required: an http or https URL of at most 2000 characters"));
        } else {
            guard.refusal(r.url()).ifPresent(why -> errors.add(new FieldError("url", why)));
        }
        if (r.secret() == null || r.secret().length() < 16 || r.secret().length() > 200) {
            errors.add(new FieldError("secret", "is required: 16–200 characters, shared with the receiver"));
        }
        List<String> types = r.eventTypes() == null ? List.of() : r.eventTypes();
        for (int i = 0; i < types.size(); i++) {
            if (!EVENT_TYPES.contains(types.get(i))) {
                errors.add(new FieldError(
                        "eventTypes[" + i + "]", "must be one of " + new java.util.TreeSet<>(EVENT_TYPES)));
            }
        }
        if (r.description() != null && r.description().length() > 200) {
            errors.add(new FieldError("description", "must be at most 200 characters"));
        }
        return errors;
    }

    public Uni<List<Subscription>> subscriptions() {
        return pool.query("SELECT id, url, event_types, description, created_by, created_at FROM webhook_subscription"
                        + " ORDER BY created_at")
                .execute()
                .map(rows -> {
                    List<Subscription> list = new ArrayList<>();
                    rows.forEach(r -> list.add(subscription(r)));
                    return list;
                });
    }

    public Uni<Subscription> subscription(UUID id) {
        return pool.preparedQuery("SELECT id, url, event_types, description, created_by, created_at"
                        + " FROM webhook_subscription WHERE id = $1")
                .execute(Tuple.of(id))
                .map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw ApiException.notFound("webhook", id);
                    }
                    return subscription(rows.iterator().next());
                });
    }

    /** Deletes a subscription and its deliveries. */
    public Uni<Subscription> unsubscribe(UUID id, AuditLog.Caller caller) {
        return subscription(id)
                .call(s -> pool.withTransaction(c -> c.preparedQuery("DELETE FROM webhook_subscription WHERE id = $1")
                        .execute(Tuple.of(id))
                        .flatMap(v -> audit.record(c, caller, "webhook.delete", "webhook/" + id, s.audited(), null))));
    }

    private static Subscription subscription(Row r) {
        return new Subscription(
                r.getUUID(0),
                r.getString(1),
                List.of(r.getArrayOfStrings(2)),
                r.getString(3),
                r.getString(4),
                r.getOffsetDateTime(5).toInstant());
    }

    // --- deliveries ------------------------------------------------------------------------------------

    /** A subscription's deliveries, newest first, each with its attempts; {@code state} optional. */
    public Uni<Page<Delivery>> deliveries(UUID subscriptionId, String state, PageRequest page) {
        return subscription(subscriptionId).flatMap(s -> {
            String where = " WHERE d.subscription_id = $1 AND (CAST($2 AS text) = '' OR d.state = CAST($2 AS text))";
            Tuple filter = Tuple.of(subscriptionId, state == null ? "" : state);
            Uni<Long> total = pool.preparedQuery("SELECT count(*) FROM webhook_delivery d" + where)
                    .execute(filter)
                    .map(rows -> rows.iterator().next().getLong(0));
            Uni<List<Delivery>> items = pool.preparedQuery("SELECT d.id, d.subscription_id, d.event_id, d.event_type,"
                            + " d.state, d.attempts, d.created_at, d.next_attempt_at, d.delivered_at, d.last_status,"
                            + " d.last_error, d.payload, (SELECT coalesce(json_agg(json_build_object('at', a.at,"
                            + "   'status', a.status, 'error', a.error, 'millis', a.millis) ORDER BY a.id), '[]')"
                            + "   FROM webhook_attempt a WHERE a.delivery_id = d.id)::text"
                            + " FROM webhook_delivery d"
                            + where
                            + " ORDER BY d.created_at DESC, d.id LIMIT $3 OFFSET $4")
                    .execute(Tuple.of(
                            subscriptionId, state == null ? "" : state, page.size(), (long) page.page() * page.size()))
                    .map(rows -> {
                        List<Delivery> list = new ArrayList<>();
                        rows.forEach(r -> list.add(delivery(r)));
                        return list;
                    });
            return Uni.combine()
                    .all()
                    .unis(items, total)
                    .asTuple()
                    .map(both -> new Page<>(both.getItem1(), page.page(), page.size(), both.getItem2()));
        });
    }

    /** Sends a delivery again, whatever its state: PENDING, due now, its backoff and 24 hours anew. */
    public Uni<Delivery> redeliver(UUID subscriptionId, UUID deliveryId, AuditLog.Caller caller) {
        return pool.withTransaction(c -> c.preparedQuery("UPDATE webhook_delivery SET state = 'PENDING',"
                                + " next_attempt_at = now(), created_at = now() WHERE id = $1 AND subscription_id = $2"
                                + " RETURNING id")
                        .execute(Tuple.of(deliveryId, subscriptionId))
                        .call(rows -> rows.iterator().hasNext()
                                ? audit.record(
                                        c,
                                        caller,
                                        "webhook.redeliver",
                                        "webhook/" + subscriptionId + "/delivery/" + deliveryId,
                                        null,
                                        Map.of("state", "PENDING"))
                                : Uni.createFrom().voidItem()))
                .flatMap(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return Uni.createFrom().failure(ApiException.notFound("delivery", deliveryId));
                    }
                    return deliveries(subscriptionId, null, new PageRequest(0, PageRequest.MAX_SIZE))
                            .map(page -> page.items().stream()
                                    .filter(d -> d.id().equals(deliveryId))
                                    .findFirst()
                                    .orElseThrow(() -> new ApiException(
                                            ErrorCode.NOT_FOUND, "delivery " + deliveryId + " does not exist")));
                });
    }

    private Delivery delivery(Row r) {
        try {
            List<Attempt> attempts = new ArrayList<>();
            for (var a : json.readTree(r.getString(12))) {
                attempts.add(new Attempt(
                        java.time.OffsetDateTime.parse(a.get("at").asText()).toInstant(),
                        a.get("status").isNull() ? null : a.get("status").asInt(),
                        a.get("error").isNull() ? null : a.get("error").asText(),
                        a.get("millis").asInt()));
            }
            return new Delivery(
                    r.getUUID(0),
                    r.getUUID(1),
                    r.getUUID(2),
                    r.getString(3),
                    r.getString(4),
                    r.getInteger(5),
                    r.getOffsetDateTime(6).toInstant(),
                    r.getOffsetDateTime(7) == null
                            ? null
                            : r.getOffsetDateTime(7).toInstant(),
                    r.getOffsetDateTime(8) == null
                            ? null
                            : r.getOffsetDateTime(8).toInstant(),
                    r.getInteger(9),
                    r.getString(10),
                    json.readTree(r.getString(11)),
                    attempts);
        } catch (JsonProcessingException | java.time.format.DateTimeParseException e) {
            throw new IllegalStateException("a stored webhook delivery cannot be read", e);
        }
    }

    // --- the dispatcher --------------------------------------------------------------------------------

    private record Due(
            UUID id,
            UUID eventId,
            String type,
            String payload,
            int attempt,
            Instant createdAt,
            String url,
            String secret) {}

    @Scheduled(every = "${ota.plan.webhooks.interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> pass() {
        return claim().flatMap(due -> due.isEmpty()
                        ? Uni.createFrom().voidItem()
                        : Uni.join()
                                .all(due.stream().map(this::send).toList())
                                .andCollectFailures()
                                .replaceWithVoid())
                .onFailure()
                .invoke(passFailed::failed)
                .onFailure()
                .recoverWithNull();
    }

    /** Due deliveries, leased: another replica's pass skips them until the lease ends. */
    private Uni<List<Due>> claim() {
        return pool.withTransaction(c -> c.preparedQuery("UPDATE webhook_delivery d SET attempts = d.attempts + 1,"
                                + " next_attempt_at = now() + make_interval(secs => $1)"
                                + " FROM (SELECT id FROM webhook_delivery WHERE state = 'PENDING' AND next_attempt_at <= now()"
                                + "   ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED) due,"
                                + " webhook_subscription s"
                                + " WHERE d.id = due.id AND s.id = d.subscription_id"
                                + " RETURNING d.id, d.event_id, d.event_type, d.payload, d.attempts, d.created_at,"
                                + " s.url, s.secret")
                        .execute(Tuple.of((double) LEASE.toSeconds(), CLAIM)))
                .map(rows -> {
                    List<Due> due = new ArrayList<>();
                    rows.forEach(r -> due.add(new Due(
                            r.getUUID(0),
                            r.getUUID(1),
                            r.getString(2),
                            r.getString(3),
                            r.getInteger(4),
                            r.getOffsetDateTime(5).toInstant(),
                            r.getString(6),
                            r.getString(7))));
                    return due;
                });
    }

    /** One attempt: the guard, the signed POST, then its record and the delivery's next state. */
    private Uni<Void> send(Due d) {
        long started = System.nanoTime();
        return Uni.createFrom()
                .item(() -> guard.check(d.url()))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .flatMap(target -> target.refusal() != null
                        ? Uni.createFrom().item(new Outcome(null, "refused target: the URL " + target.refusal()))
                        : post(d, target.address()))
                .onFailure()
                .recoverWithItem(e -> new Outcome(null, String.valueOf(e.getMessage())))
                .flatMap(outcome -> recorded(d, outcome, (int) ((System.nanoTime() - started) / 1_000_000)));
    }

    private record Outcome(Integer status, String error) {
        boolean delivered() {
            return status != null && status >= 200 && status < 300;
        }
    }

    /**
     * The signed POST to {@code address}, the one the guard checked: the URL's host goes in {@code Host} and TLS's
     * server name, and is not resolved again (a name that now resolves elsewhere reaches nothing new). Never
     * follows a redirect: it could lead past the guard.
     */
    private Uni<Outcome> post(Due d, java.net.InetAddress address) {
        long timestamp = Instant.now().getEpochSecond();
        URI uri = URI.create(d.url());
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        io.vertx.core.http.RequestOptions options = new io.vertx.core.http.RequestOptions()
                .setMethod(io.vertx.core.http.HttpMethod.POST)
                .setAbsoluteURI(d.url())
                .setServer(io.vertx.core.net.SocketAddress.inetSocketAddress(
                        new java.net.InetSocketAddress(address, port)))
                .setFollowRedirects(false)
                .setTimeout(config.timeout().toMillis())
                .putHeader("Content-Type", "application/json")
                .putHeader("User-Agent", "ota-platform-webhooks/1")
                .putHeader("X-OTA-Event", d.type())
                .putHeader("X-OTA-Event-Id", d.eventId().toString())
                .putHeader("X-OTA-Delivery", d.id().toString())
                .putHeader("X-OTA-Timestamp", Long.toString(timestamp))
                .putHeader("X-OTA-Signature", "sha256=" + signature(d.secret(), timestamp, d.payload()));
        return http.request(options)
                .flatMap(request -> request.send(
                        io.vertx.mutiny.core.buffer.Buffer.buffer(d.payload().getBytes(StandardCharsets.UTF_8))))
                .map(response -> new Outcome(
                        response.statusCode(),
                        response.statusCode() >= 200 && response.statusCode() < 300
                                ? null
                                : "the receiver answered " + response.statusCode()));
    }

    /**
     * {@code hex(HMAC-SHA256(secret, timestamp + "." + body))}: the receiver recomputes it over the raw body
     * and the {@code X-OTA-Timestamp} header, and refuses old timestamps (replays).
     */
    public static String signature(String secret, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private Uni<Void> recorded(Due d, Outcome outcome, int millis) {
        Instant now = Instant.now();
        boolean expired = now.isAfter(d.createdAt().plus(config.giveUpAfter()));
        String state = outcome.delivered() ? "DELIVERED" : expired ? "FAILED" : "PENDING";
        Duration delay = backoff(d.attempt());
        String error = outcome.error() == null
                ? null
                : outcome.error().substring(0, Math.min(outcome.error().length(), 1000));
        return pool.withTransaction(c -> c.preparedQuery(
                                "INSERT INTO webhook_attempt (delivery_id, status, error, millis) VALUES ($1, $2, $3, $4)")
                        .execute(Tuple.of(d.id(), outcome.status(), error, millis))
                        .flatMap(v -> c.preparedQuery("UPDATE webhook_delivery SET state = CAST($2 AS text),"
                                        + " last_status = $3, last_error = $4,"
                                        + " delivered_at = CASE WHEN CAST($2 AS text) = 'DELIVERED' THEN now() END,"
                                        + " next_attempt_at = now() + make_interval(secs => $5) WHERE id = $1")
                                .execute(Tuple.of(
                                        d.id(), state, outcome.status(), error, (double) delay.toMillis() / 1000))))
                .invoke(v -> {
                    if (!outcome.delivered()) {
                        LOG.debugf("webhook delivery %s attempt %d: %s", d.id(), d.attempt(), outcome.error());
                    }
                })
                .replaceWithVoid();
    }

    /** The wait after attempt {@code n}: the base, doubled for each attempt before it, at most the maximum. */
    Duration backoff(int attempt) {
        long millis = config.retryBase().toMillis() << Math.min(attempt - 1, 30);
        return Duration.ofMillis(Math.min(millis, config.maxDelay().toMillis()));
    }
}
