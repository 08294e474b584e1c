package org.otaplatform.common.messaging;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.otaplatform.common.reactive.SafeContext;
import org.otaplatform.common.reactive.Watchdog;

/**
 * Publishes committed outbox messages, oldest first, QoS 1, and marks them published once the broker
 * took them. Several replicas may run it: rows are claimed with {@code FOR UPDATE SKIP LOCKED}. A
 * message that cannot be published stays in the outbox and is tried again on the next pass, so
 * nothing is lost while the broker is down; consumers de-duplicate the rare second publish by id.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final int BATCH = 500;
    /** Messages sent and not yet acknowledged by the broker (PUBACK) at once. */
    private static final int WINDOW = 100;

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    /** After a message was added, the relay looks this long at every tick, covering the commit's delay. */
    private static final long EAGER_MILLIS = 2_000;
    /** Without news, the relay still looks this often: messages of another replica, or after a failure. */
    private static final long IDLE_MILLIS = 1_000;

    private final MqttPublisher out;
    private final Pool pool;
    private final Vertx vertx;
    private final long pollMillis;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean wanted = new AtomicBoolean();
    private final AtomicLong eagerUntil = new AtomicLong();
    private volatile long lastPass;

    OutboxRelay(
            MqttPublisher out,
            Vertx vertx,
            Pool pool,
            @ConfigProperty(name = "ota.outbox.poll-interval", defaultValue = "0.05s") Duration pollInterval) {
        this.out = out;
        this.pool = pool;
        this.vertx = vertx;
        this.pollMillis = Math.max(10, pollInterval.toMillis());
    }

    void start(@Observes StartupEvent event) {
        vertx.setPeriodic(pollMillis, id -> {
            long now = System.currentTimeMillis();
            if (now < eagerUntil.get() || now - lastPass >= IDLE_MILLIS) {
                lastPass = now;
                SafeContext.run(vertx, this::drain, ok -> {}, failure -> {});
            }
        });
    }

    private record Row(UUID id, String topic, byte[] payload) {}

    /** How far back a broker restart may have swallowed what this service published. */
    private static final Duration REPUBLISH_WINDOW = Duration.ofSeconds(90);

    /**
     * The broker restarted (this service's subscriptions had to reconnect). An internal message it acknowledged
     * while a consumer's shared subscription was not back yet may be gone: Mosquitto does not keep a
     * persistent session's shared subscriptions across its restart. So what was published shortly
     * before is published again, once the consumers have had time to resubscribe and once more later.
     * Consumers apply each message once (by its id), so a second copy changes nothing.
     */
    void onBrokerBack(@Observes BrokerReconnected event) {
        Instant since = event.at().minus(REPUBLISH_WINDOW);
        for (long delay : new long[] {5_000, 30_000}) {
            vertx.setTimer(delay, t -> {
                SafeContext.run(
                        vertx,
                        () -> Watchdog.limit(republishSince(since), "republishing after a broker restart"),
                        n -> {
                            LOG.infof("the broker restarted: %d recent messages published again", n);
                            wakeAfterCommit();
                        },
                        e -> LOG.warnf("republishing after a broker restart failed: %s", e.getMessage()));
            });
        }
    }

    private Uni<Integer> republishSince(Instant since) {
        return Panache.withTransaction(() -> Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "UPDATE outbox_message SET published_at = NULL WHERE published_at >= ?1 AND topic LIKE ?2")
                        .setParameter(1, since)
                        // only the services' own topics: a gateway must never be told twice to flash for one
                        // task (its unacked upgrades are sent again by device-gateway-service instead)
                        .setParameter(2, org.otaplatform.contract.InternalTopics.ROOT + "%")
                        .executeUpdate()));
    }

    /** Asks for a pass soon: called when a transaction added a message. */
    void wakeAfterCommit() {
        wanted.set(true);
        eagerUntil.set(System.currentTimeMillis() + EAGER_MILLIS);
    }

    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> forgetOldMessages() {
        return Panache.withTransaction(() -> Panache.getSession()
                        .flatMap(s -> s.createNativeQuery(
                                        "DELETE FROM outbox_message WHERE published_at < now() - interval '1 day'")
                                .executeUpdate()
                                .flatMap(n -> s.createNativeQuery(
                                                "DELETE FROM inbox_message WHERE received_at < now() - interval '7 days'")
                                        .executeUpdate())))
                .replaceWithVoid()
                .plug(Watchdog.limit("forgetting old outbox and inbox rows"))
                .onFailure()
                .recoverWithNull();
    }

    /** Publishes everything committed so far; returns when the outbox is empty or a send failed. */
    public Uni<Void> drain() {
        if (!running.compareAndSet(false, true)) {
            wanted.set(true);
            return Uni.createFrom().voidItem();
        }
        wanted.set(false);
        return Watchdog.limit(
                        batch().onItem()
                                .transformToUni(count -> count == BATCH || wanted.getAndSet(false)
                                        ? batchesUntilEmpty()
                                        : Uni.createFrom().voidItem()),
                        "an outbox relay pass")
                .onFailure()
                .invoke(e -> LOG.warnf("outbox relay paused: %s", e.getMessage()))
                .onFailure()
                .recoverWithNull()
                .eventually(() -> running.set(false))
                .replaceWithVoid();
    }

    private Uni<Void> batchesUntilEmpty() {
        return batch().flatMap(count -> count == 0 ? Uni.createFrom().voidItem() : batchesUntilEmpty());
    }

    /**
     * One transaction: claim a batch, publish it in order with up to {@link #WINDOW} messages awaiting the
     * broker's PUBACK at once, and mark the ones the broker took; the number claimed, or 0 (stop for now)
     * when the broker did not take them all.
     */
    private Uni<Integer> batch() {
        return pool.withTransaction(connection -> connection
                .query("SELECT id, topic, payload FROM outbox_message WHERE published_at IS NULL"
                        + " ORDER BY created_at, id LIMIT " + BATCH + " FOR UPDATE SKIP LOCKED")
                .execute()
                .map(result -> {
                    List<Row> rows = new ArrayList<>();
                    result.forEach(r -> rows.add(
                            new Row(r.getUUID(0), r.getString(1), r.getBuffer(2).getBytes())));
                    return rows;
                })
                .flatMap(rows -> publish(rows)
                        .flatMap(sent -> sent.isEmpty()
                                ? Uni.createFrom().item(0)
                                : connection
                                        .preparedQuery(
                                                "UPDATE outbox_message SET published_at = now() WHERE id = ANY($1)")
                                        .execute(Tuple.of(sent.toArray(new UUID[0])))
                                        .map(updated -> sent.size() == rows.size() ? rows.size() : 0))));
    }

    /** Sends in order and stops at the first failure; returns the ids that the broker took. */
    private Uni<List<UUID>> publish(List<Row> rows) {
        List<UUID> sent = new ArrayList<>();
        return Multi.createFrom()
                .iterable(rows)
                .onItem()
                .transformToUni(row -> out.publish(row.topic(), row.payload())
                        .ifNoItem()
                        .after(SEND_TIMEOUT)
                        .fail()
                        .invoke(() -> sent.add(row.id())))
                .merge(WINDOW)
                .collect()
                .asList()
                .map(ignored -> sent)
                .onFailure()
                .recoverWithItem(failure -> {
                    LOG.warnf(
                            "publishing from the outbox stopped after %d of %d: %s",
                            sent.size(), rows.size(), failure.getMessage());
                    return sent;
                });
    }
}
