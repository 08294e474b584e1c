package org.otaplatform.devicegateway.registry;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.otaplatform.common.audit.AuditLog;
import org.otaplatform.common.error.ApiException;
import org.otaplatform.common.error.ErrorCode;
import org.otaplatform.common.error.FieldError;
import org.otaplatform.devicegateway.config.DeviceGatewayConfig;

/**
 * Bulk registration: up to {@link DeviceGatewayConfig.Registry#maxImportRows()} devices of one product in
 * one transaction, all or nothing. Each device gets a secret, sealed before it is stored and returned in
 * clear once, to the caller. Runs on a worker thread (the request body is read as it arrives), so it
 * talks to the database through the reactive pool directly and waits for it.
 */
@ApplicationScoped
public class DeviceImports {

    /** Rows per INSERT statement: large enough to be cheap per row, small enough for modest messages. */
    private static final int CHUNK = 10_000;

    private static final Duration LIMIT = Duration.ofMinutes(5);

    private final Pool pool;
    private final SecretVault vault;
    private final AuditLog audit;
    private final org.otaplatform.common.messaging.Outbox outbox;
    private final int maxRows;

    DeviceImports(
            Pool pool,
            SecretVault vault,
            AuditLog audit,
            org.otaplatform.common.messaging.Outbox outbox,
            DeviceGatewayConfig config) {
        this.pool = pool;
        this.outbox = outbox;
        this.vault = vault;
        this.audit = audit;
        this.maxRows = config.registry().maxImportRows();
    }

    /** The most rows one import may have. */
    public int maxRows() {
        return maxRows;
    }

    /**
     * Reads and checks the rows of an import for a product of {@code type} (see {@link ImportRows}): CSV in
     * {@code csvCharset}, or JSON when it is null.
     */
    public ImportRows read(NodeType type, java.io.InputStream body, java.nio.charset.Charset csvCharset)
            throws java.io.IOException {
        var rule = RegistryRules.deviceKeyRule(type);
        String text = RegistryRules.deviceKeyRuleText(type);
        return (csvCharset != null
                        ? ImportRows.csv(body, csvCharset, maxRows, rule, text)
                        : ImportRows.json(body, maxRows, rule, text))
                .check();
    }

    /** The devices registered by one import, with their secrets, in the order of the request. */
    public record Imported(String productKey, String[] keys, String[] names, String[] secrets, Instant registeredAt) {}

