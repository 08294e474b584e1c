package org.otaplatform.plan.device;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.otaplatform.common.messaging.Inbox;
import org.otaplatform.common.messaging.MqttSubscriptions;
import org.otaplatform.contract.Identifiers;
import org.otaplatform.contract.internal.DeviceState;
import org.otaplatform.contract.internal.GatewayState;
import org.otaplatform.contract.internal.InternalMessage;

/** Keeps plan-service's device view from device-gateway-service's events; never reads its tables. */
@ApplicationScoped
public class DeviceEventsConsumer {

    private static final Logger LOG = Logger.getLogger(DeviceEventsConsumer.class);

    private final Inbox inbox;
    private final DeviceViews views;

    DeviceEventsConsumer(Inbox inbox, DeviceViews views) {
        this.inbox = inbox;
        this.views = views;
    }

    /** Subscribes at start-up; messages are acknowledged once their effects are committed (waiting ones together). */
    void subscribe(@Observes StartupEvent event, MqttSubscriptions mqtt) {
        mqtt.subscribeInBatches(
                "device-events",
                "$share/plan-service/" + org.otaplatform.contract.InternalTopics.DEVICE_EVENTS,
                (topic, payload) -> consume(payload));
    }

    public Uni<Void> consume(byte[] payload) {
        Optional<InternalMessage> message = InternalMessage.decode(payload);
        Optional<Uni<Void>> apply = message.flatMap(this::applying);
        if (apply.isEmpty()) {
            LOG.warn("dropping a message that is not a valid device or gateway event");
            return Uni.createFrom().voidItem();
        }
        return inbox.applyOnce(message.get(), () -> apply.get());
    }

    private Optional<Uni<Void>> applying(InternalMessage message) {
        return switch (message.type()) {
            case DeviceState.TYPE ->
                message.dataAs(DeviceState.class)
                        .filter(d -> Identifiers.isProductKey(d.productKey())
                                && Identifiers.isDeviceKey(d.deviceKey())
                                && Identifiers.isVersion(d.version()))
                        .map(d -> Uni.createFrom().deferred(() -> views.apply(d)));
            case GatewayState.TYPE ->
                message.dataAs(GatewayState.class)
                        .filter(g -> Identifiers.isGatewayId(g.gatewayId()))
                        .map(g -> Uni.createFrom().deferred(() -> views.apply(g)));
            default -> Optional.empty();
        };
    }
}
