package org.otaplatform.common.reactive;

import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * A warning that a scheduled pass repeats every second while a fault lasts (the database away for a
 * minute and a half makes ninety of each): logged at once, then at most once a minute, saying how many
 * were held back meanwhile.
 */
public final class RepeatedWarning {

    private static final long EVERY_NANOS = 60_000_000_000L;

    private final Logger log;
    private final String what;
    private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - EVERY_NANOS);
    private final AtomicLong heldBack = new AtomicLong();

    /** @param what what failed, e.g. "the push pass" */
    public RepeatedWarning(Logger log, String what) {
        this.log = log;
        this.what = what;
    }

    public void failed(Throwable failure) {
        long now = System.nanoTime();
        long last = lastLogged.get();
        if (now - last < EVERY_NANOS || !lastLogged.compareAndSet(last, now)) {
            heldBack.incrementAndGet();
            return;
        }
        long held = heldBack.getAndSet(0);
        log.warnf(
                "%s failed: %s%s",
                what,
                failure.getMessage(),
                held == 0 ? "" : " (" + held + " more failures in the last minute not logged)");
    }
}
