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
    private final int maxRows;

    DeviceImports(Pool pool, SecretVault vault, AuditLog audit, DeviceGatewayConfig config) {
        this.pool = pool;
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
     * a gateway id registered under another gateway product.
     */
    public Imported register(String productKey, ImportRows rows, AuditLog.Caller actor) {
        String[] keys = rows.keys();
        String[] names = rows.names();
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
                                    .flatMap(v -> insert(conn, productKey, keys, names, sealed, at, 0))
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

    private Uni<Void> insert(
            SqlConnection conn,
            String productKey,
            String[] keys,
            String[] names,
            Buffer[] sealed,
            Instant at,
            int from) {
        if (from >= keys.length) {
            return Uni.createFrom().voidItem();
        }
        int to = Math.min(keys.length, from + CHUNK);
        return conn.preparedQuery("INSERT INTO device (product_key, device_key, name, secret, secret_key_id,"
                        + " registered_at) SELECT $1, k, n, s, $5, $6 FROM unnest($2::text[], $3::text[], $4::bytea[])"
                        + " AS u (k, n, s)")
                .execute(Tuple.tuple()
                        .addString(productKey)
                        .addArrayOfString(Arrays.copyOfRange(keys, from, to))
                        .addArrayOfString(Arrays.copyOfRange(names, from, to))
                        .addValue(Arrays.copyOfRange(sealed, from, to))
                        .addString(vault.activeKeyId())
                        .addOffsetDateTime(at.atOffset(ZoneOffset.UTC)))
                .flatMap(v -> insert(conn, productKey, keys, names, sealed, at, to));
    }

    private static boolean uniqueViolation(Throwable failure) {
        return failure instanceof PgException pg && "23505".equals(pg.getSqlState());
    }
}
