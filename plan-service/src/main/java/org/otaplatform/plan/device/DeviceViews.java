package org.otaplatform.plan.device;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.otaplatform.contract.internal.DeviceAttributeStates;
import org.otaplatform.contract.internal.DeviceState;
import org.otaplatform.contract.internal.GatewayState;
import org.otaplatform.contract.internal.ProductState;
import org.otaplatform.contract.version.SemanticVersion;
import org.otaplatform.contract.version.VersionScheme;

/**
 * plan-service's device and gateway view: the newest state by seq, whatever order events arrive in. A
 * sub-device is upgraded only while it is bound to a gateway (device-gateway-service's registry decides).
 */
@ApplicationScoped
public class DeviceViews {

    private final TaskEffects tasks;
    private final VersionEffects versions;

    DeviceViews(TaskEffects tasks, VersionEffects versions) {
        this.tasks = tasks;
        this.versions = versions;
    }

    /**
     * Applies states in one statement: of the states of one sub-device the newest (highest seq) counts, as
     * it would applied one by one. A sub-device bound to no gateway keeps its row, without a gateway (a
     * tombstone an older event cannot overwrite), and its last known version when the event knows none.
     * Then the open tasks of these sub-devices that were sent to another gateway than the one each is bound
     * to now end CANCELLED ({@link TaskEffects#cancelWhereNotBound}), and a SUCCEEDED whose device is back
     * on its old version is corrected ({@link VersionEffects#correctRollbacks}).
     */
    public Uni<Void> applyAll(List<DeviceState> states) {
        Map<String, DeviceState> newest = new TreeMap<>();
        for (DeviceState d : states) {
            newest.merge(d.productKey() + '\u0000' + d.deviceKey(), d, (a, b) -> b.seq() > a.seq() ? b : a);
        }
        List<DeviceState> rows = List.copyOf(newest.values());
        String[] products = rows.stream().map(DeviceState::productKey).toArray(String[]::new);
        String[] devices = rows.stream().map(DeviceState::deviceKey).toArray(String[]::new);
        // first the rows as they were, locked in key order (one statement could not both lock them and read
        // them before its own upsert); then the upsert says which states the view took
        String before = "SELECT v.product_key, v.device_key, v.version, v.version_assumed FROM device_view v"
                + " JOIN unnest(CAST(?1 AS varchar[]), CAST(?2 AS varchar[])) AS i (product_key, device_key)"
                + "   ON v.product_key = i.product_key AND v.device_key = i.device_key"
                + " ORDER BY v.product_key, v.device_key FOR UPDATE OF v";
        // the row takes the device's targeting attributes from device_attributes_view whenever it is written
        // (V23): an attributes entry that came first is never lost
        String upsert = "INSERT INTO device_view (product_key, device_key, gateway_id, online, attached,"
                + " version, version_key, seq, is_gateway, updated_at, hardware_revision, tags, hold_reason)"
                + " SELECT d.product_key, d.device_key, d.gateway_id,"
                + " d.online, d.attached, d.version, decode(d.version_key, 'hex'), d.seq, d.is_gateway, now(),"
                + " a.hardware_revision, coalesce(a.tags, '{}'::jsonb), a.hold_reason"
                + " FROM unnest(CAST(?1 AS varchar[]), CAST(?2 AS varchar[]),"
                + " CAST(?3 AS varchar[]), CAST(?4 AS boolean[]), CAST(?5 AS boolean[]),"
                + " CAST(?6 AS varchar[]), CAST(?7 AS bigint[]), CAST(?8 AS boolean[]), CAST(?9 AS text[]))"
                + " AS d (product_key, device_key, gateway_id, online, attached, version, seq, is_gateway,"
                + " version_key)"
                + " LEFT JOIN device_attributes_view a ON a.product_key = d.product_key AND a.device_key = d.device_key"
                + " ON CONFLICT (product_key, device_key) DO UPDATE SET gateway_id = EXCLUDED.gateway_id,"
                + " hardware_revision = EXCLUDED.hardware_revision, tags = EXCLUDED.tags,"
                + " hold_reason = EXCLUDED.hold_reason,"
                + " is_gateway = EXCLUDED.is_gateway,"
                + " online = EXCLUDED.online, attached = EXCLUDED.attached,"
                + " version = coalesce(EXCLUDED.version, device_view.version), seq = EXCLUDED.seq,"
                + " version_key = CASE WHEN EXCLUDED.version IS NULL THEN device_view.version_key"
                + "   ELSE EXCLUDED.version_key END,"
                // a version device-gateway-service reports is no longer one a SUCCEEDED made the view assume
                + " version_assumed = device_view.version_assumed AND EXCLUDED.version IS NULL,"
                + " updated_at = now() WHERE device_view.seq < EXCLUDED.seq"
                + " RETURNING product_key, device_key, version";
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(before, Object[].class)
                        .setParameter(1, products)
                        .setParameter(2, devices)
                        .getResultList()
                        .flatMap(known -> s.createNativeQuery(upsert, Object[].class)
                                .setParameter(1, products)
                                .setParameter(2, devices)
                                .setParameter(
                                        3,
                                        rows.stream()
                                                .map(DeviceState::gatewayId)
                                                .toArray(String[]::new))
                                .setParameter(
                                        4,
                                        rows.stream().map(DeviceState::online).toArray(Boolean[]::new))
                                .setParameter(
                                        5,
                                        rows.stream().map(DeviceState::attached).toArray(Boolean[]::new))
                                .setParameter(
                                        6,
                                        rows.stream().map(DeviceState::version).toArray(String[]::new))
                                .setParameter(
                                        7, rows.stream().map(DeviceState::seq).toArray(Long[]::new))
                                .setParameter(
                                        8,
                                        rows.stream()
                                                .map(DeviceState::isGateway)
                                                .toArray(Boolean[]::new))
                                .setParameter(
                                        9,
                                        rows.stream()
                                                .map(d -> Downgrades.keyHex(d.version()))
                                                .toArray(String[]::new))
                                .getResultList()
                                .map(taken -> changes(known, taken)))
                        .flatMap(changes ->
                                tasks.cancelWhereNotBound(rows).flatMap(v -> versions.correctRollbacks(changes))));
    }

    /**
     * The devices whose version the view changed from one device-gateway-service reported (not one a SUCCEEDED
     * made it assume) to another.
     */
    private static List<VersionEffects.VersionChange> changes(List<Object[]> known, List<Object[]> taken) {
        Map<String, String> reported = new HashMap<>();
        for (Object[] r : known) {
            if (r[2] != null && !(Boolean) r[3]) {
                reported.put(r[0] + "\u0000" + r[1], (String) r[2]);
            }
        }
        List<VersionEffects.VersionChange> changes = new ArrayList<>();
        for (Object[] r : taken) {
            String was = reported.get(r[0] + "\u0000" + r[1]);
            if (was != null && r[2] != null && !was.equals(r[2])) {
                changes.add(new VersionEffects.VersionChange((String) r[0], (String) r[1], was, (String) r[2]));
            }
        }
        return changes;
    }

    /**
     * Tasks succeeded: their devices run the new versions now ("productKey NUL deviceKey" → version), before
     * device-gateway-service's next events say so (their seq is kept, so those events still apply), except for
     * rows another transaction holds: that is a batch of device events applying what device-gateway-service
     * sent with the report (it publishes a sub-device's new version together with the success), so the
     * view gets the version from it, and a run of reports never waits for, nor deadlocks with, one.
     */
    public Uni<Void> upgradedAll(SortedMap<String, String> versions) {
        String[] products = new String[versions.size()];
        String[] devices = new String[versions.size()];
        String[] targets = new String[versions.size()];
        int i = 0;
        for (var e : versions.entrySet()) {
            int cut = e.getKey().indexOf('\u0000');
            products[i] = e.getKey().substring(0, cut);
            devices[i] = e.getKey().substring(cut + 1);
            targets[i++] = e.getValue();
        }
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("UPDATE device_view d SET version = u.version,"
                                + " version_key = decode(u.version_key, 'hex'),"
                                + " version_assumed = d.version_assumed OR d.version IS DISTINCT FROM u.version, updated_at = now()"
                                + " FROM (SELECT v.product_key, v.device_key, i.version, i.version_key FROM device_view v"
                                + "   JOIN unnest(CAST(?1 AS varchar[]), CAST(?2 AS varchar[]), CAST(?3 AS varchar[]),"
                                + "     CAST(?4 AS text[])) AS i (product_key, device_key, version, version_key)"
                                + "   ON v.product_key = i.product_key AND v.device_key = i.device_key"
                                + "   ORDER BY v.product_key, v.device_key FOR UPDATE OF v SKIP LOCKED) u"
                                + " WHERE d.product_key = u.product_key AND d.device_key = u.device_key")
                        .setParameter(1, products)
                        .setParameter(2, devices)
                        .setParameter(3, targets)
                        .setParameter(
                                4,
                                java.util.Arrays.stream(targets)
                                        .map(Downgrades::keyHex)
                                        .toArray(String[]::new))
                        .executeUpdate())
                .replaceWithVoid();
    }

    public Uni<Void> apply(GatewayState g) {
        Uni<Void> ackClock = g.online()
                ? tasks.restartAckClock(g.gatewayId())
                : Uni.createFrom().voidItem();
        return ackClock.flatMap(v -> Panache.getSession())
                .flatMap(s -> s.createNativeQuery(
                                "INSERT INTO gateway_view (gateway_id, online, seq, product_key, version,"
                                        + " version_key, updated_at) VALUES (?1, ?2, ?3, CAST(?4 AS varchar), CAST(?5 AS varchar),"
                                        + " CAST(?6 AS bytea), now())"
                                        + " ON CONFLICT (gateway_id) DO UPDATE SET online = EXCLUDED.online, seq = EXCLUDED.seq,"
                                        // a presence change alone keeps the firmware the last hello reported
                                        + " product_key = coalesce(EXCLUDED.product_key, gateway_view.product_key),"
                                        + " version = coalesce(EXCLUDED.version, gateway_view.version),"
                                        + " version_key = CASE WHEN EXCLUDED.version IS NULL THEN gateway_view.version_key"
                                        + "   ELSE EXCLUDED.version_key END,"
                                        + " updated_at = now() WHERE gateway_view.seq < EXCLUDED.seq")
                        .setParameter(1, g.gatewayId())
                        .setParameter(2, g.online())
                        .setParameter(3, g.seq())
                        .setParameter(4, g.productKey())
                        .setParameter(5, g.version())
                        .setParameter(6, SemanticVersion.sortKeyOf(g.version()))
                        .executeUpdate())
                .replaceWithVoid();
    }

    /**
     * Devices' targeting attributes (hardware revision, tags): of several entries of one device the highest seq
     * counts, in one statement; an older entry than the view holds changes nothing.
     */
    public Uni<Void> applyAttributes(List<DeviceAttributeStates.Entry> entries) {
        Map<String, DeviceAttributeStates.Entry> newest = new TreeMap<>();
        for (DeviceAttributeStates.Entry e : entries) {
            newest.merge(e.productKey() + '\u0000' + e.deviceKey(), e, (a, b) -> b.seq() > a.seq() ? b : a);
        }
        List<DeviceAttributeStates.Entry> rows = List.copyOf(newest.values());
        String[] products =
                rows.stream().map(DeviceAttributeStates.Entry::productKey).toArray(String[]::new);
        String[] devices =
                rows.stream().map(DeviceAttributeStates.Entry::deviceKey).toArray(String[]::new);
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "INSERT INTO device_attributes_view (product_key, device_key,"
                                        + " hardware_revision, tags, seq, hold_reason, test_device, updated_at) SELECT product_key,"
                                        + " device_key, revision, CAST(tags AS jsonb), seq, hold, test, now() FROM"
                                        + " unnest(CAST(?1 AS varchar[]), CAST(?2 AS varchar[]), CAST(?3 AS varchar[]),"
                                        + " CAST(?4 AS text[]), CAST(?5 AS bigint[]), CAST(?6 AS varchar[]), CAST(?7 AS boolean[]))"
                                        + " AS i (product_key, device_key, revision, tags, seq, hold, test)"
                                        + " ON CONFLICT (product_key, device_key) DO UPDATE SET"
                                        + " hardware_revision = EXCLUDED.hardware_revision, tags = EXCLUDED.tags,"
                                        + " hold_reason = EXCLUDED.hold_reason, test_device = EXCLUDED.test_device,"
                                        + " seq = EXCLUDED.seq, updated_at = now() WHERE device_attributes_view.seq < EXCLUDED.seq")
                        .setParameter(1, products)
                        .setParameter(2, devices)
                        .setParameter(
                                3,
                                rows.stream()
                                        .map(DeviceAttributeStates.Entry::hardwareRevision)
                                        .toArray(String[]::new))
                        .setParameter(4, rows.stream().map(e -> json(e.tags())).toArray(String[]::new))
                        .setParameter(
                                5,
                                rows.stream()
                                        .map(DeviceAttributeStates.Entry::seq)
                                        .toArray(Long[]::new))
                        .setParameter(
                                6,
                                rows.stream()
                                        .map(DeviceAttributeStates.Entry::hold)
                                        .toArray(String[]::new))
                        .setParameter(
                                7,
                                rows.stream()
                                        .map(DeviceAttributeStates.Entry::testDevice)
                                        .toArray(Boolean[]::new))
                        .executeUpdate()
                        // the devices' rows follow (V23): what targeting counts reads them
                        .flatMap(n -> s.createNativeQuery(
                                        "UPDATE device_view d SET hardware_revision ="
                                                + " a.hardware_revision, tags = a.tags, hold_reason = a.hold_reason"
                                                + " FROM device_attributes_view a, unnest(CAST(?1 AS varchar[]),"
                                                + " CAST(?2 AS varchar[])) AS i (product_key, device_key)"
                                                + " WHERE a.product_key = i.product_key AND a.device_key = i.device_key"
                                                + " AND d.product_key = a.product_key AND d.device_key = a.device_key"
                                                + " AND (d.hardware_revision IS DISTINCT FROM a.hardware_revision"
                                                + " OR d.tags IS DISTINCT FROM a.tags OR d.hold_reason IS DISTINCT FROM a.hold_reason)")
                                .setParameter(1, products)
                                .setParameter(2, devices)
                                .executeUpdate()))
                .replaceWithVoid();
    }

    private static String json(Map<String, String> tags) {
        try {
            return org.otaplatform.contract.codec.MessageCodec.mapper().writeValueAsString(new TreeMap<>(tags));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A product's node type and version scheme; the newest by seq. */
    public Uni<Void> apply(ProductState p) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "INSERT INTO product_view (product_key, node_type, version_scheme, deleted,"
                                        + " seq, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, now()) ON CONFLICT (product_key) DO UPDATE"
                                        + " SET node_type = EXCLUDED.node_type, version_scheme = EXCLUDED.version_scheme,"
                                        + " deleted = EXCLUDED.deleted, seq = EXCLUDED.seq, updated_at = now()"
                                        + " WHERE product_view.seq < EXCLUDED.seq")
                        .setParameter(1, p.productKey())
                        .setParameter(2, p.isGatewayProduct() ? "GATEWAY" : "SUB_DEVICE")
                        .setParameter(
                                3, VersionScheme.orDefault(p.versionScheme()).name())
                        .setParameter(4, p.deleted())
                        .setParameter(5, p.seq())
                        .executeUpdate())
                .replaceWithVoid();
    }
}
