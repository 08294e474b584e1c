package org.otaplatform.common.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.arc.Arc;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.otaplatform.common.paging.Page;
import org.otaplatform.common.paging.PageRequest;

/**
 * The service's audit log: every write, who made it (the token's subject; {@code system} for what the
 * service does by itself, {@code gateway:<id>} for what a gateway's message changed), from which address,
 * what (an action and the resource it changed) and the state before and after where there is one. Each
 * entry is appended in the transaction of its change ({@link #record} in a Panache transaction, {@link
 * #record(SqlConnection, Caller, String, String, Object, Object)} in a client transaction), one at a time
 * (an advisory lock held to the commit), as a link of a hash chain ({@code R__audit_log.sql}) that
 * {@link #verify} walks.
 */
@ApplicationScoped
public class AuditLog {

    /** Who acts and from where. */
    public record Caller(String actor, String address) {

        public static final Caller SYSTEM = new Caller("system", null);

        public static Caller gateway(String gatewayId) {
            return new Caller("gateway:" + gatewayId, null);
        }
    }

    /** An entry as {@code GET /api/v1/audit} shows it. */
    public record Entry(
            long id,
            Instant at,
            String actor,
            String address,
            String action,
            String resource,
            JsonNode before,
            JsonNode after,
            String hash) {}

    /**
     * The chain walked: {@code valid} when every entry's hash is its own and links the one before, and the
     * head names the last entry; else {@code brokenAt} is the first entry that does not hold and {@code
     * problem} says why.
     */
    public record Verification(boolean valid, long entries, Long lastId, Long brokenAt, String problem) {}

    /** A before or after state above this size is kept as its size and SHA-256 only. */
    static final int MAX_STATE_CHARS = 64 * 1024;

    /** The advisory lock that makes appends one at a time ("ota audt"). */
    private static final long AUDIT_LOCK = 0x6f74612061756474L;

    private static final String APPEND = "WITH input AS (SELECT CAST($1 AS text) AS actor,"
            + "   CAST(NULLIF(CAST($2 AS text), '') AS text) AS address, CAST($3 AS text) AS action,"
            + "   CAST($4 AS text) AS resource, CAST(NULLIF(CAST($5 AS text), '') AS jsonb) AS before,"
            + "   CAST(NULLIF(CAST($6 AS text), '') AS jsonb) AS after),"
            + " head AS (SELECT coalesce((SELECT hash FROM audit_head WHERE one), repeat('0', 64)) AS prev,"
            + "   nextval('audit_log_seq') AS id, now() AS at),"
            + " entry AS (INSERT INTO audit_log (id, at, actor, address, action, resource, before, after,"
            + "   prev_hash, hash)"
            + "   SELECT h.id, h.at, i.actor, i.address, i.action, i.resource, i.before, i.after, h.prev,"
            + "     audit_entry_hash(h.prev, h.id, h.at, i.actor, i.address, i.action, i.resource, i.before, i.after)"
            + "   FROM head h, input i RETURNING id, hash)"
            + " INSERT INTO audit_head (one, id, hash) SELECT true, id, hash FROM entry"
            + " ON CONFLICT (one) DO UPDATE SET id = EXCLUDED.id, hash = EXCLUDED.hash";

    private final Pool pool;
    private final Instance<SecurityIdentity> identity;
    private final Instance<CurrentVertxRequest> request;
    private final ObjectMapper json;

    /** @param json the service's mapper: states are written as its REST API writes them */
    AuditLog(Pool pool, Instance<SecurityIdentity> identity, Instance<CurrentVertxRequest> request, ObjectMapper json) {
        this.json = json;
        this.pool = pool;
        this.identity = identity;
        this.request = request;
    }

