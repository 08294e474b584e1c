package org.otaplatform.devicegateway.session;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import org.otaplatform.contract.internal.DeviceAttributeStates;

/**
 * The write side of gateway sessions and of the uplink's de-duplication, in the caller's transaction; a
 * gateway's row changes under its lock and every change of its {@code online} bumps its {@code seq}. The
 * sub-devices' side is {@link SubDeviceStore}.
 */
@ApplicationScoped
public class SessionStore {

    private final DeviceEvents events;

    SessionStore(DeviceEvents events) {
        this.events = events;
    }

    /** Opens or refreshes a session on hello; returns the gateway's new seq. */
    public Uni<Long> gatewayOnline(String gatewayId, String productKey, String version, String hardwareRevision) {
        return single(
                        "INSERT INTO gateway (gateway_id, product_key, version, online, connected_at, last_seen_at, seq,"
                                + " hardware_revision) VALUES (?1, ?2, ?3, true, now(), now(), 1, CAST(?4 AS varchar))"
                                + " ON CONFLICT (gateway_id) DO UPDATE SET"
                                + " product_key = EXCLUDED.product_key, version = EXCLUDED.version, online = true,"
                                + " connected_at = now(), last_seen_at = now(), seq = gateway.seq + 1,"
                                + " hardware_revision = coalesce(EXCLUDED.hardware_revision, gateway.hardware_revision)"
                                + " RETURNING seq",
                        gatewayId,
                        productKey,
                        version,
                        hardwareRevision)
                .map(seq -> ((Number) seq).longValue())
                .call(seq -> hardwareRevision == null
                        ? Uni.createFrom().voidItem()
                        : reportedRevision(productKey, gatewayId, hardwareRevision)
                                .flatMap(events::attributes));
    }

    /**
     * A device's hardware revision as its gateway reported it: the last writer wins over an operator's, and the
     * row says REPORTED and when; written only when it changes.
     */
    public Uni<List<DeviceAttributeStates.Entry>> reportedRevision(
            String productKey, String deviceKey, String revision) {
        return rows(
                        "UPDATE device SET hardware_revision = ?3, hardware_revision_source = 'REPORTED',"
                                + " hardware_revision_at = now() WHERE product_key = ?1 AND device_key = ?2"
                                + " AND (hardware_revision IS DISTINCT FROM ?3"
                                + "   OR hardware_revision_source IS DISTINCT FROM 'REPORTED')"
                                + " RETURNING tags::text, nextval('device_attribute_seq'), hold_reason, test_device",
                        productKey,
                        deviceKey,
                        revision)
                .map(rows -> rows.stream()
                        .map(r -> new DeviceAttributeStates.Entry(
                                productKey,
                                deviceKey,
                                revision,
                                tags((String) r[0]),
                                ((Number) r[1]).longValue(),
                                (String) r[2],
                                (Boolean) r[3]))
                        .toList());
    }

    /** A device's tags from their jsonb text. */
    private static java.util.Map<String, String> tags(String json) {
        try {
            return org.otaplatform.contract.codec.MessageCodec.mapper()
                    .readValue(
                            json,
                            new com.fasterxml.jackson.core.type.TypeReference<java.util.Map<String, String>>() {});
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("tags are not a JSON object of strings: " + json, e);
        }
    }

    /** Marks an online gateway offline; empty when it was not online (or is unknown). */
    public Uni<Optional<Long>> gatewayOffline(String gatewayId) {
        return switchOnline(gatewayId, false);
    }

    /**
     * A gateway sent a message: it was seen now, and if it is held offline here it is online again (it is
     * connected); the new seq when it was revived so, empty when it was online already (or is unknown).
     */
    public Uni<Optional<Long>> gatewaySeen(String gatewayId) {
        return rows(
                        "UPDATE gateway g SET online = true, last_seen_at = now(),"
                                + " seq = CASE WHEN before.online THEN g.seq ELSE g.seq + 1 END"
                                + " FROM (SELECT gateway_id, online FROM gateway WHERE gateway_id = ?1 FOR UPDATE) before"
                                + " WHERE g.gateway_id = before.gateway_id RETURNING before.online, g.seq",
                        gatewayId)
                .map(rows ->
                        rows.stream().findFirst().filter(r -> !((Boolean) r[0])).map(r -> ((Number) r[1]).longValue()));
    }

    /** Sets {@code online} when it differs, with a new seq; that seq, or empty when nothing changed. */
    private Uni<Optional<Long>> switchOnline(String gatewayId, boolean online) {
        return rows(
                        "UPDATE gateway SET online = " + online + ", last_seen_at = now(), seq = seq + 1"
                                + " WHERE gateway_id = ?1 AND online = " + !online + " RETURNING seq",
                        gatewayId)
                .map(rows -> rows.stream().findFirst().map(r -> ((Number) r[0]).longValue()));
    }

    /** Records (gatewayId, msgId); false when it was recorded already: the message is a duplicate. */
    public Uni<Boolean> firstSeen(String gatewayId, String msgId) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "INSERT INTO uplink_seen (gateway_id, msg_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING")
                        .setParameter(1, gatewayId)
                        .setParameter(2, msgId)
                        .executeUpdate())
                .map(n -> n == 1);
    }

    private static Uni<Object> single(String sql, Object... params) {
        return rows(sql, params).map(rows -> rows.get(0)[0]);
    }

    /** Rows of a native query in the current session; a one-column row arrives as its value and is wrapped. */
    public static Uni<List<Object[]>> rows(String sql, Object... params) {
        return Panache.getSession().flatMap(s -> {
            var query = s.createNativeQuery(sql);
            for (int i = 0; i < params.length; i++) {
                query.setParameter(i + 1, params[i]);
            }
            return query.getResultList()
                    .map(list -> list.stream()
                            .map(row -> row instanceof Object[] array ? array : new Object[] {row})
                            .toList());
        });
    }
}
