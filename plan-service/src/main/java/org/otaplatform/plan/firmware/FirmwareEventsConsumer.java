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
    private static final Set<String> TYPES = Set.of(
            FirmwareEvent.CREATED,
            FirmwareEvent.VERIFICATION_CHANGED,
            FirmwareEvent.COMPATIBILITY_CHANGED,
            FirmwareEvent.APPROVED,
            FirmwareEvent.DELETED);

    private final Inbox inbox;
    private final FirmwareViews views;

    private final org.otaplatform.plan.webhook.Webhooks webhooks;

    FirmwareEventsConsumer(Inbox inbox, FirmwareViews views, org.otaplatform.plan.webhook.Webhooks webhooks) {
        this.webhooks = webhooks;
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
        FirmwareEvent e = event.get();
        return inbox.applyOnce(
                message.get(),
                () -> views.find(java.util.UUID.fromString(e.firmwareId()))
                        .flatMap(before -> views.apply(message.get().type(), e)
                                .flatMap(v -> verificationWebhook(before.map(FirmwareView::verification), e))));
    }

    /** A verification that ended (VERIFIED or FAILED, not before) is a webhook event. */
    private Uni<Void> verificationWebhook(Optional<String> before, FirmwareEvent e) {
        String now = e.verification();
        if (now == null || now.equals(before.orElse(null)) || !(now.equals("VERIFIED") || now.equals("FAILED"))) {
            return Uni.createFrom().voidItem();
        }
        java.util.Map<String, Object> data = new java.util.LinkedHashMap<>();
        data.put("firmwareId", e.firmwareId());
        data.put("productKey", e.productKey());
        data.put("version", e.version());
        data.put("type", e.type());
        data.put("verification", now);
        return webhooks.emit(now.equals("VERIFIED") ? "firmware.verified" : "firmware.verification_failed", data);
    }
}
