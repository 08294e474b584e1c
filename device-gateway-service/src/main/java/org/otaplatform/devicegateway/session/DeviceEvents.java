package org.otaplatform.devicegateway.session;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.otaplatform.common.messaging.Outbox;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.internal.DeviceAttributeStates;
import org.otaplatform.contract.internal.DeviceState;
import org.otaplatform.contract.internal.DeviceStates;
import org.otaplatform.contract.internal.GatewayState;
import org.otaplatform.contract.internal.InternalMessage;

/**
 * Announces sub-device and gateway changes on {@code ota/internal/v1/device/events}, through the outbox:
 * in the transaction of the change, so that an event leaves exactly when its change is committed.
 */
@ApplicationScoped
public class DeviceEvents {

    /** The {@code source} of this service's internal messages. */
    public static final String SOURCE = "device-gateway-service";

    private final Outbox outbox;
    private final Clock clock = Clock.systemUTC();

    DeviceEvents(Outbox outbox) {
        this.outbox = outbox;
    }

    /** The sub-devices' states after changes made together, as few messages as {@link #entries} makes. */
    public Uni<Void> devices(List<DeviceState> states) {
        return states.isEmpty() ? Uni.createFrom().voidItem() : outbox.addAll(entries(states, clock.millis()));
    }

    /**
     * Devices' attributes after a change, {@link DeviceAttributeStates#MAX} per message, in the caller's
     * transaction.
     */
    public Uni<Void> attributes(List<DeviceAttributeStates.Entry> changed) {
        if (changed.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return outbox.addAll(attributeEntries(changed, clock.millis()));
    }

    /** The messages of devices' attributes, {@link DeviceAttributeStates#MAX} per message. */
    public static List<Outbox.Entry> attributeEntries(List<DeviceAttributeStates.Entry> changed, long millis) {
        List<Outbox.Entry> entries = new ArrayList<>();
        for (int from = 0; from < changed.size(); from += DeviceAttributeStates.MAX) {
            List<DeviceAttributeStates.Entry> chunk =
                    changed.subList(from, Math.min(changed.size(), from + DeviceAttributeStates.MAX));
            entries.add(Outbox.Entry.of(
                    InternalTopics.DEVICE_EVENTS,
                    InternalMessage.of(DeviceAttributeStates.TYPE, SOURCE, millis, new DeviceAttributeStates(chunk))));
        }
        return entries;
    }

    public Uni<Void> gateway(GatewayState state) {
        return outbox.add(
                InternalTopics.DEVICE_EVENTS, InternalMessage.of(GatewayState.TYPE, SOURCE, clock.millis(), state));
    }

    /**
     * The messages of device events, for callers that gather messages of several kinds in one statement:
     * one {@code device.state} for a single event, else {@code device.states} of up to {@link
     * DeviceStates#MAX} each (a campaign's run of successes, a {@code hello} of hundreds of sub-devices
     * costs one outbox row and one broker message, not one per sub-device).
     */
    public List<Outbox.Entry> entries(List<DeviceState> states, long millis) {
        if (states.size() == 1) {
            return List.of(Outbox.Entry.of(
                    InternalTopics.DEVICE_EVENTS, InternalMessage.of(DeviceState.TYPE, SOURCE, millis, states.get(0))));
        }
        List<Outbox.Entry> entries = new ArrayList<>();
        for (int from = 0; from < states.size(); from += DeviceStates.MAX) {
            List<DeviceState> chunk = states.subList(from, Math.min(states.size(), from + DeviceStates.MAX));
            entries.add(Outbox.Entry.of(
                    InternalTopics.DEVICE_EVENTS,
                    InternalMessage.of(DeviceStates.TYPE, SOURCE, millis, new DeviceStates(chunk))));
        }
        return entries;
    }
}
