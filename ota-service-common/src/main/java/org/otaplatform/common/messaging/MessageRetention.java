package org.otaplatform.common.messaging;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.otaplatform.common.db.Retention;

/**
 * Forgets published outbox rows and remembered inbox ids past their retention, every minute, in short
 * chunks. A published outbox row is kept for {@code ota.retention.outbox} (default 1 h; at least the 90 s
 * in which a broker restart makes the relay publish recent messages again). An inbox id is kept for
 * {@code ota.retention.inbox} (default 3 days): longer than any redelivery can come late (a persistent
 * session's messages for a replica that was down).
 */
@ApplicationScoped
public class MessageRetention {

    private static final int MAX_CHUNKS_PER_RUN = 200;

    private final long outboxSeconds;
    private final long inboxSeconds;

    MessageRetention(
            @ConfigProperty(name = "ota.retention.outbox", defaultValue = "1h") Duration outbox,
            @ConfigProperty(name = "ota.retention.inbox", defaultValue = "3d") Duration inbox) {
        this.outboxSeconds = Math.max(120, outbox.toSeconds());
        this.inboxSeconds = Math.max(3_600, inbox.toSeconds());
    }

    @Scheduled(every = "1m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> forget() {
        return Retention.purge(
                        "outbox_message",
                        "id",
                        "published_at < now() - interval '" + outboxSeconds + " seconds'",
                        MAX_CHUNKS_PER_RUN)
                .flatMap(n -> Retention.purge(
                        "inbox_message",
                        "id",
                        "received_at < now() - interval '" + inboxSeconds + " seconds'",
                        MAX_CHUNKS_PER_RUN))
                .replaceWithVoid();
    }
}
