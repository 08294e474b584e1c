package org.otaplatform.devicegateway.registry;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import org.jboss.logging.Logger;
import org.otaplatform.common.messaging.Outbox;
import org.otaplatform.common.reactive.SafeContext;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.internal.InternalMessage;
import org.otaplatform.contract.internal.ProductState;
import org.otaplatform.devicegateway.session.DeviceEvents;

/**
 * Tells other services what they need of products ({@code product.state} on {@code device/events}): the
 * node type, which makes a plan of the product one of gateways, and the version scheme, by which versions
 * are ordered. In the transaction of each change, and every product once when the service starts (so that
 * products from before these events, or events lost with a consumer's database, are known; consumers keep
 * the highest seq, so repeats do no harm).
 */
@ApplicationScoped
public class ProductEvents {

    private static final Logger LOG = Logger.getLogger(ProductEvents.class);

    private final Outbox outbox;
    private final RegistryStore store;
    private final Clock clock = Clock.systemUTC();

    ProductEvents(Outbox outbox, RegistryStore store) {
        this.outbox = outbox;
        this.store = store;
    }

    void announceAll(@Observes StartupEvent event, io.vertx.core.Vertx vertx) {
        SafeContext.run(
                vertx,
                () -> Panache.withTransaction(() -> store.productStates()
                        .flatMap(rows -> outbox.addAll(rows.stream()
                                .map(r -> entry(new ProductState(
                                        (String) r[0],
                                        (String) r[1],
                                        (String) r[2],
                                        false,
                                        ((Number) r[3]).longValue())))
                                .toList()))),
                ok -> {},
                failure -> LOG.warnf("products could not be announced at start-up: %s", failure.getMessage()));
    }

    /** A product was created or its node type or version scheme changed, in the caller's transaction. */
    public Uni<Void> changed(Product p) {
        return store.nextProductSeq()
                .flatMap(seq -> add(new ProductState(
                        p.productKey(), p.nodeType().name(), p.versionScheme().name(), false, seq)));
    }

    public Uni<Void> deleted(Product p) {
        return store.nextProductSeq()
                .flatMap(seq -> add(new ProductState(
                        p.productKey(), p.nodeType().name(), p.versionScheme().name(), true, seq)));
    }

    private Uni<Void> add(ProductState state) {
        return outbox.add(
                InternalTopics.DEVICE_EVENTS,
                InternalMessage.of(ProductState.TYPE, DeviceEvents.SOURCE, clock.millis(), state));
    }

    private Outbox.Entry entry(ProductState state) {
        return Outbox.Entry.of(
                InternalTopics.DEVICE_EVENTS,
                InternalMessage.of(ProductState.TYPE, DeviceEvents.SOURCE, clock.millis(), state));
    }
}
