package org.otaplatform.plan.task;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The life cycle of one upgrade attempt (gateway protocol v1). States only move forward; a gateway may
 * skip intermediate states; any state that is not final may end FAILED, CANCELLED or TIMED_OUT.
 *
 * <pre>
 * AWAITING_CONFIRMATION ─(app confirms)─> PENDING        (manual plans only)
 * PENDING ─(sent)─> NOTIFIED ─ack accept─> ACCEPTED ─> DOWNLOADING ─> DOWNLOADED ─> UPGRADING ─> SUCCEEDED
 *                      └─ack reject─> REJECTED
 * </pre>
 */
public enum TaskState {
    AWAITING_CONFIRMATION,
    PENDING,
    NOTIFIED,
    ACCEPTED,
    DOWNLOADING,
    DOWNLOADED,
    UPGRADING,
    SUCCEEDED,
    FAILED,
    REJECTED,
    CANCELLED,
    TIMED_OUT;

    private static final Set<TaskState> FINAL = EnumSet.of(SUCCEEDED, FAILED, REJECTED, CANCELLED, TIMED_OUT);
    /** Between NOTIFIED and UPGRADING: the task occupies its gateway's radio. */
    private static final Set<TaskState> IN_FLIGHT = EnumSet.of(NOTIFIED, ACCEPTED, DOWNLOADING, DOWNLOADED, UPGRADING);

    /** A failed attempt: FAILED or TIMED_OUT (counted as failures, retried). */
    private static final Set<TaskState> FAILURES = EnumSet.of(FAILED, TIMED_OUT);

    // The state sets SQL uses, made from the sets above (never retyped): {@code ('NOTIFIED', ...)}.

    /** The states a task is open in. */
    public static final String OPEN_SQL =
            sqlList(java.util.Arrays.stream(values()).filter(s -> !s.isFinal()).toList());
    /** Open and confirmed (all but AWAITING_CONFIRMATION): what the timeout pass watches. */
    public static final String CONFIRMED_OPEN_SQL = sqlList(java.util.Arrays.stream(values())
            .filter(s -> !s.isFinal() && s != AWAITING_CONFIRMATION)
            .toList());
    /** Between NOTIFIED and UPGRADING: occupying a gateway's radio. */
    public static final String IN_FLIGHT_SQL = sqlList(List.copyOf(IN_FLIGHT));
    /** Open and not started on the device yet (a gateway may still drop it). */
    public static final String NOT_STARTED_SQL = sqlList(List.of(AWAITING_CONFIRMATION, PENDING, NOTIFIED));
    /** FAILED or TIMED_OUT. */
    public static final String FAILURES_SQL = sqlList(List.copyOf(FAILURES));

    /** This state as an SQL literal: {@code 'NOTIFIED'}. */
    public String sql() {
        return "'" + name() + "'";
    }

    public boolean isFailure() {
        return FAILURES.contains(this);
    }

    private static String sqlList(java.util.List<TaskState> states) {
        return states.stream()
                .map(s -> "'" + s.name() + "'")
                .collect(java.util.stream.Collectors.joining(", ", "(", ")"));
    }

    public boolean isFinal() {
        return FINAL.contains(this);
    }

    public boolean isInFlight() {
        return IN_FLIGHT.contains(this);
    }

    /** The one transition table: whether a task in this state may move to {@code next}. */
    public boolean canMoveTo(TaskState next) {
        if (isFinal() || next == this) {
            return false;
        }
        return switch (next) {
            // a confirmed upgrade whose appointment ended before it could be sent is offered again
            case AWAITING_CONFIRMATION -> this == PENDING;
            case PENDING -> this == AWAITING_CONFIRMATION;
            case NOTIFIED -> this == PENDING;
            case REJECTED -> this == AWAITING_CONFIRMATION || this == NOTIFIED;
            case ACCEPTED, DOWNLOADING, DOWNLOADED, UPGRADING, SUCCEEDED ->
                // the gateway reports progress only for what it was sent; it may skip states, never go back
                ordinal() >= NOTIFIED.ordinal() && next.ordinal() > ordinal();
            case FAILED, CANCELLED, TIMED_OUT -> true;
        };
    }
}
