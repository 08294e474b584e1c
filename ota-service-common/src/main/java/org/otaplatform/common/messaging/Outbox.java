package org.otaplatform.common.messaging;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.otaplatform.contract.internal.InternalMessage;

/**
 * The transactional outbox: a message written here inside a state change's transaction is committed
 * with it, or not at all, and published by the {@link OutboxRelay} afterwards.
 */
@ApplicationScoped
public class Outbox {

    private final OutboxRelay relay;

    Outbox(OutboxRelay relay) {
        this.relay = relay;
    }

    /** Adds the message to the current transaction; must run inside one. */
    public Uni<Void> add(String topic, InternalMessage message) {
        return add(topic, UUID.fromString(message.id()), message.encode());
    }

    /**
     * A transaction that wrote outbox rows with its own SQL (a batch in one statement) committed: the
     * relay publishes them soon.
     */
    public void committedElsewhere(Collection<UUID> ids) {
        relay.expect(ids);
    }

    /**
     * The statement that adds the rows {@code select} yields (id uuid, topic text, payload bytea) to the
     * outbox and returns their ids, for a caller that writes a state change and its messages in one
     * statement (a common table expression); after its commit it hands the ids to {@link
     * #committedElsewhere}.
     */
    public static String insertReturningIds(String select) {
        return "INSERT INTO outbox_message (id, topic, payload) " + select + " RETURNING id";
    }

    /** A message for {@link #addAll}. */
    public record Entry(String topic, UUID id, byte[] payload) {

        public static Entry of(String topic, InternalMessage message) {
            return new Entry(topic, UUID.fromString(message.id()), message.encode());
        }
    }

    /** Adds several messages to the current transaction in one statement. */
    public Uni<Void> addAll(List<Entry> entries) {
        if (entries.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Base64.Encoder base64 = Base64.getEncoder();
        return Panache.getSession()
                .flatMap(session -> session.createNativeQuery("INSERT INTO outbox_message (id, topic, payload)"
                                + " SELECT id, topic, decode(payload, 'base64')"
                                + " FROM unnest(CAST(?1 AS uuid[]), CAST(?2 AS text[]), CAST(?3 AS text[]))"
                                + " AS m (id, topic, payload)")
                        .setParameter(1, entries.stream().map(Entry::id).toArray(UUID[]::new))
                        .setParameter(2, entries.stream().map(Entry::topic).toArray(String[]::new))
                        .setParameter(
                                3,
                                entries.stream()
                                        .map(e -> base64.encodeToString(e.payload()))
                                        .toArray(String[]::new))
                        .executeUpdate())
                .invoke(() -> relay.expect(entries.stream().map(Entry::id).toList()))
                .replaceWithVoid();
    }

    /** Adds raw bytes for a topic (gateway downlink payloads) to the current transaction. */
    public Uni<Void> add(String topic, UUID id, byte[] payload) {
        return Panache.getSession()
                .flatMap(session -> session.createNativeQuery(
                                "INSERT INTO outbox_message (id, topic, payload) VALUES (?1, ?2, ?3)")
                        .setParameter(1, id)
                        .setParameter(2, topic)
                        .setParameter(3, payload)
                        .executeUpdate())
                .invoke(() -> relay.expect(List.of(id)))
                .replaceWithVoid();
    }
}