    /** The node type of a registered product (its devices' key rule depends on it); 404 when it is not. */
    public NodeType nodeTypeOf(String productKey) {
        return pool.preparedQuery("SELECT node_type FROM product WHERE product_key = $1")
                .execute(Tuple.of(productKey))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ApiException.notFound("product", productKey);
                    }
                    return NodeType.valueOf(rows.iterator().next().getString(0));
                })
                .await()
                .atMost(LIMIT);
    }

    /**
     * Registers every row, or none: a row whose deviceKey the product has already is named in a 422, as is
     * a gateway id registered under another gateway product. Rows with a hardware revision (recorded as the
     * operator's) or tags are announced ({@code device.attributes}) in the same transaction.
     */
    public Imported register(String productKey, ImportRows rows, AuditLog.Caller actor) {
        String[] keys = rows.keys();
        String[] names = rows.names();
        String[] revisions = rows.revisions();
        String[] tags = rows.tags();
        List<java.util.UUID> announced = new ArrayList<>();
        String[] secrets = new String[keys.length];
        Buffer[] sealed = new Buffer[keys.length];
        for (int i = 0; i < keys.length; i++) {
            secrets[i] = vault.generate();
            sealed[i] =
                    Buffer.buffer(vault.seal(productKey, keys[i], secrets[i]).bytes());
        }
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        NodeType type = pool.withTransaction(conn -> conn.preparedQuery(
                                "SELECT node_type FROM product WHERE product_key = $1 FOR SHARE")
                        .execute(Tuple.of(productKey))
                        .flatMap(found -> {
                            if (found.size() == 0) {
                                throw ApiException.notFound("product", productKey);
                            }
                            NodeType nodeType =
                                    NodeType.valueOf(found.iterator().next().getString(0));
                            return taken(conn, productKey, nodeType, keys, rows)
                                    .flatMap(v -> insert(
                                            conn,
                                            productKey,
                                            new Columns(keys, names, revisions, tags, sealed),
                                            at,
                                            0,
                                            announced))
                                    .flatMap(v -> nodeType == NodeType.GATEWAY
                                            ? conn.preparedQuery(
                                                            "INSERT INTO gateway (gateway_id, product_key, online, seq)"
                                                                    + " SELECT g, $1, false, 0 FROM unnest($2::text[]) AS g"
                                                                    + " ON CONFLICT DO NOTHING")
                                                    .execute(Tuple.of(productKey, keys))
                                                    .replaceWithVoid()
                                            : Uni.createFrom().voidItem())
                                    .call(v -> audit.record(
                                            conn,
                                            actor,
                                            "device.import",
                                            "product/" + productKey,
                                            null,
                                            java.util.Map.of(
                                                    "nodeType",
                                                    nodeType,
                                                    "devices",
                                                    keys.length,
                                                    "first",
                                                    keys[0],
                                                    "last",
                                                    keys[keys.length - 1])))
                                    .replaceWith(nodeType);
                        }))
                .onFailure(DeviceImports::uniqueViolation)
                .transform(e -> new ApiException(
                        ErrorCode.CONFLICT,
                        "some of these devices were registered by another request meanwhile; nothing was registered"))
                .await()
                .atMost(LIMIT);
        outbox.committedElsewhere(announced);
        return new Imported(productKey, keys, names, secrets, at);
    }

    /** Fails with a 422 naming every row whose device is registered already. */
    private Uni<Void> taken(SqlConnection conn, String productKey, NodeType type, String[] keys, ImportRows rows) {
        Uni<List<FieldError>> registered = conn.preparedQuery(
                        "SELECT device_key FROM device WHERE product_key = $1 AND device_key = ANY($2::text[])")
                .execute(Tuple.of(productKey, keys))
                .map(found -> {
                    List<FieldError> errors = new ArrayList<>();
                    found.forEach(r -> errors.add(new FieldError(
                            rows.where(r.getString(0)) + ".deviceKey",
                            "'" + r.getString(0) + "' is registered already")));
                    return errors;
                });
        Uni<List<FieldError>> elsewhere = type != NodeType.GATEWAY
                ? Uni.createFrom().item(List.of())
                : conn.preparedQuery("SELECT d.device_key, d.product_key FROM device d JOIN product p"
                                + " ON p.product_key = d.product_key WHERE p.node_type = 'GATEWAY'"
                                + " AND d.product_key <> $1 AND d.device_key = ANY($2::text[])")
                        .execute(Tuple.of(productKey, keys))
                        .map(found -> {
                            List<FieldError> errors = new ArrayList<>();
                            found.forEach(r -> errors.add(new FieldError(
                                    rows.where(r.getString(0)) + ".deviceKey",
                                    "gateway '" + r.getString(0) + "' is registered under product " + r.getString(1))));
                            return errors;
                        });
        return registered.flatMap(a -> elsewhere.map(b -> {
            List<FieldError> errors = new ArrayList<>(a);
            errors.addAll(b);
            if (!errors.isEmpty()) {
                throw new ApiException(
                        ErrorCode.VALIDATION_FAILED,
                        errors.size() + " of " + keys.length + " devices cannot be registered; nothing was registered",
                        errors);
            }
            return null;
        }));
    }

    /** An import's rows, column by column. */
    private record Columns(String[] keys, String[] names, String[] revisions, String[] tags, Buffer[] sealed) {}

    /**
     * Inserts the rows from {@code from} on, {@link #CHUNK} per statement; the attributes' events of each chunk
     * go to the outbox in the same statement, their ids into {@code announced}.
     */
    private Uni<Void> insert(
            SqlConnection conn, String productKey, Columns rows, Instant at, int from, List<java.util.UUID> announced) {
        if (from >= rows.keys().length) {
            return Uni.createFrom().voidItem();
        }
        int to = Math.min(rows.keys().length, from + CHUNK);
        return conn.preparedQuery("WITH i AS (INSERT INTO device (product_key, device_key, name, secret, secret_key_id,"
                        + " registered_at, hardware_revision, hardware_revision_source, hardware_revision_at, tags)"
                        + " SELECT $1, k, n, s, $5, $6::timestamptz, r, CASE WHEN r IS NULL THEN NULL ELSE 'OPERATOR' END,"
                        + " CASE WHEN r IS NULL THEN NULL ELSE $6::timestamptz END, COALESCE(CAST(t AS jsonb), '{}'::jsonb)"
                        + " FROM unnest($2::text[], $3::text[], $4::bytea[], $7::text[], $8::text[]) AS u (k, n, s, r, t)"
                        + " RETURNING device_key, hardware_revision, tags)"
                        + " SELECT device_key, hardware_revision, tags::text, nextval('device_attribute_seq') FROM i"
                        + " WHERE hardware_revision IS NOT NULL OR tags <> '{}'::jsonb")
                .execute(Tuple.tuple()
                        .addString(productKey)
                        .addArrayOfString(Arrays.copyOfRange(rows.keys(), from, to))
                        .addArrayOfString(Arrays.copyOfRange(rows.names(), from, to))
                        .addValue(Arrays.copyOfRange(rows.sealed(), from, to))
                        .addString(vault.activeKeyId())
                        .addOffsetDateTime(at.atOffset(ZoneOffset.UTC))
                        .addArrayOfString(Arrays.copyOfRange(rows.revisions(), from, to))
                        .addArrayOfString(Arrays.copyOfRange(rows.tags(), from, to)))
                .flatMap(inserted -> {
                    List<org.otaplatform.contract.internal.DeviceAttributeStates.Entry> entries = new ArrayList<>();
                    inserted.forEach(r -> entries.add(new org.otaplatform.contract.internal.DeviceAttributeStates.Entry(
                            productKey,
                            r.getString(0),
                            r.getString(1),
                            DeviceAttributes.tags(r.getString(2)),
                            r.getLong(3))));
                    return announce(conn, entries, announced);
                })
                .flatMap(v -> insert(conn, productKey, rows, at, to, announced));
    }

    /** Writes the attributes' events of imported devices to the outbox, in the import's transaction. */
    private Uni<Void> announce(
            SqlConnection conn,
            List<org.otaplatform.contract.internal.DeviceAttributeStates.Entry> entries,
            List<java.util.UUID> announced) {
        if (entries.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        var messages = org.otaplatform.devicegateway.session.DeviceEvents.attributeEntries(
                entries, System.currentTimeMillis());
        return conn.preparedQuery("INSERT INTO outbox_message (id, topic, payload)"
                        + " SELECT * FROM unnest($1::uuid[], $2::text[], $3::bytea[])")
                .execute(Tuple.tuple()
                        .addArrayOfUUID(messages.stream()
                                .map(org.otaplatform.common.messaging.Outbox.Entry::id)
                                .toArray(java.util.UUID[]::new))
                        .addArrayOfString(messages.stream()
                                .map(org.otaplatform.common.messaging.Outbox.Entry::topic)
                                .toArray(String[]::new))
                        .addValue(messages.stream()
                                .map(m -> Buffer.buffer(m.payload()))
                                .toArray(Buffer[]::new)))
                .invoke(() -> messages.forEach(m -> announced.add(m.id())))
                .replaceWithVoid();
    }

    private static boolean uniqueViolation(Throwable failure) {
        return failure instanceof PgException pg && "23505".equals(pg.getSqlState());
    }
}
