package org.otaplatform.common.messaging;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** Remembers applied internal messages so that a redelivery has no second effect. */
@ApplicationScoped
public class Inbox {

    /**
     * Records the id inside the current transaction; true the first time, false for a message already
     * applied. The caller applies the message only when true, in the same transaction.
     */
    public Uni<Boolean> firstTime(String messageId) {
        UUID id;
        try {
            id = UUID.fromString(messageId);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(false);
        }
        return Panache.getSession()
                .flatMap(session -> session.createNativeQuery(
                                "INSERT INTO inbox_message (id) VALUES (?1) ON CONFLICT DO NOTHING")
                        .setParameter(1, id)
                        .executeUpdate())
                .map(rows -> rows == 1);
    }
}
