package org.otaplatform.plan.config;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The time plan-service's schedule runs by: push windows, the rollout rate, re-push and retry delays,
 * appointments, ack and task deadlines. Every statement that asks whether a time has come compares with this
 * clock (as a parameter, not the database's {@code now()}), so that a test can move it forward and watch
 * minutes or hours of a schedule in seconds. The system clock, but in such tests.
 */
@ApplicationScoped
public class PlanClock {

    private volatile Clock clock = Clock.systemUTC();

    public Instant now() {
        return clock.instant();
    }

    /** {@link #now()} for the reactive client's parameters. */
    public OffsetDateTime nowUtc() {
        return clock.instant().atOffset(ZoneOffset.UTC);
    }

    public long millis() {
        return clock.millis();
    }

    /** For tests: the clock to run by from now on. */
    public void use(Clock clock) {
        this.clock = clock;
    }
}
