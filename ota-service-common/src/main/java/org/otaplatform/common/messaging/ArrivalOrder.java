package org.otaplatform.common.messaging;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.messages.MqttPublishMessage;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import org.otaplatform.common.reactive.SafeContext;
import org.otaplatform.common.reactive.Watchdog;

/**
 * A subscription's messages handled in the order the broker delivered them, one run at a time: those
 * waiting together, where their {@link Work} allows it, in one shared transaction, and each message handed
 * back for its acknowledgement only once its work committed (or was let go). A handler failing on the
 * infrastructure is retried with a back-off for as long as the fault lasts ({@code MqttSubscriptionsRetryTest}).
 * Used on the subscription's event loop.
 */
final class ArrivalOrder {

    private static final Logger LOG = Logger.getLogger(ArrivalOrder.class);
    /** A message is handled in milliseconds; one without an outcome after this is retried (see Watchdog). */
    private static final Duration HANDLER_LIMIT = Duration.ofSeconds(20);
    /** Back-off between attempts of a failing handler: doubling from the first, the last repeated. */
    private static final Duration FIRST_RETRY = Duration.ofMillis(200);

    private static final Duration LAST_RETRY = Duration.ofSeconds(30);
    /** The most messages applied in one shared transaction (the broker sends at most 100 unacknowledged). */
    private static final int MAX_BATCH = 100;

    /** Attempts of a message that fails for a reason of its own before it becomes a dead letter. */
    static final int ATTEMPTS = 3;

    /**
     * A message as received, with the connection that delivered it (its PUBACK goes there); {@code message}
     * and {@code via} are null for a dead letter replayed.
     */
    record Received(String topic, byte[] payload, MqttPublishMessage message, MqttClient via, Work work) {}

    private final Vertx vertx;
    private final String filter;
    private final Function<List<Supplier<Uni<Void>>>, Uni<Void>> together;
    private final BooleanSupplier stopping;
    private final Consumer<Received> handled;
    private final DeadLetters deadLetters;
    /** Received and not handled yet. */
    private final Deque<Received> queue = new ArrayDeque<>();

    private volatile boolean busy;
    /** When the run being handled started (ms). */
    private volatile long runStarted;

    /**
     * @param together applies a run of works in one transaction; null: every message alone
     * @param handled what follows a message's handling (its acknowledgement)
     */
    ArrivalOrder(
            Vertx vertx,
            String filter,
            Function<List<Supplier<Uni<Void>>>, Uni<Void>> together,
            BooleanSupplier stopping,
            Consumer<Received> handled,
            DeadLetters deadLetters) {
        this.vertx = vertx;
        this.filter = filter;
        this.together = together;
        this.stopping = stopping;
        this.handled = handled;
        this.deadLetters = deadLetters;
    }

    /** Queues a message and starts handling if idle. */
    void add(Received received) {
        queue.add(received);
        if (!busy) {
            next();
        }
    }

    /** Whether nothing is waiting or being handled. */
    boolean idle() {
        return !busy && queue.isEmpty();
    }

    /**
     * How long the run being handled has been at it (0 when idle): milliseconds normally; a channel that
     * waits out a fault grows it, and meanwhile the broker queues this subscription's messages.
     */
    long stalledMillis() {
        return busy ? System.currentTimeMillis() - runStarted : 0;
    }

    /**
     * Takes the next message and those waiting behind it that may share its transaction; should the shared
     * transaction fail, it is rolled back and each of its messages is handled alone.
     */
    private void next() {
        Received first = queue.poll();
        if (first == null) {
            busy = false;
            return;
        }
        busy = true;
        runStarted = System.currentTimeMillis();
        List<Received> batch = new ArrayList<>();
        batch.add(first);
        while (together != null
                && first.work().together() != null
                && batch.size() < MAX_BATCH
                && queue.peek() != null
                && queue.peek().work().together() != null) {
            batch.add(queue.poll());
        }
        Context caller = vertx.getOrCreateContext();
        Runnable finished = () -> caller.runOnContext(v -> {
            try {
                batch.forEach(handled);
            } finally {
                next();
            }
        });
        if (batch.size() == 1) {
            handle(first, finished);
            return;
        }
        SafeContext.run(
                vertx,
                () -> Watchdog.limit(
                        together.apply(
                                batch.stream().map(r -> r.work().together()).toList()),
                        HANDLER_LIMIT,
                        "handling " + batch.size() + " messages on " + filter),
                ok -> {
                    batch.forEach(r -> r.work().committedTogether().run());
                    finished.run();
                },
                failure -> {
                    LOG.debugf(
                            "%d messages on %s could not be applied together (%s); handling each alone",
                            batch.size(), filter, failure.getMessage());
                    caller.runOnContext(x -> alone(batch, 0, finished));
                });
    }

    /** Handles the batch's messages one by one from {@code index}, then {@code done}. */
    private void alone(List<Received> batch, int index, Runnable done) {
        if (index == batch.size()) {
            done.run();
            return;
        }
        handle(batch.get(index), () -> alone(batch, index + 1, done));
    }

    /**
     * Handles one message alone, then {@code done}. A fault of the infrastructure ({@link Failures}) is waited
     * out however long it lasts (the message stays unacknowledged, so nothing behind it is lost either), with
     * a back-off; a failure of the message's own gets {@link #ATTEMPTS} tries and the message is then kept as
     * a dead letter ({@link DeadLetters}), stored before it is acknowledged.
     */
    private void handle(Received received, Runnable done) {
        String topic = received.topic();
        AtomicInteger failures = new AtomicInteger();
        Predicate<Throwable> again =
                failure -> !stopping.getAsBoolean() && (Failures.transient_(failure) || failures.get() < ATTEMPTS);
        SafeContext.<Void>uni(
                        vertx,
                        () -> Watchdog.limit(
                                received.work().alone().get(), HANDLER_LIMIT, "handling a message on " + topic))
                .onFailure()
                .invoke(failures::incrementAndGet)
                .onFailure(again)
                .invoke(failure -> LOG.warnf(
                        "handling a message on %s failed (%s); trying again (attempt %d)",
                        topic, failure.getMessage(), failures.get() + 1))
                .onFailure(again)
                .retry()
                .withBackOff(FIRST_RETRY, LAST_RETRY)
                .indefinitely()
                .subscribe()
                .with(ok -> done.run(), failure -> {
                    if (stopping.getAsBoolean()) {
                        return; // not acknowledged: the broker delivers it again to whoever takes over
                    }
                    deadLetter(received, failure, failures.get(), done);
                });
    }

    /** Stores a dead letter, waiting out the infrastructure's faults as the work did, then {@code done}. */
    private void deadLetter(Received received, Throwable failure, int attempts, Runnable done) {
        SafeContext.<Void>uni(
                        vertx, () -> deadLetters.store(filter, received.topic(), received.payload(), failure, attempts))
                .onFailure(f -> !stopping.getAsBoolean())
                .retry()
                .withBackOff(FIRST_RETRY, LAST_RETRY)
                .indefinitely()
                .subscribe()
                .with(ok -> done.run(), f -> LOG.warnf("a dead letter on %s is not stored: %s", received.topic(), f));
    }
}
