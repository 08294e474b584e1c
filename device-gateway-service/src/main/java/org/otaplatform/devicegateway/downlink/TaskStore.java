package org.otaplatform.devicegateway.downlink;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.otaplatform.contract.codec.MessageCodec;
import org.otaplatform.contract.internal.GatewayCommand;
import org.otaplatform.devicegateway.session.SessionStore;
import org.otaplatform.devicegateway.session.SubDeviceStore;

/** Upgrades sent to gateways: SENT until acked, ACKED until they end, then ENDED. */
@ApplicationScoped
public class TaskStore {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(TaskStore.class);

    /**
     * Whether a task's sub-device is bound to its gateway now, in SQL over columns {@code gateway_id, product_key,
     * device_key, gateway_firmware}: the binding is checked again when the command is sent (issue #35), since
     * plan-service chose the gateway from its view of an earlier moment. A gateway's own upgrade is about itself.
     */
    private static final String BOUND_NOW = "(c.gateway_firmware OR EXISTS (SELECT 1 FROM sub_device s"
            + " WHERE s.product_key = c.product_key AND s.device_key = c.device_key AND s.gateway_id = c.gateway_id))";

    /**
     * Stores a new upgrade; true when it is to be sent: false for a repeated command (the task is known), and
     * for one whose sub-device is no longer bound to the command's gateway, which is stored ENDED and never
     * sent (plan-service ends the task when it sees the binding change).
     */
    public Uni<Boolean> insert(GatewayCommand.Upgrade command) {
        return insertAll(List.of(command)).map(sent -> sent.contains(command.taskId()));
    }

    /**
     * Stores new upgrades in one statement; the task ids stored now to be sent (the others were known already,
     * or their sub-device is no longer bound to the command's gateway: stored ENDED, never sent).
     */
    public Uni<Set<String>> insertAll(List<GatewayCommand.Upgrade> commands) {
        Base64.Encoder base64 = Base64.getEncoder();
        return SessionStore.rows(
                        "INSERT INTO gateway_task (task_id, gateway_id, product_key, device_key, state, command,"
                                + " gateway_firmware) SELECT task_id, gateway_id, product_key, device_key,"
                                + " CASE WHEN bound THEN " + GatewayTaskState.SENT.sql() + " ELSE "
                                + GatewayTaskState.ENDED.sql() + " END,"
                                + " CASE WHEN bound THEN decode(command, 'base64') END, gateway_firmware"
                                // the binding looked up once per command
                                + " FROM (SELECT c.*, " + BOUND_NOW + " AS bound"
                                + " FROM unnest(CAST(?1 AS text[]), CAST(?2 AS text[]), CAST(?3 AS text[]),"
                                + " CAST(?4 AS text[]), CAST(?5 AS text[]), CAST(?6 AS boolean[]))"
                                + " AS c (task_id, gateway_id, product_key, device_key, command, gateway_firmware)) b"
                                + " ON CONFLICT DO NOTHING RETURNING task_id, state",
                        commands.stream().map(GatewayCommand.Upgrade::taskId).toArray(String[]::new),
                        commands.stream().map(GatewayCommand.Upgrade::gatewayId).toArray(String[]::new),
                        commands.stream()
                                .map(GatewayCommand.Upgrade::productKey)
                                .toArray(String[]::new),
                        commands.stream().map(GatewayCommand.Upgrade::deviceKey).toArray(String[]::new),
                        commands.stream()
                                .map(c -> base64.encodeToString(MessageCodec.encode(c)))
                                .toArray(String[]::new),
                        commands.stream()
                                .map(GatewayCommand.Upgrade::upgradesGateway)
                                .toArray(Boolean[]::new))
                .map(rows -> {
                    Set<String> stored = new HashSet<>();
                    for (Object[] r : rows) {
                        if (GatewayTaskState.SENT.name().equals(r[1])) {
                            stored.add((String) r[0]);
                        } else {
                            LOG.warnf(
                                    "not sending task %s: its sub-device is not bound to the command's gateway now",
                                    r[0]);
                        }
                    }
                    return stored;
                });
    }

