package org.otaplatform.devicegateway.session;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.otaplatform.common.messaging.Outbox;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.internal.DeviceState;
import org.otaplatform.contract.internal.GatewayUplink;
import org.otaplatform.contract.internal.InternalMessage;

/**
 * A gateway as a device of its {@code GATEWAY} product (gateway protocol, "Gateway firmware"): when a
 * registered gateway connects or goes away, plan-service is told its state as a device bound to itself, so
 * that a plan of its product targets it; and after it reconnected, the version it booted is handed to
 * plan-service on the uplink topic behind its reports, so that its own newest task is decided by it in
 * order with what the gateway said before it rebooted. In the caller's transaction.
 */
@ApplicationScoped
public class GatewayDevices {

    private final DeviceEvents events;
    private final Outbox outbox;
    private final Clock clock = Clock.systemUTC();

    GatewayDevices(DeviceEvents events, Outbox outbox) {
        this.events = events;
        this.outbox = outbox;
    }

    /** A registered gateway's product and firmware as this service holds them, with a fresh change counter. */
    private record Registered(String productKey, String version, long seq) {}

    /** The gateway connected ({@code hello} with {@code msgId}): its state as a device, and the version it booted. */
    public Uni<Void> connected(String gatewayId, String msgId) {
        return registered(gatewayId).flatMap(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            Registered g = found.get();
            return events.devices(List.of(
                            DeviceState.ofGateway(g.productKey(), gatewayId, true, g.version(), "ONLINE", g.seq())))
                    .flatMap(v -> newestOwnTask(gatewayId, g.productKey()))
                    .flatMap(task -> task.isEmpty() || g.version() == null
                            ? Uni.createFrom().voidItem()
                            : outbox.add(
                                    InternalTopics.GATEWAY_UPLINK,
                                    InternalMessage.of(
                                            GatewayUplink.Reports.TYPE,
                                            DeviceEvents.SOURCE,
                                            clock.millis(),
                                            new GatewayUplink.Reports(List.of(GatewayUplink.Entry.boot(
                                                    gatewayId, msgId, task.get(), g.version()))))));
        });
    }

    /** The gateway went offline, or came back without a {@code hello}: its state as a device. */
    public Uni<Void> presence(String gatewayId, boolean online) {
        return registered(gatewayId)
                .flatMap(found -> found.isEmpty()
                        ? Uni.createFrom().voidItem()
                        : events.devices(List.of(DeviceState.ofGateway(
                                found.get().productKey(),
                                gatewayId,
                                online,
                                found.get().version(),
                                online ? "ONLINE" : "OFFLINE",
                                found.get().seq()))));
    }

    /** A registered gateway was deleted: plan-service no longer targets it (a tombstone bound to nothing). */
    public Uni<Void> deleted(String productKey, String gatewayId) {
        return SessionStore.rows("SELECT nextval('device_state_seq')")
                .flatMap(rows -> events.devices(List.of(new DeviceState(
                        productKey,
                        gatewayId,
                        null,
                        false,
                        null,
                        "DELETED",
                        ((Number) rows.get(0)[0]).longValue(),
                        false,
                        true))));
    }

    private Uni<Optional<Registered>> registered(String gatewayId) {
        return SessionStore.rows(
                        "SELECT g.product_key, g.version, nextval('device_state_seq') FROM gateway g"
                                + " JOIN device d ON d.product_key = g.product_key AND d.device_key = g.gateway_id"
                                + " JOIN product p ON p.product_key = d.product_key AND p.node_type = 'GATEWAY'"
                                + " WHERE g.gateway_id = ?1",
                        gatewayId)
                .map(rows -> rows.stream()
                        .findFirst()
                        .map(r -> new Registered((String) r[0], (String) r[1], ((Number) r[2]).longValue())));
    }

    private static Uni<Optional<String>> newestOwnTask(String gatewayId, String productKey) {
        return SessionStore.rows(
                        "SELECT task_id FROM gateway_task WHERE gateway_id = ?1 AND gateway_firmware"
                                + " AND product_key = ?2 AND device_key = ?1 ORDER BY sent_at DESC LIMIT 1",
                        gatewayId,
                        productKey)
                .map(rows -> rows.stream().findFirst().map(r -> (String) r[0]));
    }
}
