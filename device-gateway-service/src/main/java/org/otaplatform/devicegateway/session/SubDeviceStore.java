package org.otaplatform.devicegateway.session;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.otaplatform.contract.internal.DeviceState;
import org.otaplatform.contract.message.SubDeviceRef;

/**
 * The state of registered sub-devices, written in the caller's transaction: the gateway each is bound to
 * (null: none), whether that gateway lists it now ({@code attached}), whether it is online, and the version
 * it runs (null until one is reported). A change is applied by locking the sub-devices' registry rows first
 * ({@link #lock}), in key order, so that two replicas, or a gateway and an operator, change one sub-device
 * one after the other; every write takes a new {@code seq} from one sequence and is returned as the event
 * that announces it.
 */
@ApplicationScoped
public class SubDeviceStore {

    /** A registered sub-device's state. */
    public record DeviceRow(
            String productKey,
            String deviceKey,
            String gatewayId,
            boolean attached,
            boolean online,
            String version,
            long seq) {

        public SubDeviceRef key() {
            return new SubDeviceRef(productKey, deviceKey);
        }

        /** The same sub-device bound to {@code gateway} (null: unbound), listed or not, online or not. */
        public DeviceRow at(String gateway, boolean listed, boolean on) {
            return new DeviceRow(productKey, deviceKey, gateway, listed, listed && on, version, seq);
        }

        public DeviceRow running(String newVersion) {
            return new DeviceRow(productKey, deviceKey, gatewayId, attached, online, newVersion, seq);
        }

        /** A registered sub-device that has no state yet: bound to none, never seen. */
        public static DeviceRow unbound(SubDeviceRef key) {
            return new DeviceRow(key.productKey(), key.deviceKey(), null, false, false, null, 0);
        }
    }

    /** A sub-device's new state, what changed ({@code DeviceState.change}), and whether its gateway reported it. */
    public record Change(DeviceRow state, String change, boolean seen) {}

    /**
     * Locks the registry rows of {@code keys} and, when {@code boundTo} is not null, of every sub-device bound
     * to that gateway, in key order; unregistered keys lock nothing.
     */
    public Uni<Void> lock(Collection<SubDeviceRef> keys, String boundTo) {
        List<SubDeviceRef> sorted = sorted(keys);
        return SessionStore.rows(
                        "SELECT d.product_key FROM device d JOIN"
                                + " (SELECT * FROM unnest(CAST(?1 AS text[]), CAST(?2 AS text[])) AS u (product_key, device_key)"
                                + " UNION SELECT product_key, device_key FROM sub_device WHERE gateway_id = ?3) k"
                                + " ON d.product_key = k.product_key AND d.device_key = k.device_key"
                                + " ORDER BY d.product_key, d.device_key FOR NO KEY UPDATE OF d",
                        products(sorted),
                        devices(sorted),
                        boundTo == null ? "" : boundTo)
                .replaceWithVoid();
    }

    /** The state of each registered sub-device among {@code keys}; unregistered ones are absent. */
    public Uni<Map<SubDeviceRef, DeviceRow>> states(Collection<SubDeviceRef> keys) {
        List<SubDeviceRef> sorted = sorted(keys);
        return SessionStore.rows(
                        "SELECT d.product_key, d.device_key, s.gateway_id, coalesce(s.attached, false),"
                                + " coalesce(s.online, false), s.version, coalesce(s.seq, 0)"
                                + " FROM unnest(CAST(?1 AS text[]), CAST(?2 AS text[])) AS u (product_key, device_key)"
                                + " JOIN device d ON d.product_key = u.product_key AND d.device_key = u.device_key"
                                + " LEFT JOIN sub_device s ON s.product_key = d.product_key AND s.device_key = d.device_key",
                        products(sorted),
                        devices(sorted))
                .map(rows -> {
                    Map<SubDeviceRef, DeviceRow> found = new LinkedHashMap<>();
                    rows.forEach(r -> {
                        DeviceRow row = row(r, 0);
                        found.put(row.key(), row);
                    });
                    return found;
                });
    }

    /** Every sub-device bound to the gateway, in key order. */
    public Uni<List<DeviceRow>> boundTo(String gatewayId) {
        return SessionStore.rows(
                        "SELECT product_key, device_key, gateway_id, attached, online, version, seq FROM sub_device"
                                + " WHERE gateway_id = ?1 ORDER BY product_key, device_key",
                        gatewayId)
                .map(rows -> rows.stream().map(r -> row(r, 0)).toList());
    }

