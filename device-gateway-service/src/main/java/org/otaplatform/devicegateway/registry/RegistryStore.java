package org.otaplatform.devicegateway.registry;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.otaplatform.common.error.ApiException;
import org.otaplatform.common.paging.PageRequest;
import org.otaplatform.contract.filter.FilterException;
import org.otaplatform.contract.filter.FilterField;
import org.otaplatform.contract.filter.FilterSql;
import org.otaplatform.contract.internal.DeviceAttributeStates;
import org.otaplatform.contract.message.SubDeviceRef;
import org.otaplatform.contract.version.VersionScheme;
import org.otaplatform.devicegateway.session.SessionStore;
import org.otaplatform.devicegateway.session.SubDeviceStore.DeviceRow;

/**
 * Products and registered devices, read and written in the caller's transaction. Secrets go in and out
 * sealed only ({@link SecretVault}); this class never sees one in clear. A bulk import has a store of its
 * own ({@link DeviceImports}).
 */
@ApplicationScoped
public class RegistryStore {

    /** Epoch milliseconds of a timestamp column, so that every row reads the same way. */
    private static String millis(String column) {
        return "(extract(epoch FROM " + column + ") * 1000)::bigint";
    }

    private static final String PRODUCT_COLUMNS = "p.product_key, p.name, p.node_type, p.bind_policy,"
            + " p.dynamic_registration, " + millis("p.created_at") + ", " + millis("p.updated_at")
            + ", (SELECT count(*) FROM device d WHERE d.product_key = p.product_key), p.version_scheme";

    // --- products ---------------------------------------------------------------------------------

    /** Inserts a product; false when its key is taken. */
    public Uni<Boolean> insertProduct(
            String productKey,
            String name,
            NodeType nodeType,
            BindPolicy policy,
            boolean dynamicRegistration,
            VersionScheme scheme,
            SecretVault.Sealed secret) {
        return SessionStore.rows(
                        "INSERT INTO product (product_key, name, node_type, bind_policy, dynamic_registration, secret,"
                                + " secret_key_id, version_scheme) VALUES (?1, ?2, ?3, ?4, ?5, CAST(?6 AS bytea),"
                                + " CAST(?7 AS varchar), ?8) ON CONFLICT DO NOTHING RETURNING product_key",
                        productKey,
                        name,
                        nodeType.name(),
                        policy.name(),
                        dynamicRegistration,
                        secret == null ? null : secret.bytes(),
                        secret == null ? null : secret.keyId(),
                        scheme.name())
                .map(rows -> !rows.isEmpty());
    }

    public Uni<Optional<Product>> product(String productKey) {
        return SessionStore.rows("SELECT " + PRODUCT_COLUMNS + " FROM product p WHERE p.product_key = ?1", productKey)
                .map(rows -> rows.stream().findFirst().map(RegistryStore::product));
    }

    /** The product locked for the transaction (changes to it and to its devices wait). */
    public Uni<Optional<Product>> lockProduct(String productKey) {
        return SessionStore.rows(
                        "SELECT " + PRODUCT_COLUMNS + " FROM product p WHERE p.product_key = ?1 FOR UPDATE OF p",
                        productKey)
                .map(rows -> rows.stream().findFirst().map(RegistryStore::product));
    }

    public Uni<List<Product>> products(NodeType nodeType, PageRequest page) {
        return SessionStore.rows(
                        "SELECT " + PRODUCT_COLUMNS + " FROM product p WHERE (?1 = '' OR p.node_type = ?1)"
                                + " ORDER BY p.product_key LIMIT ?2 OFFSET ?3",
                        nodeType == null ? "" : nodeType.name(),
                        page.size(),
                        page.offset())
                .map(rows -> rows.stream().map(RegistryStore::product).toList());
    }

    public Uni<Long> countProducts(NodeType nodeType) {
        return SessionStore.rows(
                        "SELECT count(*) FROM product WHERE (?1 = '' OR node_type = ?1)",
                        nodeType == null ? "" : nodeType.name())
                .map(rows -> ((Number) rows.get(0)[0]).longValue());
    }

