package org.otaplatform.common.messaging;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
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
    public void committedElsewhere() {
        relay.wakeAfterCommit();
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
                .invoke(relay::wakeAfterCommit)
                .replaceWithVoid();
    }
}