    /** Moves a task forward (SENT → ACKED → ENDED); never backwards. */
    public Uni<Void> advance(String taskId, GatewayTaskState state) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("UPDATE gateway_task SET state = ?2, updated_at = now(),"
                                // past SENT the command is not sent again (V5)
                                + " command = CASE WHEN CAST(?2 AS text) = " + GatewayTaskState.SENT.sql()
                                + " THEN command END WHERE task_id = ?1 AND "
                                + GatewayTaskState.canMoveSql("state", "CAST(?2 AS text)"))
                        .setParameter(1, taskId)
                        .setParameter(2, state.name())
                        .executeUpdate())
                .replaceWithVoid();
    }

    /**
     * Ends the open tasks of these sub-devices that were sent to another gateway than the one each is bound
     * to now (null: none): that gateway no longer speaks for the sub-device, so its upgrade is not sent
     * again after its hello, and its reports about it are refused. plan-service ends the tasks themselves
     * (and tells that gateway to drop them) when it sees the binding change.
     */
    public Uni<Void> endWhereNotBound(List<SubDeviceStore.DeviceRow> devices) {
        if (devices.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return SessionStore.rows(
                        "UPDATE gateway_task t SET state = " + GatewayTaskState.ENDED.sql()
                                + ", command = NULL, updated_at = now()"
                                + " FROM unnest(CAST(?1 AS text[]), CAST(?2 AS text[]), CAST(?3 AS text[]))"
                                + " AS u (product_key, device_key, gateway_id)"
                                + " WHERE t.product_key = u.product_key AND t.device_key = u.device_key"
                                + " AND t.gateway_id IS DISTINCT FROM u.gateway_id AND t.state <> "
                                + GatewayTaskState.ENDED.sql()
                                + " RETURNING t.task_id",
                        devices.stream()
                                .map(SubDeviceStore.DeviceRow::productKey)
                                .toArray(String[]::new),
                        devices.stream()
                                .map(SubDeviceStore.DeviceRow::deviceKey)
                                .toArray(String[]::new),
                        devices.stream()
                                .map(SubDeviceStore.DeviceRow::gatewayId)
                                .toArray(String[]::new))
                .replaceWithVoid();
    }

    /**
     * The upgrades sent and not acked yet to gateways held offline here (at most 20,000): their gateway
     * may be connected with its {@code hello} lost. Gateways online here got theirs again after their
     * {@code hello}; re-sending to them would only repeat commands whose answers are on their way.
     */
    public Uni<List<GatewayCommand.Upgrade>> unackedOfGatewaysHeldOffline() {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "SELECT t.command FROM gateway_task t JOIN gateway g ON g.gateway_id = t.gateway_id"
                                        + " WHERE t.state = " + GatewayTaskState.SENT.sql()
                                        + " AND NOT g.online ORDER BY t.sent_at, t.task_id LIMIT 20000")
                        .getResultList())
                .map(TaskStore::commands);
    }

    /** The upgrades a gateway has not acked yet, oldest first: re-sent after its hello. */
    public Uni<List<GatewayCommand.Upgrade>> unacked(String gatewayId) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("SELECT command FROM gateway_task WHERE gateway_id = ?1 AND state = "
                                + GatewayTaskState.SENT.sql() + " ORDER BY sent_at, task_id")
                        .setParameter(1, gatewayId)
                        .getResultList())
                .map(TaskStore::commands);
    }

    private static List<GatewayCommand.Upgrade> commands(List<?> rows) {
        return rows.stream()
                .map(r -> read(r instanceof Object[] a ? (byte[]) a[0] : (byte[]) r))
                .toList();
    }

    private static GatewayCommand.Upgrade read(byte[] json) {
        try {
            return MessageCodec.mapper().readValue(json, GatewayCommand.Upgrade.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a stored upgrade command cannot be read", e);
        }
    }
}