    /**
     * Who makes the current request: the token's subject and the client's address; {@link Caller#SYSTEM}
     * outside a request (a timer, a message).
     */
    public Caller caller() {
        if (!Arc.container().requestContext().isActive()) {
            return Caller.SYSTEM;
        }
        // a timer or a message may run with a request context too: only an HTTP request has a caller (whose
        // identity its authorization has resolved already, so reading it does not block)
        RoutingContext context = request.get().getCurrent();
        if (context == null) {
            return Caller.SYSTEM;
        }
        String actor = "anonymous";
        SecurityIdentity who = identity.get();
        if (who != null && !who.isAnonymous()) {
            actor = who.getPrincipal() instanceof JsonWebToken jwt && jwt.getSubject() != null
                    ? jwt.getSubject()
                    : who.getPrincipal().getName();
        }
        String address = context.request().remoteAddress() == null
                ? null
                : context.request().remoteAddress().hostAddress();
        return new Caller(actor, address);
    }

    /** Appends an entry for the current caller, in the caller's Panache transaction. */
    public Uni<Void> record(String action, String resource, Object before, Object after) {
        return record(caller(), action, resource, before, after);
    }

    /** Appends an entry, in the caller's Panache transaction. */
    public Uni<Void> record(Caller caller, String action, String resource, Object before, Object after) {
        String beforeJson = state(before);
        String afterJson = state(after);
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "SELECT 1 FROM (SELECT pg_advisory_xact_lock(" + AUDIT_LOCK + ")) locked")
                        .getSingleResult()
                        .flatMap(locked -> s.createNativeQuery(APPEND.replaceAll("\\$(\\d)", "?$1"))
                                .setParameter(1, bounded(caller.actor(), 200))
                                .setParameter(2, caller.address() == null ? "" : bounded(caller.address(), 100))
                                .setParameter(3, bounded(action, 64))
                                .setParameter(4, bounded(resource, 300))
                                .setParameter(5, beforeJson)
                                .setParameter(6, afterJson)
                                .executeUpdate()))
                .replaceWithVoid();
    }

    /**
     * Appends an entry unless the last one of this action and resource has the same after state (a setting
     * read at start-up that may have changed since the last start: the signing key), in the caller's
     * Panache transaction; with several replicas starting together one of them records it.
     */
    public Uni<Void> recordIfChanged(Caller caller, String action, String resource, Object after) {
        String afterJson = state(after);
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "SELECT 1 FROM (SELECT pg_advisory_xact_lock(" + AUDIT_LOCK + ")) locked")
                        .getSingleResult()
                        .flatMap(locked -> s.createNativeQuery("SELECT coalesce(after::text, '') FROM audit_log"
                                        + " WHERE action = ?1 AND resource = ?2 ORDER BY id DESC LIMIT 1")
                                .setParameter(1, action)
                                .setParameter(2, resource)
                                .getResultList()))
                .flatMap(last -> {
                    String previous = last.isEmpty() ? null : (String) last.get(0);
                    if (previous != null && tree(previous).equals(tree(afterJson))) {
                        return Uni.createFrom().voidItem();
                    }
                    return record(caller, action, resource, previous == null ? null : tree(previous), after);
                });
    }

    /** Appends an entry on a connection of the reactive client, in its transaction. */
    public Uni<Void> record(
            SqlConnection connection, Caller caller, String action, String resource, Object before, Object after) {
        return connection
                .query("SELECT pg_advisory_xact_lock(" + AUDIT_LOCK + ")")
                .execute()
                .flatMap(locked -> connection
                        .preparedQuery(APPEND)
                        .execute(Tuple.of(
                                bounded(caller.actor(), 200),
                                caller.address() == null ? "" : bounded(caller.address(), 100),
                                bounded(action, 64),
                                bounded(resource, 300),
                                state(before),
                                state(after))))
                .replaceWithVoid();
    }

    /**
     * Entries newest first; {@code actor} exact, {@code resource} the resource or everything under it
     * ({@code plan} or {@code plan/<id>}), {@code since} an instant.
     */
    public Uni<Page<Entry>> list(String actor, String resource, Instant since, PageRequest page) {
        String where = " WHERE ($1 = '' OR actor = $1)"
                + " AND ($2 = '' OR resource = $2 OR resource LIKE replace(replace($2, '%', '\\%'), '_', '\\_') || '/%')"
                + " AND at >= $3";
        Tuple params = Tuple.of(
                actor == null ? "" : actor,
                resource == null ? "" : resource,
                (since == null ? Instant.EPOCH : since).atOffset(ZoneOffset.UTC));
        Uni<Long> total = pool.preparedQuery("SELECT count(*) FROM audit_log" + where)
                .execute(params)
                .map(rows -> rows.iterator().next().getLong(0));
        Uni<List<Entry>> items = pool.preparedQuery(
                        "SELECT id, at, actor, address, action, resource, before::text, after::text, hash FROM audit_log"
                                + where + " ORDER BY id DESC LIMIT $4 OFFSET $5")
                .execute(Tuple.from(List.of(
                        params.getValue(0),
                        params.getValue(1),
                        params.getValue(2),
                        page.size(),
                        (long) page.page() * page.size())))
                .map(rows -> {
                    List<Entry> list = new ArrayList<>();
                    for (Row r : rows) {
                        list.add(new Entry(
                                r.getLong(0),
                                r.getOffsetDateTime(1).toInstant(),
                                r.getString(2),
                                r.getString(3),
                                r.getString(4),
                                r.getString(5),
                                tree(r.getString(6)),
                                tree(r.getString(7)),
                                r.getString(8)));
                    }
                    return list;
                });
        return Uni.combine()
                .all()
                .unis(items, total)
                .asTuple()
                .map(both -> new Page<>(both.getItem1(), page.page(), page.size(), both.getItem2()));
    }

    /** Walks the chain in the database: every entry's hash recomputed, every link and the head checked. */
    public Uni<Verification> verify() {
        String walk = "SELECT count(*),"
                + " min(id) FILTER (WHERE hash <> audit_entry_hash(prev_hash, id, at, actor, address, action,"
                + "   resource, before, after)),"
                + " min(id) FILTER (WHERE prev_hash <> previous),"
                + " max(id),"
                + " (SELECT id FROM audit_head WHERE one), (SELECT hash FROM audit_head WHERE one),"
                + " (SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1)"
                + " FROM (SELECT *, coalesce(lag(hash) OVER (ORDER BY id), repeat('0', 64)) AS previous"
                + "   FROM audit_log) chain";
        return pool.query(walk).execute().map(rows -> {
            Row r = rows.iterator().next();
            long entries = r.getLong(0);
            Long edited = r.getLong(1);
            Long unlinked = r.getLong(2);
            Long last = r.getLong(3);
            Long headId = r.getLong(4);
            String headHash = r.getString(5);
            String lastHash = r.getString(6);
            if (edited != null && (unlinked == null || edited <= unlinked)) {
                return new Verification(
                        false, entries, last, edited, "entry " + edited + " does not match its hash: it was changed");
            }
            if (unlinked != null) {
                return new Verification(
                        false,
                        entries,
                        last,
                        unlinked,
                        "entry " + unlinked + " does not follow the entry before it: entries before it were deleted");
            }
            if (entries == 0 && headId == null) {
                return new Verification(true, 0, null, null, null);
            }
            if (headId == null || !headId.equals(last) || !headHash.equals(lastHash)) {
                return new Verification(
                        false,
                        entries,
                        last,
                        last,
                        "the last entry is " + last + " but the chain's head is " + headId
                                + ": entries at the end were deleted or the head was changed");
            }
            return new Verification(true, entries, last, null, null);
        });
    }

    /** A state as stored: its JSON, or, when large, its size and SHA-256; "" for none. */
    String state(Object value) {
        if (value == null) {
            return "";
        }
        try {
            String text = value instanceof JsonNode node ? node.toString() : json.writeValueAsString(value);
            if (text.length() <= MAX_STATE_CHARS) {
                return text;
            }
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            return json.createObjectNode()
                    .put("truncated", true)
                    .put("bytes", bytes.length)
                    .put(
                            "sha256",
                            HexFormat.of()
                                    .formatHex(
                                            MessageDigest.getInstance("SHA-256").digest(bytes)))
                    .toString();
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("an audited state cannot be written as JSON", e);
        }
    }

    private JsonNode tree(String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String bounded(String value, int max) {
        String v = value == null ? "" : value;
        return v.length() > max ? v.substring(0, max) : v;
    }
}
