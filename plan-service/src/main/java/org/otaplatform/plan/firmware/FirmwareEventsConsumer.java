package org.otaplatform.plan.firmware;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;
import org.otaplatform.common.messaging.Inbox;
import org.otaplatform.common.messaging.MqttSubscriptions;
import org.otaplatform.contract.Identifiers;
import org.otaplatform.contract.internal.FirmwareEvent;
import org.otaplatform.contract.internal.InternalMessage;

/** Keeps the firmware view from firmware-service's events; each applied once. */
@ApplicationScoped
public class FirmwareEventsConsumer {

    private static final Logger LOG = Logger.getLogger(FirmwareEventsConsumer.class);
    private static final Set<String> TYPES =
            Set.of(FirmwareEvent.CREATED, FirmwareEvent.VERIFICATION_CHANGED, FirmwareEvent.DELETED);

    private final Inbox inbox;
    private final FirmwareViews views;

    FirmwareEventsConsumer(Inbox inbox, FirmwareViews views) {
        this.inbox = inbox;
        this.views = views;
    }

    /** Subscribes at start-up; messages are acknowledged once their effects are committed (waiting ones together). */
    void subscribe(@Observes StartupEvent event, MqttSubscriptions mqtt) {
        mqtt.subscribeInBatches(
                "firmware-events",
                "$share/plan-service/" + org.otaplatform.contract.InternalTopics.FIRMWARE_EVENTS,
                (topic, payload) -> consume(payload));
    }

    public Uni<Void> consume(byte[] payload) {
        Optional<InternalMessage> message = InternalMessage.decode(payload).filter(m -> TYPES.contains(m.type()));
        Optional<FirmwareEvent> event = message.flatMap(m -> m.dataAs(FirmwareEvent.class))
                .filter(e -> Identifiers.isEntityId(e.firmwareId()) && e.type() != null && e.productKey() != null);
        if (event.isEmpty()) {
            LOG.warn("dropping a message that is not a valid firmware event");
            return Uni.createFrom().voidItem();
        }
        return inbox.applyOnce(message.get(), () -> views.apply(message.get().type(), event.get()));
    }
}
