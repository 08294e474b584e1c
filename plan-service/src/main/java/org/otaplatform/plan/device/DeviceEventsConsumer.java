package org.otaplatform.plan.device;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import org.otaplatform.common.messaging.Inbox;
import org.otaplatform.common.messaging.MqttSubscriptions;
import org.otaplatform.common.messaging.Work;
import org.otaplatform.contract.Identifiers;
import org.otaplatform.contract.internal.DeviceAttributeStates;
import org.otaplatform.contract.internal.DeviceState;
import org.otaplatform.contract.internal.DeviceStates;
import org.otaplatform.contract.internal.GatewayState;
import org.otaplatform.contract.internal.InternalMessage;
import org.otaplatform.contract.internal.ProductState;

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

    /** Sub-devices' states and the id of the message that carried them. */
    record StateChange(String messageId, List<DeviceState> states) {}

    /**
     * Subscribes at start-up; messages are acknowledged once their effects are committed. Those waiting
     * together are applied in one transaction, a stretch of sub-device states with two statements.
     */
    void subscribe(@Observes StartupEvent event, MqttSubscriptions mqtt) {
        mqtt.subscribeInStretches(
                "device-events",
                "$share/plan-service/" + org.otaplatform.contract.InternalTopics.DEVICE_EVENTS,
                (topic, payload) -> prepare(payload),
                this::states,
                () -> {});
    }

    Work prepare(byte[] payload) {
        Optional<InternalMessage> message = InternalMessage.decode(payload);
        Optional<List<DeviceState>> states = message.flatMap(DeviceEventsConsumer::deviceStates);
        Supplier<Uni<Void>> oneByOne = () -> consume(payload);
        return states.isEmpty()
                ? Work.either(oneByOne)
                : new Work(
                        oneByOne,
                        new Work.Batchable<>(new StateChange(message.get().id(), states.get()), oneByOne),
                        null);
    }

    /** A stretch of sub-device states, each applied once (inbox), the newest per sub-device kept. */
    private Uni<Void> states(List<StateChange> run) {
        return inbox.firstTimeOnly(run, StateChange::messageId)
                .flatMap(fresh -> fresh.isEmpty()
                        ? Uni.createFrom().voidItem()
                        : views.applyAll(
                                fresh.stream().flatMap(c -> c.states().stream()).toList()));
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
            case DeviceState.TYPE, DeviceStates.TYPE ->
                deviceStates(message).map(d -> Uni.createFrom().deferred(() -> views.applyAll(d)));
            case GatewayState.TYPE ->
                message.dataAs(GatewayState.class)
                        .filter(g -> Identifiers.isGatewayId(g.gatewayId()))
                        .map(g -> Uni.createFrom().deferred(() -> views.apply(g)));
            case DeviceAttributeStates.TYPE ->
                message.dataAs(DeviceAttributeStates.class)
                        .filter(a ->
                                !a.devices().isEmpty() && a.devices().stream().allMatch(DeviceEventsConsumer::valid))
                        .map(a -> Uni.createFrom().deferred(() -> views.applyAttributes(a.devices())));
            case ProductState.TYPE ->
                message.dataAs(ProductState.class)
                        .filter(p -> Identifiers.isProductKey(p.productKey()) && p.nodeType() != null)
                        .map(p -> Uni.createFrom().deferred(() -> views.apply(p)));
            default -> Optional.empty();
        };
    }

    /**
     * The sub-device states a message carries: one ({@code device.state}) or several ({@code device.states},
     * device-gateway-service's for changes made together since 2026-12), each valid; empty for anything
     * else or when any state is malformed (the message is dropped whole, as a single one would be).
     */
    private static Optional<List<DeviceState>> deviceStates(InternalMessage message) {
        List<DeviceState> states = switch (message.type()) {
            case DeviceState.TYPE ->
                message.dataAs(DeviceState.class).map(List::of).orElse(List.of());
            case DeviceStates.TYPE ->
                message.dataAs(DeviceStates.class).map(DeviceStates::states).orElse(List.of());
            default -> List.of();
        };
        return states.isEmpty() || !states.stream().allMatch(DeviceEventsConsumer::valid)
                ? Optional.empty()
                : Optional.of(states);
    }

    /** A device's attributes as the registry's rules allow them. */
    private static boolean valid(DeviceAttributeStates.Entry e) {
        return e != null
                && Identifiers.isProductKey(e.productKey())
                && Identifiers.isDeviceKey(e.deviceKey())
                && (e.hardwareRevision() == null || e.hardwareRevision().matches("[A-Za-z0-9._-]{1,32}"))
                && (e.hold() == null || Identifiers.isPrintable(e.hold(), 200))
                && e.tags().size() <= 32
                && e.tags().entrySet().stream()
                        .allMatch(t -> org.otaplatform.contract.filter.FilterField.TAG_KEY
                                        .matcher(t.getKey())
                                        .matches()
                                && t.getValue() != null
                                && Identifiers.isPrintable(t.getValue(), 128));
    }

    /** A sub-device's state; its version is null while none was reported (bound by an operator before). */
    private static boolean valid(DeviceState d) {
        return d != null
                && Identifiers.isProductKey(d.productKey())
                && Identifiers.isDeviceKey(d.deviceKey())
                && (d.gatewayId() == null || Identifiers.isGatewayId(d.gatewayId()))
                && (d.version() == null || Identifiers.isVersion(d.version()));
    }
}