    /** Writes a product's changeable fields; its secret only when {@code secret} says so. */
    public Uni<Void> updateProduct(
            String productKey,
            String name,
            BindPolicy policy,
            boolean dynamicRegistration,
            VersionScheme scheme,
            Optional<SecretVault.Sealed> secret) {
        return SessionStore.rows(
                        "UPDATE product SET name = ?2, bind_policy = ?3, dynamic_registration = ?4, version_scheme = ?8,"
                                + " secret = CASE WHEN ?5 THEN CAST(?6 AS bytea) ELSE secret END,"
                                + " secret_key_id = CASE WHEN ?5 THEN CAST(?7 AS varchar) ELSE secret_key_id END,"
                                + " updated_at = now()"
                                + " WHERE product_key = ?1 RETURNING product_key",
                        productKey,
                        name,
                        policy.name(),
                        dynamicRegistration,
                        secret.isPresent(),
                        secret.map(SecretVault.Sealed::bytes).orElse(null),
                        secret.map(SecretVault.Sealed::keyId).orElse(null),
                        scheme.name())
                .replaceWithVoid();
    }

    /** Every product's key, node type and version scheme: what other services are told of products. */
    public Uni<List<Object[]>> productStates() {
        return SessionStore.rows(
                "SELECT product_key, node_type, version_scheme, nextval('product_state_seq') FROM product"
                        + " ORDER BY product_key");
    }

    /** The next change counter of product events. */
    public Uni<Long> nextProductSeq() {
        return SessionStore.rows("SELECT nextval('product_state_seq')")
                .map(rows -> ((Number) rows.get(0)[0]).longValue());
    }

    /** Deletes a product that has no devices; false when it has some (or is gone). */
    public Uni<Boolean> deleteProduct(String productKey) {
        return SessionStore.rows(
                        "DELETE FROM product p WHERE p.product_key = ?1"
                                + " AND NOT EXISTS (SELECT 1 FROM device d WHERE d.product_key = p.product_key)"
                                + " RETURNING product_key",
                        productKey)
                .map(rows -> !rows.isEmpty());
    }

    /** Whether the product's secret is sealed under a key: the sealed bytes, if it has one. */
    public Uni<Optional<byte[]>> productSecret(String productKey) {
        return SessionStore.rows("SELECT secret FROM product WHERE product_key = ?1", productKey)
                .map(rows -> rows.stream().findFirst().map(r -> (byte[]) r[0]));
    }

    private static Product product(Object[] r) {
        return new Product(
                (String) r[0],
                (String) r[1],
                NodeType.valueOf((String) r[2]),
                BindPolicy.valueOf((String) r[3]),
                (Boolean) r[4],
                Instant.ofEpochMilli(((Number) r[5]).longValue()),
                Instant.ofEpochMilli(((Number) r[6]).longValue()),
                ((Number) r[7]).longValue(),
                VersionScheme.valueOf((String) r[8]));
    }

    // --- devices ----------------------------------------------------------------------------------

    /** Inserts one device; false when the product already has it. */
    public Uni<Boolean> insertDevice(String productKey, String deviceKey, String name, SecretVault.Sealed secret) {
        return SessionStore.rows(
                        "INSERT INTO device (product_key, device_key, name, secret, secret_key_id)"
                                + " VALUES (?1, ?2, CAST(?3 AS varchar), CAST(?4 AS bytea), CAST(?5 AS varchar))"
                                + " ON CONFLICT DO NOTHING RETURNING device_key",
                        productKey,
                        deviceKey,
                        name,
                        secret == null ? null : secret.bytes(),
                        secret == null ? null : secret.keyId())
                .map(rows -> !rows.isEmpty());
    }

