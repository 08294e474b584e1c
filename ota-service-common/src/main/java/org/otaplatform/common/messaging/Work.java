package org.otaplatform.common.messaging;

import io.smallrye.mutiny.Uni;
import java.util.function.Supplier;

/**
 * What to do with one message ({@link MqttSubscriptions}): {@code alone} applies it in a transaction of its
 * own and answers it as it must be answered; {@code together}, when not null, applies it inside a
 * transaction shared with the messages around it, and fails (rolling them all back) where {@code alone}
 * would refuse it.
 */
public record Work(Supplier<Uni<Void>> alone, Supplier<Uni<Void>> together, Runnable committedTogether) {

    /** {@code committedTogether} runs after the shared transaction that applied it committed. */
    public Work {
        committedTogether = committedTogether == null ? () -> {} : committedTogether;
    }

    /** Handled alone only. */
    public static Work alone(Supplier<Uni<Void>> alone) {
        return new Work(alone, null, null);
    }

    /** The same work alone or together: it joins the transaction it finds, or opens its own. */
    public static Work either(Supplier<Uni<Void>> work) {
        return new Work(work, work, null);
    }

    /**
     * A message's work that may be applied together with others of its kind in a few set-based statements
     * ({@link MqttSubscriptions#subscribeInStretches}); {@link #get()} applies it alone, inside the
     * transaction it finds.
     *
     * @param item what the set-based statements need of the message (decoded once)
     */
    public record Batchable<T>(T item, Supplier<Uni<Void>> oneByOne) implements Supplier<Uni<Void>> {
        @Override
        public Uni<Void> get() {
            return oneByOne.get();
        }
    }
}
