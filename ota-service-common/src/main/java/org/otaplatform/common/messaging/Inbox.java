package org.otaplatform.common.messaging;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import org.otaplatform.contract.internal.InternalMessage;

/** Remembers applied internal messages so that a redelivery has no second effect. */
@ApplicationScoped
public class Inbox {

    private static final Logger LOG = Logger.getLogger(Inbox.class);

    /**
     * Applies a message's effect once: the record that it was applied and the effect commit together. A
     * failure rolls both back and is passed on: {@link MqttSubscriptions} tries the message again (a
     * database restarting) and gives up on one that keeps failing for another reason.
     */
    public Uni<Void> applyOnce(InternalMessage message, Supplier<Uni<Void>> effect) {
        return Panache.withTransaction(() -> firstTime(message.id())
                        .flatMap(
                                first -> first ? effect.get() : Uni.createFrom().voidItem()))
                .onFailure()
                .invoke(e -> LOG.warnf(
                        "internal message %s (%s) not applied yet: %s", message.id(), message.type(), e.getMessage()));
    }

    /**
     * Of items carried by internal messages, those applied for the first time: every message id is
     * recorded inside the current transaction, in one statement. An id repeated among the items counts
     * once (its first item); ids that are no UUID are never applied, as in {@link #firstTime}.
     */
    public <T> Uni<List<T>> firstTimeOnly(List<T> items, Function<T, String> messageId) {
        UUID[] ids = items.stream()
                .map(i -> uuid(messageId.apply(i)))
                .filter(Objects::nonNull)
                .toArray(UUID[]::new);
        return Panache.getSession()
                .flatMap(session -> session.createNativeQuery("INSERT INTO inbox_message (id)"
                                + " SELECT unnest(CAST(?1 AS uuid[])) ON CONFLICT DO NOTHING RETURNING id")
                        .setParameter(1, ids)
                        .getResultList())
                .map(rows -> {
                    Set<Object> recorded = new HashSet<>(rows);
                    return items.stream()
                            .filter(i -> recorded.remove(uuid(messageId.apply(i))))
                            .toList();
                });
    }

    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException | NullPointerException e) {
            return null;
        }
    }

    /**
     * Records the id inside the current transaction; true the first time, false for a message already
     * applied. The caller applies the message only when true, in the same transaction.
     */
    public Uni<Boolean> firstTime(String messageId) {
        UUID id = uuid(messageId);
        if (id == null) {
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