    /** Sub-devices a valid dynamic registration registers; those registered meanwhile stay as they are. */
    public Uni<Void> registerDynamically(Collection<SubDeviceRef> keys) {
        if (keys.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return SessionStore.rows(
                        "INSERT INTO device (product_key, device_key)"
                                + " SELECT * FROM unnest(CAST(?1 AS text[]), CAST(?2 AS text[]))"
                                + " ON CONFLICT DO NOTHING RETURNING device_key",
                        keys.stream().map(SubDeviceRef::productKey).toArray(String[]::new),
                        keys.stream().map(SubDeviceRef::deviceKey).toArray(String[]::new))
                .replaceWithVoid();
    }

    /** The product's other gateway products that registered one of these gateway ids already. */
    public Uni<List<String>> gatewayIdsRegisteredElsewhere(String productKey, List<String> gatewayIds) {
        return SessionStore.rows(
                        "SELECT d.device_key FROM device d JOIN product p ON p.product_key = d.product_key"
                                + " WHERE p.node_type = 'GATEWAY' AND d.product_key <> ?1"
                                + " AND d.device_key = ANY(CAST(?2 AS text[]))",
                        productKey,
                        gatewayIds.toArray(String[]::new))
                .map(rows -> rows.stream().map(r -> (String) r[0]).toList());
    }

    /** Gives registered gateways a session row (offline, never connected) so they can be bound to at once. */
    public Uni<Void> gatewaySessions(String productKey, List<String> gatewayIds) {
        return SessionStore.rows(
                        "INSERT INTO gateway (gateway_id, product_key, online, seq)"
                                + " SELECT g, ?1, false, 0 FROM unnest(CAST(?2 AS text[])) AS g"
                                + " ON CONFLICT DO NOTHING RETURNING gateway_id",
                        productKey,
                        gatewayIds.toArray(String[]::new))
                .replaceWithVoid();
    }

    /** The session of a registered gateway that never connected goes with its registration. */
    public Uni<Void> forgetNeverConnectedGateway(String gatewayId) {
        return SessionStore.rows(
                        "DELETE FROM gateway WHERE gateway_id = ?1 AND connected_at IS NULL RETURNING gateway_id",
                        gatewayId)
                .replaceWithVoid();
    }

    /** Whether the gateway is known here: registered, or it has connected at least once. */
    public Uni<Boolean> gatewayKnown(String gatewayId) {
        return SessionStore.rows("SELECT 1 FROM gateway WHERE gateway_id = ?1", gatewayId)
                .map(rows -> !rows.isEmpty());
    }

    public Uni<Void> deleteDevice(String productKey, String deviceKey) {
        return SessionStore.rows(
                        "DELETE FROM device WHERE product_key = ?1 AND device_key = ?2 RETURNING device_key",
                        productKey,
                        deviceKey)
                .replaceWithVoid();
    }

    /** Replaces a device's sealed secret; false when the device is not registered. */
    public Uni<Boolean> replaceDeviceSecret(String productKey, String deviceKey, SecretVault.Sealed secret) {
        return SessionStore.rows(
                        "UPDATE device SET secret = ?3, secret_key_id = ?4 WHERE product_key = ?1 AND device_key = ?2"
                                + " RETURNING device_key",
                        productKey,
                        deviceKey,
                        secret.bytes(),
                        secret.keyId())
                .map(rows -> !rows.isEmpty());
    }

    private static final String DEVICE_COLUMNS = "d.product_key, d.device_key, d.name, p.node_type,"
            + " s.gateway_id, coalesce(s.attached, false),"
            + " CASE WHEN p.node_type = 'GATEWAY' THEN coalesce(g.online, false) ELSE coalesce(s.online, false) END,"
            + " CASE WHEN p.node_type = 'GATEWAY' THEN g.version ELSE s.version END, "
            + millis("CASE WHEN p.node_type = 'GATEWAY' THEN g.last_seen_at ELSE s.last_seen_at END") + ", "
            + millis("d.registered_at") + ", " + millis("s.bound_at") + ", d.hardware_revision,"
            + " d.hardware_revision_source, " + millis("d.hardware_revision_at") + ", d.tags::text,"
            + " d.hold_reason, d.held_by, " + millis("d.held_at") + ", d.test_device";

    private static final String DEVICE_FROM = " FROM device d JOIN product p ON p.product_key = d.product_key"
            + " LEFT JOIN sub_device s ON s.product_key = d.product_key AND s.device_key = d.device_key"
            + " LEFT JOIN gateway g ON p.node_type = 'GATEWAY' AND g.gateway_id = d.device_key";

    /** The list's FROM with the gateway each device is bound to (a gateway: itself), for filters that name it. */
    private static final String DEVICE_FROM_WITH_GATEWAY = DEVICE_FROM
            + " LEFT JOIN gateway bg ON bg.gateway_id = CASE WHEN p.node_type = 'GATEWAY' THEN d.device_key"
            + " ELSE s.gateway_id END";

    /**
     * The fields of the filter language the registry holds (REST API, "Fleet targeting"); not version order
     * (no sort keys are kept here).
     */
    private static final FilterSql.Columns FILTER_COLUMNS = field -> switch (field.name()) {
        case "productKey" -> FilterSql.Column.of("d.product_key");
        case "deviceKey" -> FilterSql.Column.of("d.device_key");
        case "name" -> FilterSql.Column.of("d.name");
        case "version" -> FilterSql.Column.of("(CASE WHEN p.node_type = 'GATEWAY' THEN g.version ELSE s.version END)");
        case "gatewayId" ->
            FilterSql.Column.of("(CASE WHEN p.node_type = 'GATEWAY' THEN d.device_key ELSE s.gateway_id END)");
        case "gatewayVersion" -> FilterSql.Column.of("bg.version");
        case "online" ->
            FilterSql.Column.of("(CASE WHEN p.node_type = 'GATEWAY' THEN coalesce(g.online, false)"
                    + " ELSE coalesce(s.online, false) END)");
        case "lastSeenAt" ->
            FilterSql.Column.of("(CASE WHEN p.node_type = 'GATEWAY' THEN g.last_seen_at ELSE s.last_seen_at END)");
        case "registeredAt" -> FilterSql.Column.of("d.registered_at");
        case "hardwareRevision" -> FilterSql.Column.of("d.hardware_revision");
        default -> field.type() == FilterField.Type.TAG ? FilterSql.Column.of("d.tags") : null;
    };

    public Uni<Optional<RegisteredDevice>> device(String productKey, String deviceKey) {
        return SessionStore.rows(
                        "SELECT " + DEVICE_COLUMNS + DEVICE_FROM + " WHERE d.product_key = ?1 AND d.device_key = ?2",
                        productKey,
                        deviceKey)
                .map(rows -> rows.stream().findFirst().map(RegistryStore::registered));
    }

    public Uni<List<RegisteredDevice>> devices(DeviceFilter filter, PageRequest page) {
        Where where = where(filter);
        List<Object> params = new ArrayList<>(where.params());
        params.add(page.size());
        params.add(page.offset());
        return SessionStore.rows(
                        "SELECT " + DEVICE_COLUMNS + from(filter) + where.sql()
                                + " ORDER BY d.product_key, d.device_key LIMIT ?" + (params.size() - 1) + " OFFSET ?"
                                + params.size(),
                        params.toArray())
                .map(rows -> rows.stream().map(RegistryStore::registered).toList());
    }

    public Uni<Long> countDevices(DeviceFilter filter) {
        Where where = where(filter);
        return SessionStore.rows(
                        "SELECT count(*)" + from(filter) + where.sql(),
                        where.params().toArray())
                .map(rows -> ((Number) rows.get(0)[0]).longValue());
    }

    private record Where(String sql, List<Object> params) {}

    /** Only the filters given, so that each list is planned for what it asks. */
    private static Where where(DeviceFilter f) {
        List<String> conditions = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        if (f.productKey() != null) {
            params.add(f.productKey());
            conditions.add("d.product_key = ?" + params.size());
        }
        if (f.gatewayId() != null) {
            params.add(f.gatewayId());
            conditions.add("s.gateway_id = ?" + params.size());
        }
        if (f.online() != null) {
            params.add(f.online());
            conditions.add("(CASE WHEN p.node_type = 'GATEWAY' THEN coalesce(g.online, false)"
                    + " ELSE coalesce(s.online, false) END) = ?" + params.size());
        }
        if (f.version() != null) {
            params.add(f.version());
            conditions.add("(CASE WHEN p.node_type = 'GATEWAY' THEN g.version ELSE s.version END) = ?" + params.size());
        }
        if (f.attached() != null) {
            params.add(f.attached());
            conditions.add("coalesce(s.attached, false) = ?" + params.size());
        }
        if (f.q() != null) {
            params.add("%" + f.q().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
            conditions.add("(d.device_key ILIKE ?" + params.size() + " OR d.name ILIKE ?" + params.size() + ")");
        }
        if (f.expression() != null) {
            FilterSql.Sql sql;
            try {
                // versions are compared for equality here: the registry keeps no SemVer sort keys
                sql = FilterSql.translate(
                        f.expression(),
                        FILTER_COLUMNS,
                        VersionScheme.OPAQUE,
                        VersionScheme.OPAQUE,
                        n -> "?" + n,
                        params.size() + 1);
            } catch (FilterException e) {
                throw ApiException.invalid("filter", e.describe());
            }
            params.addAll(sql.params());
            conditions.add(sql.condition());
        }
        return new Where(conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions), params);
    }

    /**
     * Writes a device's name, revision (as the operator's, now), tags and test mark; its attributes' event entry
     * (none when it is not registered).
     */
    public Uni<List<DeviceAttributeStates.Entry>> updateAttributes(
            String productKey,
            String deviceKey,
            String name,
            String revision,
            boolean revisionChanged,
            String tagsJson,
            boolean testDevice) {
        return SessionStore.rows(
                        "UPDATE device SET name = CAST(?3 AS varchar), tags = CAST(CAST(?4 AS text) AS jsonb),"
                                + " test_device = CAST(?7 AS boolean),"
                                + " hardware_revision = CASE WHEN CAST(?5 AS boolean) THEN CAST(?6 AS varchar)"
                                + "   ELSE hardware_revision END,"
                                + " hardware_revision_source = CASE WHEN CAST(?5 AS boolean) THEN"
                                + "   CASE WHEN CAST(?6 AS varchar) IS NULL THEN NULL ELSE 'OPERATOR' END"
                                + "   ELSE hardware_revision_source END,"
                                + " hardware_revision_at = CASE WHEN CAST(?5 AS boolean) THEN now()"
                                + "   ELSE hardware_revision_at END"
                                + " WHERE product_key = ?1 AND device_key = ?2" + ATTRIBUTES_RETURNING,
                        productKey,
                        deviceKey,
                        name,
                        tagsJson,
                        revisionChanged,
                        revision,
                        testDevice)
                .map(rows -> rows.stream().map(RegistryStore::attributes).toList());
    }

    /** What a change of one device's attributes returns, for {@link #attributes(Object[])}. */
    private static final String ATTRIBUTES_RETURNING = " RETURNING product_key, device_key, hardware_revision,"
            + " tags::text, nextval('device_attribute_seq'), hold_reason, test_device";

    /**
     * A row of {@code product_key, device_key, hardware_revision, tags::text, seq, hold_reason, test_device} as its
     * entry.
     */
    private static DeviceAttributeStates.Entry attributes(Object[] r) {
        return new DeviceAttributeStates.Entry(
                (String) r[0],
                (String) r[1],
                (String) r[2],
                DeviceAttributes.tags((String) r[3]),
                ((Number) r[4]).longValue(),
                (String) r[5],
                (Boolean) r[6]);
    }

    /**
     * Puts a device on hold (a reason, who, now) or releases it ({@code reason} null); its attributes' event entry,
     * none when it is not registered.
     */
    public Uni<List<DeviceAttributeStates.Entry>> hold(String productKey, String deviceKey, String reason, String by) {
        return SessionStore.rows(
                        "UPDATE device SET hold_reason = CAST(?3 AS varchar),"
                                + " held_by = CASE WHEN CAST(?3 AS varchar) IS NULL THEN NULL ELSE CAST(?4 AS varchar) END,"
                                + " held_at = CASE WHEN CAST(?3 AS varchar) IS NULL THEN NULL ELSE now() END"
                                + " WHERE product_key = ?1 AND device_key = ?2" + ATTRIBUTES_RETURNING,
                        productKey,
                        deviceKey,
                        reason,
                        by)
                .map(rows -> rows.stream().map(RegistryStore::attributes).toList());
    }

    /** Locks a device row for a change of its attributes. */
    public Uni<Boolean> lockDevice(String productKey, String deviceKey) {
        return SessionStore.rows(
                        "SELECT 1 FROM device WHERE product_key = ?1 AND device_key = ?2 FOR UPDATE",
                        productKey,
                        deviceKey)
                .map(rows -> !rows.isEmpty());
    }

    /**
     * Tags the product's devices that the filter (or key list) selects: {@code set} merged in, {@code remove} keys
     * taken out, in one statement. Changes nothing when a device would end with more than {@code maxTags}
     * ({@link Tagging#over()} counts them).
     */
    public Uni<Tagging> tag(String productKey, DeviceFilter selection, String setJson, String[] remove, int maxTags) {
        Where where = where(selection);
        List<Object> params = new ArrayList<>(where.params());
        params.add(setJson);
        int set = params.size();
        params.add(remove);
        int rm = params.size();
        params.add(maxTags);
        int max = params.size();
        String matched = "SELECT d.product_key, d.device_key, (d.tags - CAST(?" + rm + " AS text[])) || CAST(CAST(?"
                + set + " AS text) AS jsonb) AS tags, d.tags AS before" + from(selection) + where.sql();
        String sql = "WITH m AS (" + matched + " FOR UPDATE OF d),"
                + " over AS (SELECT count(*) AS n FROM m WHERE (SELECT count(*) FROM jsonb_object_keys(m.tags)) > CAST(?"
                + max
                + " AS int)),"
                + " u AS (UPDATE device d SET tags = m.tags FROM m, over WHERE over.n = 0"
                + "   AND d.product_key = m.product_key AND d.device_key = m.device_key AND m.tags <> m.before"
                + "   RETURNING d.product_key, d.device_key, d.hardware_revision, d.tags::text,"
                + "   nextval('device_attribute_seq') AS seq, d.hold_reason, d.test_device)"
                + " SELECT (SELECT count(*) FROM m), (SELECT n FROM over), u.product_key, u.device_key,"
                + "   u.hardware_revision, u.tags, u.seq, u.hold_reason, u.test_device FROM (SELECT 1) one"
                + " LEFT JOIN u ON true";
        return SessionStore.rows(sql, params.toArray()).map(rows -> {
            List<DeviceAttributeStates.Entry> changed = new ArrayList<>();
            for (Object[] r : rows) {
                if (r[2] != null) {
                    changed.add(attributes(java.util.Arrays.copyOfRange(r, 2, 9)));
                }
            }
            Object[] first = rows.get(0);
            return new Tagging(((Number) first[0]).longValue(), ((Number) first[1]).longValue(), changed);
        });
    }

    /** What a bulk tagging found: the devices it selected, those over the tag limit, the changed ones' entries. */
    public record Tagging(long matched, long over, List<DeviceAttributeStates.Entry> changed) {}

    private static String from(DeviceFilter f) {
        return f.expression() == null ? DEVICE_FROM : DEVICE_FROM_WITH_GATEWAY;
    }

    private static RegisteredDevice registered(Object[] r) {
        return new RegisteredDevice(
                (String) r[0],
                (String) r[1],
                (String) r[2],
                NodeType.valueOf((String) r[3]),
                (String) r[4],
                (Boolean) r[5],
                (Boolean) r[6],
                (String) r[7],
                instant(r[8]),
                instant(r[9]),
                instant(r[10]),
                (String) r[11],
                (String) r[12],
                instant(r[13]),
                DeviceAttributes.tags((String) r[14]),
                r[15] == null ? null : new RegisteredDevice.Hold((String) r[15], (String) r[16], instant(r[17])),
                (Boolean) r[18]);
    }

    private static Instant instant(Object millis) {
        return millis == null ? null : Instant.ofEpochMilli(((Number) millis).longValue());
    }

    // --- claims -----------------------------------------------------------------------------------

    /**
     * What the registry holds about each claimed sub-device, with secrets still sealed: its product (absent
     * when not registered), whether it is registered, and its state.
     */
    public record ClaimView(
            NodeType nodeType,
            BindPolicy policy,
            boolean dynamicRegistration,
            byte[] productSecret,
            boolean registered,
            byte[] deviceSecret,
            DeviceRow state) {}

    /** The claim view of each key whose product is registered; keys of unregistered products are absent. */
    public Uni<Map<SubDeviceRef, ClaimView>> claims(List<SubDeviceRef> keys) {
        return SessionStore.rows(
                        "SELECT u.product_key, u.device_key, p.node_type, p.bind_policy, p.dynamic_registration, p.secret,"
                                + " d.device_key IS NOT NULL, d.secret, s.gateway_id, coalesce(s.attached, false),"
                                + " coalesce(s.online, false), s.version, coalesce(s.seq, 0)"
                                + " FROM unnest(CAST(?1 AS text[]), CAST(?2 AS text[])) AS u (product_key, device_key)"
                                + " JOIN product p ON p.product_key = u.product_key"
                                + " LEFT JOIN device d ON d.product_key = u.product_key AND d.device_key = u.device_key"
                                + " LEFT JOIN sub_device s ON s.product_key = u.product_key AND s.device_key = u.device_key",
                        keys.stream().map(SubDeviceRef::productKey).toArray(String[]::new),
                        keys.stream().map(SubDeviceRef::deviceKey).toArray(String[]::new))
                .map(rows -> {
                    Map<SubDeviceRef, ClaimView> found = new LinkedHashMap<>();
                    for (Object[] r : rows) {
                        SubDeviceRef key = new SubDeviceRef((String) r[0], (String) r[1]);
                        boolean registered = (Boolean) r[6];
                        found.put(
                                key,
                                new ClaimView(
                                        NodeType.valueOf((String) r[2]),
                                        BindPolicy.valueOf((String) r[3]),
                                        (Boolean) r[4],
                                        (byte[]) r[5],
                                        registered,
                                        (byte[]) r[7],
                                        registered
                                                ? new DeviceRow(
                                                        key.productKey(),
                                                        key.deviceKey(),
                                                        (String) r[8],
                                                        (Boolean) r[9],
                                                        (Boolean) r[10],
                                                        (String) r[11],
                                                        ((Number) r[12]).longValue())
                                                : null));
                    }
                    return found;
                });
    }
}
