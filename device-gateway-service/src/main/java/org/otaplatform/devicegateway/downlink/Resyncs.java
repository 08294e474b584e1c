package org.otaplatform.devicegateway.downlink;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.otaplatform.common.messaging.BrokerReconnected;
import org.otaplatform.common.messaging.Outbox;
import org.otaplatform.common.reactive.SafeContext;
import org.otaplatform.contract.Direction;
import org.otaplatform.contract.DownlinkType;
import org.otaplatform.contract.Topics;

/**
 * Asks gateways to publish their {@code hello} again ({@code down/resync}, spec: "Resync") where one may
 * have been lost: after a broker restart, every gateway this service holds online; and a gateway held
 * offline that sends anything. At most once a minute per gateway, whichever replica asks (the gateway's
 * {@code resync_at}); the request goes through the outbox, in one statement for all gateways.
 */
@ApplicationScoped
public class Resyncs {

    private static final Logger LOG = Logger.getLogger(Resyncs.class);
    static final String AFTER_BROKER_RESTART = "the broker restarted: your hello may have been lost";
    static final String HELD_OFFLINE = "you were held offline: your hello may have been lost";

    private final Outbox outbox;
    private final io.vertx.core.Vertx vertx;

    Resyncs(Outbox outbox, io.vertx.core.Vertx vertx) {
        this.outbox = outbox;
        this.vertx = vertx;
    }

    void onBrokerBack(@Observes BrokerReconnected event) {
        SafeContext.uni(vertx, () -> Panache.withTransaction(() -> ask(null, AFTER_BROKER_RESTART)))
                .subscribe()
                .with(
                        ids -> {
                            outbox.committedElsewhere(ids);
                            LOG.infof("the broker is back: %d gateways held online asked to resync", ids.size());
                        },
                        failure -> LOG.warnf("asking gateways to resync after the broker restart failed: %s", failure));
    }

    /**
     * In the caller's transaction: asks this gateway to resync (it sent a message while held offline), unless
     * it was asked within the last minute.
     */
    public Uni<Void> heldOffline(String gatewayId) {
        return ask(gatewayId, HELD_OFFLINE).invoke(outbox::committedElsewhere).replaceWithVoid();
    }

    /** Asks {@code gatewayId}, or every gateway held online when null; the outbox rows' ids. */
    private Uni<List<UUID>> ask(String gatewayId, String reason) {
        // ota/v1/gw/{gatewayId}/down/resync, put together in SQL for each gateway
        String suffix = "/" + Direction.DOWN.segment() + "/" + DownlinkType.RESYNC.suffix();
        String sql = "WITH due AS (UPDATE gateway SET resync_at = now() WHERE"
                + (gatewayId == null ? " online" : " gateway_id = ?4")
                + " AND (resync_at IS NULL OR resync_at < now() - interval '1 minute')"
                + " RETURNING gateway_id), m AS (SELECT gen_random_uuid() AS id, gateway_id FROM due) "
                + Outbox.insertReturningIds("SELECT m.id, ?1 || m.gateway_id || ?2,"
                        + " convert_to(json_build_object('msgId', m.id::text, 'ts',"
                        + " (extract(epoch FROM clock_timestamp()) * 1000)::bigint, 'reason', CAST(?3 AS text))::text,"
                        + " 'UTF8') FROM m");
        return Panache.getSession()
                .flatMap(s -> {
                    var query = s.createNativeQuery(sql)
                            .setParameter(1, Topics.ROOT)
                            .setParameter(2, suffix)
                            .setParameter(3, reason);
                    if (gatewayId != null) {
                        query.setParameter(4, gatewayId);
                    }
                    return query.getResultList();
                })
                .map(rows -> rows.stream().map(r -> (UUID) r).toList());
    }
}
