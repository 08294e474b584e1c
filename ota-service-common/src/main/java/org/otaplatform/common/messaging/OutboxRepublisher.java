package org.otaplatform.common.messaging;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;
import org.otaplatform.common.reactive.SafeContext;
import org.otaplatform.common.reactive.Watchdog;

/** After a broker restart, the outbox's recent internal messages go out again ({@link #onBrokerBack}). */
@ApplicationScoped
class OutboxRepublisher {

    private static final Logger LOG = Logger.getLogger(OutboxRepublisher.class);

    private final OutboxRelay relay;
    private final Vertx vertx;

    OutboxRepublisher(OutboxRelay relay, Vertx vertx) {
        this.relay = relay;
        this.vertx = vertx;
    }

    /** How far back a broker restart may have swallowed what this service published. */
    private static final Duration REPUBLISH_WINDOW = Duration.ofSeconds(90);

    /**
     * The broker restarted (this service's subscriptions had to reconnect). An internal message it acknowledged
     * while a consumer's shared subscription was not back yet may be gone: Mosquitto does not keep a
     * persistent session's shared subscriptions across its restart. So what was published shortly
     * before is published again, once the consumers have had time to resubscribe and once more later.
     * Consumers apply each message once (by its id), so a second copy changes nothing.
     */
    void onBrokerBack(@Observes BrokerReconnected event) {
        Instant since = event.at().minus(REPUBLISH_WINDOW);
        for (long delay : new long[] {5_000, 30_000}) {
            vertx.setTimer(delay, t -> {
                SafeContext.run(
                        vertx,
                        () -> Watchdog.limit(republishSince(since), "republishing after a broker restart"),
                        n -> {
                            LOG.infof("the broker restarted: %d recent messages published again", n);
                            relay.scanNow();
                        },
                        e -> LOG.warnf("republishing after a broker restart failed: %s", e.getMessage()));
            });
        }
    }

    private Uni<Integer> republishSince(Instant since) {
        return Panache.withTransaction(() -> Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "UPDATE outbox_message SET published_at = NULL WHERE published_at >= ?1 AND topic LIKE ?2")
                        .setParameter(1, since)
                        // only the services' own topics: a gateway must never be told twice to flash for one
                        // task (its unacked upgrades are sent again by device-gateway-service instead)
                        .setParameter(2, org.otaplatform.contract.InternalTopics.ROOT + "%")
                        .executeUpdate()));
    }
}