    /**
     * Writes the changes in one statement (of several changes to one sub-device the last counts) and returns
     * the events that announce them, in order.
     */
    public Uni<List<DeviceState>> write(List<Change> changes) {
        Map<SubDeviceRef, Change> last = new LinkedHashMap<>();
        changes.forEach(c -> {
            last.remove(c.state().key());
            last.put(c.state().key(), c);
        });
        if (last.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<Change> list = new ArrayList<>(last.values());
        return SessionStore.rows(
                        "INSERT INTO sub_device AS s (product_key, device_key, gateway_id, attached, online, version,"
                                + " last_seen_at, bound_at, seq)"
                                + " SELECT product_key, device_key, gateway_id, attached, online, version,"
                                + " CASE WHEN seen THEN now() END, CASE WHEN gateway_id IS NOT NULL THEN now() END,"
                                + " nextval('device_state_seq')"
                                + " FROM unnest(CAST(?1 AS text[]), CAST(?2 AS text[]), CAST(?3 AS text[]),"
                                + " CAST(?4 AS boolean[]), CAST(?5 AS boolean[]), CAST(?6 AS text[]), CAST(?7 AS boolean[]))"
                                + " WITH ORDINALITY AS u (product_key, device_key, gateway_id, attached, online, version, seen, n)"
                                + " ORDER BY n"
                                + " ON CONFLICT (product_key, device_key) DO UPDATE SET gateway_id = EXCLUDED.gateway_id,"
                                + " attached = EXCLUDED.attached, online = EXCLUDED.online,"
                                + " version = coalesce(EXCLUDED.version, s.version),"
                                + " last_seen_at = coalesce(EXCLUDED.last_seen_at, s.last_seen_at),"
                                + " bound_at = CASE WHEN s.gateway_id IS NOT DISTINCT FROM EXCLUDED.gateway_id THEN s.bound_at"
                                + " ELSE EXCLUDED.bound_at END, seq = EXCLUDED.seq"
                                + " RETURNING product_key, device_key, gateway_id, attached, online, version, seq",
                        list.stream().map(c -> c.state().productKey()).toArray(String[]::new),
                        list.stream().map(c -> c.state().deviceKey()).toArray(String[]::new),
                        list.stream().map(c -> c.state().gatewayId()).toArray(String[]::new),
                        list.stream().map(c -> c.state().attached()).toArray(Boolean[]::new),
                        list.stream().map(c -> c.state().online()).toArray(Boolean[]::new),
                        list.stream().map(c -> c.state().version()).toArray(String[]::new),
                        list.stream().map(Change::seen).toArray(Boolean[]::new))
                .map(rows -> {
                    Map<SubDeviceRef, DeviceRow> written = new LinkedHashMap<>();
                    rows.forEach(r -> {
                        DeviceRow row = row(r, 0);
                        written.put(row.key(), row);
                    });
                    return list.stream()
                            .map(c -> event(written.get(c.state().key()), c.change()))
                            .toList();
                });
    }

    /**
     * The event of a sub-device leaving the registry: its last state, bound to no gateway. Deleting its
     * registry row removes its state with it; the event keeps consumers' views in step.
     */
    public Uni<DeviceState> deleted(DeviceRow last) {
        return SessionStore.rows("SELECT nextval('device_state_seq')")
                .map(rows -> new DeviceState(
                        last.productKey(),
                        last.deviceKey(),
                        null,
                        false,
                        last.version(),
                        "DELETED",
                        ((Number) rows.get(0)[0]).longValue(),
                        false));
    }

    private static DeviceState event(DeviceRow row, String change) {
        return new DeviceState(
                row.productKey(),
                row.deviceKey(),
                row.gatewayId(),
                row.online(),
                row.version(),
                change,
                row.seq(),
                row.attached());
    }

    /** A row of {@code product_key, device_key, gateway_id, attached, online, version, seq} from {@code at}. */
    static DeviceRow row(Object[] r, int at) {
        return new DeviceRow(
                (String) r[at],
                (String) r[at + 1],
                (String) r[at + 2],
                (Boolean) r[at + 3],
                (Boolean) r[at + 4],
                (String) r[at + 5],
                ((Number) r[at + 6]).longValue());
    }

    private static List<SubDeviceRef> sorted(Collection<SubDeviceRef> keys) {
        TreeSet<SubDeviceRef> set = new TreeSet<>((a, b) -> a.productKey().equals(b.productKey())
                ? a.deviceKey().compareTo(b.deviceKey())
                : a.productKey().compareTo(b.productKey()));
        set.addAll(keys);
        return List.copyOf(set);
    }

    private static String[] products(List<SubDeviceRef> keys) {
        return keys.stream().map(SubDeviceRef::productKey).toArray(String[]::new);
    }

    private static String[] devices(List<SubDeviceRef> keys) {
        return keys.stream().map(SubDeviceRef::deviceKey).toArray(String[]::new);
    }
}
