package org.otaplatform.firmware.messaging;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Plan life-cycle events from plan-service: which packages a plan that is not finished uses. The
 * events are defined with plan-service (issue #5); until then they are only counted in the log.
 */
@ApplicationScoped
public class PlanEventsConsumer {

    private static final Logger LOG = Logger.getLogger(PlanEventsConsumer.class);

    @Incoming("plan-events")
    public Uni<Void> consume(byte[] payload) {
        LOG.debugf("plan event of %d bytes received", payload.length);
        return Uni.createFrom().voidItem();
    }
}
