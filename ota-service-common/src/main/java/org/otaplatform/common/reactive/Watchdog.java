package org.otaplatform.common.reactive;

import io.smallrye.mutiny.Uni;
import java.time.Duration;

/**
 * A time limit for one unit of work (a scheduled pass, the handling of one message). While PostgreSQL
 * restarts, a transaction whose connection dies can leave its {@code Uni} without an outcome; a pass
 * with {@code concurrentExecution = SKIP} would then never run again and a subscription would never
 * acknowledge again. Past the limit the work counts as failed (a {@link java.util.concurrent.TimeoutException},
 * which callers treat as transient) and is retried; the work itself is idempotent, so a late outcome of
 * the lost attempt changes nothing.
 */
public final class Watchdog {

    /** Far above any healthy unit of work, well below "stuck for good". */
    public static final Duration LIMIT = Duration.ofSeconds(60);

    private Watchdog() {}

    /** For {@code uni.plug(Watchdog.limit("the timeout pass"))}. */
    public static <T> java.util.function.Function<Uni<T>, Uni<T>> limit(String what) {
        return work -> limit(work, LIMIT, what);
    }

    public static <T> Uni<T> limit(Uni<T> work, String what) {
        return limit(work, LIMIT, what);
    }

    public static <T> Uni<T> limit(Uni<T> work, Duration limit, String what) {
        return work.ifNoItem()
                .after(limit)
                .failWith(() -> new java.util.concurrent.TimeoutException(
                        what + " had no outcome after " + limit.toSeconds() + " s: given up as lost"));
    }
}
