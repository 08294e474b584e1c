package org.otaplatform.firmware.verification;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.otaplatform.common.messaging.MqttSubscriptions;
import org.otaplatform.contract.internal.InternalMessage;
import org.otaplatform.contract.internal.VerificationResult;

/** Outcomes of verification runs from plan-service. */
@ApplicationScoped
public class VerificationResultsConsumer {

    private static final Logger LOG = Logger.getLogger(VerificationResultsConsumer.class);

    private final VerificationService verification;

    VerificationResultsConsumer(VerificationService verification) {
        this.verification = verification;
    }

    /** Subscribes at start-up; each message is acknowledged once its effects are committed. */
    void subscribe(@Observes StartupEvent event, MqttSubscriptions mqtt) {
        mqtt.subscribe(
                "verification-results",
                "$share/firmware-service/" + org.otaplatform.contract.InternalTopics.VERIFICATION_RESULTS,
                (topic, payload) -> consume(payload));
    }

    public Uni<Void> consume(byte[] payload) {
        Optional<InternalMessage> message =
                InternalMessage.decode(payload).filter(m -> VerificationResult.TYPE.equals(m.type()));
        Optional<VerificationResult> result = message.flatMap(m -> m.dataAs(VerificationResult.class));
        if (result.isEmpty()) {
            LOG.warn("dropping a message that is not a valid verification result");
            return Uni.createFrom().voidItem();
        }
        return verification
                .complete(message.get().id(), result.get())
                .onFailure()
                .invoke(e -> LOG.warnf(
                        "verification result %s not applied yet: %s",
                        message.get().id(), e.getMessage()));
    }
}
