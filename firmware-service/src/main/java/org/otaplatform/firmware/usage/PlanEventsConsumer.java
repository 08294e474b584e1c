package org.otaplatform.firmware.usage;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.otaplatform.common.messaging.Inbox;
import org.otaplatform.common.messaging.MqttSubscriptions;
import org.otaplatform.contract.internal.InternalMessage;
import org.otaplatform.contract.internal.PlanLifecycleEvent;

/**
 * Plan life-cycle events from plan-service: a package used by a plan that is not finished cannot be
 * deleted. Idempotent (inbox) and order-proof (the plan's event version); a malformed event is logged
 * and dropped. A database failure is logged; redelivery after such failures comes with the
 * reliability work (issue #7).
 */
@ApplicationScoped
public class PlanEventsConsumer {

    private static final Logger LOG = Logger.getLogger(PlanEventsConsumer.class);

    private final Inbox inbox;
    private final PlanUsageRepository usage;

    PlanEventsConsumer(Inbox inbox, PlanUsageRepository usage) {
        this.inbox = inbox;
        this.usage = usage;
    }

    /** Subscribes at start-up; each message is acknowledged once its effects are committed. */
    void subscribe(@Observes StartupEvent event, MqttSubscriptions mqtt) {
        mqtt.subscribe(
                "plan-events",
                "$share/firmware-service/" + org.otaplatform.contract.InternalTopics.PLAN_EVENTS,
                (topic, payload) -> consume(payload));
    }

    public Uni<Void> consume(byte[] payload) {
        Optional<InternalMessage> message =
                InternalMessage.decode(payload).filter(m -> PlanLifecycleEvent.TYPE.equals(m.type()));
        Optional<PlanLifecycleEvent> event = message.flatMap(m -> m.dataAs(PlanLifecycleEvent.class));
        Optional<UUID> planId = event.flatMap(e -> uuid(e.planId()));
        Optional<UUID> firmwareId = event.flatMap(e -> uuid(e.firmwareId()));
        if (planId.isEmpty() || firmwareId.isEmpty() || event.get().status() == null) {
            LOG.warnf("dropping a plan event that is not a valid %s", PlanLifecycleEvent.TYPE);
            return Uni.createFrom().voidItem();
        }
        List<UUID> packages = event.get().packages().stream()
                .map(PlanEventsConsumer::uuid)
                .flatMap(Optional::stream)
                .toList();
        return inbox.applyOnce(message.get(), () -> usage.apply(event.get(), planId.get(), firmwareId.get(), packages));
    }

    private static Optional<UUID> uuid(String value) {
        try {
            return Optional.of(UUID.fromString(value));
        } catch (IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
    }
}
