package org.otaplatform.devicegateway.session;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.List;
import org.otaplatform.common.messaging.Outbox;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.internal.DeviceState;
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

    public Uni<Void> devices(List<DeviceState> states) {
        long millis = clock.millis();
        return outbox.addAll(states.stream()
                .map(s -> Outbox.Entry.of(
                        InternalTopics.DEVICE_EVENTS, InternalMessage.of(DeviceState.TYPE, SOURCE, millis, s)))
                .toList());
    }

    public Uni<Void> gateway(GatewayState state) {
        return outbox.add(
                InternalTopics.DEVICE_EVENTS, InternalMessage.of(GatewayState.TYPE, SOURCE, clock.millis(), state));
    }

    /** The message of one device event, for callers that gather messages of several kinds in one statement. */
    public Outbox.Entry entry(DeviceState state, long millis) {
        return Outbox.Entry.of(
                InternalTopics.DEVICE_EVENTS, InternalMessage.of(DeviceState.TYPE, SOURCE, millis, state));
    }
}
