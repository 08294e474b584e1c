package org.otaplatform.firmware.verification;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;
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

    @Incoming("verification-results")
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
                .invoke(e -> LOG.errorf(
                        e, "verification result %s not applied", message.get().id()))
                .onFailure()
                .recoverWithNull();
    }
}
