package org.otaplatform.common.messaging;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.otaplatform.common.reactive.SafeContext;
import org.otaplatform.common.reactive.Watchdog;

/**
 * Publishes committed outbox messages, oldest first, QoS 1. A transaction claims a batch by marking it
 * published, publishes it, unmarks the messages the broker did not acknowledge, and commits: a message
 * counts as published only once the broker took it. Several replicas may run it: a scan claims rows with
 * {@code FOR UPDATE SKIP LOCKED}, a quick pass waits for a row another transaction holds and then skips it.
 * A message that cannot be published stays in the outbox and is tried again on the next pass, so
 * nothing is lost while the broker is down; consumers de-duplicate the rare second publish by id.
 *
 * <p>Two kinds of pass. A <em>quick</em> pass looks up, by primary key, the messages this replica added
 * lately ({@link #expect}); it runs every {@code ota.outbox.poll-interval} while messages are being added.
 * A <em>scan</em> reads the table's unpublished rows older than a second in order and finds everything else:
 * another replica's messages, those of a replica that died, those a failed send left, those republished
 * after a broker restart. It runs every five seconds, every second while it finds messages. The scan walks
 * the index past every row published since the last vacuum, which grows with the traffic; running it twenty
 * times a second cost more database time than anything else in a campaign.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final int BATCH = 500;
    /** Messages sent and not yet acknowledged by the broker (PUBACK) at once. */
    private static final int WINDOW = 100;

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);
    /**
     * How long a relay transaction may spend publishing what it claimed: past it, what the broker took
     * counts and the rest is unmarked (the transaction must not sit idle holding its rows for long).
     */
    private static final Duration PUBLISH_DEADLINE = Duration.ofSeconds(15);
    /**
     * Limits set on every relay transaction: no statement runs longer, no row lock is waited for longer
     * (a quick pass that meets a row another transaction holds gives up and leaves it to a scan).
     */
    static final String STATEMENT_LIMITS = "SET LOCAL statement_timeout = 10000; SET LOCAL lock_timeout = 2000";
    /**
     * A scan publishes at most this many batches and then ends its pass (another follows within a second):
     * one pass never runs on for minutes behind a backlog, so the watchdog never has to give one up.
     */
    private static final int MAX_SCAN_BATCHES = 20;
    /** A pass that has not ended after this counts as lost (see {@link #drain}). */
    private static final Duration PASS_LIMIT = Duration.ofSeconds(45);

    /** After a message was added, the relay looks this long at every tick, covering the commit's delay. */
    private static final long EAGER_MILLIS = 2_000;
    /**
     * The relay scans the table this often while scans find messages (another replica's, a failed send's);
     * a second after a send failed or messages were republished.
     */
    private static final long SCAN_MILLIS = 1_000;
    /**
     * ... and this often when the last scan found nothing: a scan under load costs 20 to 35 ms of the
     * database's time (it walks the index entries of everything published since the last vacuum), and what
     * it finds is the rare case (a dead replica's messages, an expected message forgotten).
     */
    private static final long IDLE_SCAN_MILLIS = 5_000;
    /**
     * How long a quick pass keeps looking for a message it was told about and did not find: its
     * transaction may not have committed yet. After that (rolled back, or published by a scan) it forgets it.
     */
    private static final long EXPECT_MILLIS = 5_000;

    /**
     * The payload as the relay reads it. The text protocol (see the queries) would send bytea as hex, which
     * the client decodes a byte at a time: a tenth of device-gateway-service's CPU in a campaign. Base64 is
     * decoded in bulk (PostgreSQL breaks its lines every 76 characters: the MIME decoder skips them).
     */
    private static final String PAYLOAD = "encode(payload, 'base64')";

    /** What a claim returns of each row. */
    private static final String CLAIMED =
            " RETURNING id, topic, " + PAYLOAD + ", (extract(epoch FROM created_at) * 1000000)::bigint";

    /**
     * The scan looks only at messages older than this: younger ones are the quick passes' (this replica's, or
     * another replica's that its own quick passes publish). Under load the outbox always holds some hundred
     * young messages; a scan that took them went on batch after batch, walking the index from its start
     * each time, while the quick passes waited for it and then found nothing.
     */
    private static final long SCAN_AGE_MILLIS = 1_000;

    private final MqttPublisher out;
    private final Pool pool;
    private final Vertx vertx;
    private final long pollMillis;
    private final AtomicBoolean running = new AtomicBoolean();
    /** Counts passes; a pass given up by the watchdog sees a newer number and starts nothing more. */
    private final AtomicLong generation = new AtomicLong();

    private final AtomicBoolean wanted = new AtomicBoolean();
    private final AtomicLong eagerUntil = new AtomicLong();
    private volatile long nextScan;
    /** Ids of messages added by this replica's transactions, in the order added, not yet seen by a pass. */
    private final ConcurrentLinkedQueue<UUID> added = new ConcurrentLinkedQueue<>();
    /** Ids taken from {@link #added}, with when they were taken; touched only by the running pass. */
    private final LinkedHashMap<UUID, Long> expected = new LinkedHashMap<>();

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
            if (now < eagerUntil.get() || now >= nextScan) {
                SafeContext.run(vertx, this::drain, ok -> {}, failure -> {});
            }
        });
    }

    /** A claimed message; {@code createdMicros} orders it (ties by id, as PostgreSQL orders uuid). */
    private record Row(UUID id, String topic, byte[] payload, long createdMicros) {

        static final Comparator<Row> ORDER = Comparator.comparingLong(Row::createdMicros)
                .thenComparing(Row::id, (a, b) -> {
                    int high = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
                    return high != 0
                            ? high
                            : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
                });
    }

    /** Messages were made unpublished again (see {@link OutboxRepublisher}): the next pass is a scan. */
    void scanNow() {
        nextScan = 0;
        wakeAfterCommit();
    }

    /** Asks for a pass soon: called when a transaction added a message. */
    void wakeAfterCommit() {
        wanted.set(true);
        eagerUntil.set(System.currentTimeMillis() + EAGER_MILLIS);
    }

    /**
     * A transaction of this replica added these messages (committed or about to): the next quick passes
     * look them up by id.
     */
    void expect(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return;
        }
        added.addAll(ids);
        wakeAfterCommit();
    }

    /**
     * Publishes what was committed so far: a scan when one is due (returns when the outbox is empty or a
     * send failed), else a quick pass over the messages this replica added.
     */
    public Uni<Void> drain() {
        if (!running.compareAndSet(false, true)) {
            wanted.set(true);
            return Uni.createFrom().voidItem();
        }
        wanted.set(false);
        long pass = generation.incrementAndGet();
        long now = System.currentTimeMillis();
        boolean scan = now >= nextScan;
        if (scan) {
            nextScan = now + IDLE_SCAN_MILLIS;
        }
        Uni<Void> work = scan
                ? batch().onItem()
                        .transformToUni(count -> count == BATCH || wanted.getAndSet(false)
                                ? batches(pass, MAX_SCAN_BATCHES - 1)
                                : Uni.createFrom().voidItem())
                : quickPasses(pass);
        // Every statement of a pass has a time limit and its publishing a deadline, so a pass ends within
        // seconds. Should one still have no outcome (a connection lost without a word while PostgreSQL
        // restarts), it is given up: the next pass may start, and the lost one starts no further batch
        // (its open transaction, if any, ends at the statement or idle-in-transaction limits).
        return Watchdog.limit(work, PASS_LIMIT, "an outbox relay pass")
                .onFailure()
                .invoke(e -> {
                    generation.incrementAndGet();
                    LOG.warnf("outbox relay pass given up: %s", e.getMessage());
                })
                .onFailure()
                .recoverWithNull()
                .eventually(() -> running.set(false))
                .replaceWithVoid();
    }

    /** Whether pass {@code pass} is still the current one (not given up by the watchdog). */
    private boolean current(long pass) {
        return generation.get() == pass;
    }

    /** Quick passes while they find messages and more were added, until a scan is due. */
    private Uni<Void> quickPasses(long pass) {
        return quickPass()
                .flatMap(
                        found -> found > 0 && !added.isEmpty() && System.currentTimeMillis() < nextScan && current(pass)
                                ? quickPasses(pass)
                                : Uni.createFrom().voidItem());
    }

    /**
     * Looks up the expected messages by id, {@link #BATCH} at a time in the order added, publishes the
     * committed ones and forgets them; the others stay expected for {@link #EXPECT_MILLIS}. Returns how many
     * were published; stops at the first failed send.
     */
    private Uni<Integer> quickPass() {
        long now = System.currentTimeMillis();
        takeAdded(now);
        return quickBatches(List.copyOf(expected.keySet()), 0, 0)
                .invoke(() -> expected.values().removeIf(at -> now - at > EXPECT_MILLIS));
    }

    /** The quick pass from {@code ids[from]} on, {@link #BATCH} ids a transaction. */
    private Uni<Integer> quickBatches(List<UUID> ids, int from, int published) {
        if (from >= ids.size()) {
            return Uni.createFrom().item(published);
        }
        List<UUID> batch = ids.subList(from, Math.min(from + BATCH, ids.size()));
        // The ids go as a literal (the ids are UUIDs this service made, so it is safe), the statement as
        // text: a prepared statement's generic plan, made while the table was small, reads the whole table
        // for ever after where nothing analyses it. "IS NOT FALSE" keeps the planner off the partial index
        // of unpublished rows: it holds an entry for every row published since the last vacuum, and ANDing
        // it with the primary key's read them all. A row a scan holds is waited for, then skipped.
        return claimAndPublish("UPDATE outbox_message SET published_at = now() WHERE id = ANY('{"
                        + batch.stream().map(UUID::toString).collect(Collectors.joining(","))
                        + "}'::uuid[]) AND (published_at IS NULL) IS NOT FALSE" + CLAIMED)
                .map(this::forget)
                .flatMap(done -> {
                    if (done.complete()) {
                        return quickBatches(
                                ids, from + BATCH, published + done.ids().size());
                    }
                    scanSoon(); // a send failed: the scan takes over
                    return Uni.createFrom().item(published + done.ids().size());
                });
    }

    /** What one relay transaction found and which of those the broker took (and were marked). */
    private record Published(int found, List<UUID> ids) {

        /** Rows another transaction holds: nothing published, and the pass stops as after a failed send. */
        static final Published LOCKED_OUT = new Published(1, List.of());

        boolean complete() {
            return ids.size() == found;
        }
    }

    /** The next scan within {@link #SCAN_MILLIS}. */
    private void scanSoon() {
        nextScan = Math.min(nextScan, System.currentTimeMillis() + SCAN_MILLIS);
    }

    /** After a relay transaction committed: no quick pass looks for what it published any more. */
    private Published forget(Published done) {
        done.ids().forEach(expected::remove);
        return done;
    }

    private void takeAdded(long now) {
        for (UUID id; (id = added.poll()) != null; ) {
            expected.putIfAbsent(id, now);
        }
    }

    /** The claimed rows in publishing order. */
    private static List<Row> rows(RowSet<io.vertx.mutiny.sqlclient.Row> result) {
        List<Row> rows = new ArrayList<>();
        Base64.Decoder base64 = Base64.getMimeDecoder();
        result.forEach(
                r -> rows.add(new Row(r.getUUID(0), r.getString(1), base64.decode(r.getString(2)), r.getLong(3))));
        rows.sort(Row.ORDER);
        return rows;
    }

    /**
     * One relay transaction: {@code claim} (an {@code UPDATE … RETURNING} {@link #CLAIMED}) marks rows
     * published in one statement, not a locking read and then a mark (two writes of every row); they are
     * published and the ones the broker did not take unmarked before the commit.
     */
    private Uni<Published> claimAndPublish(String claim) {
        return pool.withTransaction(connection -> connection
                        .query(STATEMENT_LIMITS)
                        .execute()
                        .flatMap(limits -> connection.query(claim).execute())
                        .map(OutboxRelay::rows)
                        .flatMap(rows -> publishClaimed(connection, rows)))
                .onFailure(OutboxRelay::lockNotAvailable)
                .recoverWithItem(e -> {
                    // a row another transaction holds (a scan of another replica publishing it): left to
                    // it, or to the next scan
                    scanSoon();
                    return Published.LOCKED_OUT;
                });
    }

    /** PostgreSQL's lock_not_available (55P03): a lock was not granted within {@link #STATEMENT_LIMITS}. */
    private static boolean lockNotAvailable(Throwable failure) {
        return failure instanceof io.vertx.pgclient.PgException pg && "55P03".equals(pg.getSqlState());
    }

    /**
     * Publishes the claimed rows (marked published by their claim) in order; the ones the broker did not
     * take are unmarked again before the transaction commits. What was claimed and what was sent.
     */
    private Uni<Published> publishClaimed(SqlConnection connection, List<Row> rows) {
        return publish(rows).flatMap(sent -> {
            if (sent.size() == rows.size()) {
                return Uni.createFrom().item(new Published(rows.size(), sent));
            }
            Set<UUID> taken = new HashSet<>(sent);
            UUID[] unsent =
                    rows.stream().map(Row::id).filter(id -> !taken.contains(id)).toArray(UUID[]::new);
            return connection
                    .preparedQuery("UPDATE outbox_message SET published_at = NULL WHERE id = ANY($1)")
                    .execute(Tuple.of(unsent))
                    .replaceWith(new Published(rows.size(), sent));
        });
    }

    /** Up to {@code left} more scan batches while they find messages and the pass is current. */
    private Uni<Void> batches(long pass, int left) {
        if (left <= 0 || !current(pass)) {
            scanSoon(); // a backlog: the next pass scans again within a second
            return Uni.createFrom().voidItem();
        }
        return batch().flatMap(count -> count == 0 ? Uni.createFrom().voidItem() : batches(pass, left - 1));
    }

    /**
     * One transaction: claim a batch, publish it in order with up to {@link #WINDOW} messages awaiting the
     * broker's PUBACK at once, and unmark the ones the broker did not take; the number claimed, or 0 (stop
     * for now) when the broker did not take them all.
     */
    private Uni<Integer> batch() {
        return claimAndPublish("UPDATE outbox_message SET published_at = now() WHERE id = ANY(ARRAY("
                        + "SELECT id FROM outbox_message WHERE published_at IS NULL"
                        + " AND created_at < now() - interval '" + SCAN_AGE_MILLIS + " milliseconds'"
                        + " ORDER BY created_at, id LIMIT " + BATCH + " FOR UPDATE SKIP LOCKED))" + CLAIMED)
                // what the scan published may have been added since the last quick pass took the new ids
                .invoke(() -> takeAdded(System.currentTimeMillis()))
                .map(this::forget)
                .map(done -> {
                    if (done.found() > 0) {
                        scanSoon();
                    }
                    return done.complete() ? done.found() : 0;
                });
    }

    /** Sends in order and stops at the first failure; returns the ids that the broker took. */
    private Uni<List<UUID>> publish(List<Row> rows) {
        List<UUID> sent = java.util.Collections.synchronizedList(new ArrayList<>());
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
                .ifNoItem()
                .after(PUBLISH_DEADLINE)
                .failWith(() -> new java.util.concurrent.TimeoutException(
                        "the broker did not take a batch within " + PUBLISH_DEADLINE.toSeconds() + " s"))
                .map(ignored -> List.copyOf(sent))
                .onFailure()
                .recoverWithItem(failure -> {
                    LOG.warnf(
                            "publishing from the outbox stopped after %d of %d: %s",
                            sent.size(), rows.size(), failure.getMessage());
                    return List.copyOf(sent);
                });
    }
}
