package org.otaplatform.common.messaging;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.otaplatform.common.paging.Page;
import org.otaplatform.common.paging.PageRequest;

/**
 * Messages a subscription could not process however often it tried, though the infrastructure was fine:
 * kept in {@code dead_letter} with the reason, counted in {@code ota.messages.dead-lettered}, listed and
 * replayed through REST. Nothing a service receives is dropped without a trace.
 */
@ApplicationScoped
public class DeadLetters {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);
    private static final int MAX_REASON = 2_000;
    /** What {@link #of} reads, in its order. */
    private static final String COLUMNS = "id, subscription, topic, payload, reason, attempts, failed_at, replayed_at";

    private final MeterRegistry registry;
    private final org.otaplatform.common.audit.AuditLog audit;

    DeadLetters(MeterRegistry registry, org.otaplatform.common.audit.AuditLog audit) {
        this.audit = audit;
        this.registry = registry;
    }

    /** A dead letter as REST shows it; the payload as text (the platform's messages are JSON). */
    public record DeadLetter(
            UUID id,
            String subscription,
            String topic,
            String payload,
            String reason,
            int attempts,
            Instant failedAt,
            Instant replayedAt) {}

    /** Keeps a message that failed for good, in a transaction of its own. */
    Uni<Void> store(String subscription, String topic, byte[] payload, Throwable failure, int attempts) {
        UUID id = UUID.randomUUID();
        return Panache.withTransaction(() -> Panache.getSession()
                        .flatMap(session -> session.createNativeQuery("INSERT INTO dead_letter"
                                        + " (id, subscription, topic, payload, reason, attempts)"
                                        + " VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                                .setParameter(1, id)
                                .setParameter(2, subscription)
                                .setParameter(3, topic)
                                .setParameter(4, payload)
                                .setParameter(5, reasonOf(failure))
                                .setParameter(6, attempts)
                                .executeUpdate()))
                .invoke(() -> {
                    Counter.builder("ota.messages.dead-lettered")
                            .description("messages kept as dead letters: they failed for a reason of their own")
                            .tag("subscription", subscription)
                            .register(registry)
                            .increment();
                    LOG.errorf(
                            "a message on %s failed %d times and is kept as dead letter %s: %s",
                            topic, attempts, id, reasonOf(failure));
                })
                .replaceWithVoid();
    }

    public Uni<Page<DeadLetter>> list(PageRequest page) {
        return Panache.withSession(() -> Panache.getSession()
                .flatMap(session -> session.createNativeQuery(
                                "SELECT " + COLUMNS
                                        + " FROM dead_letter ORDER BY failed_at DESC, id LIMIT ?1 OFFSET ?2",
                                Object[].class)
                        .setParameter(1, page.size())
                        .setParameter(2, page.offset())
                        .getResultList()
                        .flatMap(rows -> session.createNativeQuery("SELECT count(*) FROM dead_letter", Long.class)
                                .getSingleResult()
                                .map(total -> page.page(
                                        rows.stream().map(DeadLetters::of).toList(), total)))));
    }

    public Uni<Optional<DeadLetter>> find(UUID id) {
        return Panache.withSession(() -> Panache.getSession()
                .flatMap(session -> session.createNativeQuery(
                                "SELECT " + COLUMNS + " FROM dead_letter WHERE id = ?1", Object[].class)
                        .setParameter(1, id)
                        .getResultList()
                        .map(rows -> rows.stream().findFirst().map(DeadLetters::of))));
    }

    /** The raw payload of a dead letter, for a replay. */
    public Uni<Optional<byte[]>> payload(UUID id) {
        return Panache.withSession(() -> Panache.getSession()
                .flatMap(session -> session.createNativeQuery(
                                "SELECT payload FROM dead_letter WHERE id = ?1", byte[].class)
                        .setParameter(1, id)
                        .getResultList()
                        .map(rows -> rows.stream().findFirst())));
    }

    /** A replay's outcome: done, or failed again with this reason. */
    public Uni<Void> replayed(UUID id, Throwable failure) {
        return replayed(id, failure, null);
    }

    /** {@link #replayed(UUID, Throwable)}, recorded in the audit log as {@code caller}'s replay (when given). */
    public Uni<Void> replayed(UUID id, Throwable failure, org.otaplatform.common.audit.AuditLog.Caller caller) {
        return Panache.withTransaction(() -> Panache.getSession()
                        .flatMap(session -> failure == null
                                ? session.createNativeQuery("UPDATE dead_letter SET replayed_at = now() WHERE id = ?1")
                                        .setParameter(1, id)
                                        .executeUpdate()
                                : session.createNativeQuery("UPDATE dead_letter SET attempts = attempts + 1,"
                                                + " reason = ?2, failed_at = now() WHERE id = ?1")
                                        .setParameter(1, id)
                                        .setParameter(2, reasonOf(failure))
                                        .executeUpdate())
                        .flatMap(n -> caller == null
                                ? Uni.createFrom().voidItem()
                                : audit.record(
                                        caller,
                                        "dead-letter.replay",
                                        "dead-letter/" + id,
                                        null,
                                        java.util.Map.of("replayed", failure == null, "reason", reasonOf(failure)))))
                .replaceWithVoid();
    }

    private static DeadLetter of(Object[] row) {
        return new DeadLetter(
                (UUID) row[0],
                (String) row[1],
                (String) row[2],
                new String((byte[]) row[3], StandardCharsets.UTF_8),
                (String) row[4],
                ((Number) row[5]).intValue(),
                instant(row[6]),
                instant(row[7]));
    }

    private static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof OffsetDateTime t) {
            return t.toInstant();
        }
        if (value instanceof Instant t) {
            return t;
        }
        return ((java.sql.Timestamp) value).toInstant();
    }

    static String reasonOf(Throwable failure) {
        StringBuilder reason = new StringBuilder();
        for (Throwable t = failure;
                t != null && reason.length() < MAX_REASON;
                t = t.getCause() == t ? null : t.getCause()) {
            if (!reason.isEmpty()) {
                reason.append(" ← ");
            }
            reason.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
        }
        return reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason.toString();
    }
}
