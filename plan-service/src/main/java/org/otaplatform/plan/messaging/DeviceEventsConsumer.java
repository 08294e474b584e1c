package org.otaplatform.plan.messaging;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Device events from device-gateway-service feed plan-service's own view of devices. The events are
 * defined with device-gateway-service (issue #4); until then they are only logged.
 */
@ApplicationScoped
public class DeviceEventsConsumer {

    private static final Logger LOG = Logger.getLogger(DeviceEventsConsumer.class);

    @Incoming("device-events")
    public Uni<Void> consume(byte[] payload) {
        LOG.debugf("device event of %d bytes received", payload.length);
        return Uni.createFrom().voidItem();
    }
}
