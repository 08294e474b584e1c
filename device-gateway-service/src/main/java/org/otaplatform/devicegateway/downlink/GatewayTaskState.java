package org.otaplatform.devicegateway.downlink;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.otaplatform.contract.message.Ack;
import org.otaplatform.contract.message.Progress;
import org.otaplatform.contract.message.UplinkMessage;

/**
 * An upgrade as this service follows it (plan-service keeps the full task machine): sent to its gateway,
 * acked by it, ended. Forward only: SENT → ACKED → ENDED, or SENT → ENDED (rejected, cancelled, failed or
 * succeeded before its ack arrived). The SQL that moves a task is made from this table, never retyped.
 */
public enum GatewayTaskState {
    SENT,
    ACKED,
    ENDED;

    /** The states each state may move to. */
    public Set<GatewayTaskState> next() {
        return switch (this) {
            case SENT -> EnumSet.of(ACKED, ENDED);
            case ACKED -> EnumSet.of(ENDED);
            case ENDED -> EnumSet.noneOf(GatewayTaskState.class);
        };
    }

    public boolean canMoveTo(GatewayTaskState to) {
        return next().contains(to);
    }

    /** Of two states a run of reports reaches, the one further along. */
    public static GatewayTaskState furthest(GatewayTaskState a, GatewayTaskState b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }

    /** Where an ack or a progress report moves the task it names. */
    public static GatewayTaskState after(UplinkMessage report) {
        if (report instanceof Ack ack) {
            return ack.accept() ? ACKED : ENDED;
        }
        return switch (((Progress) report).state()) {
            case DOWNLOADING, DOWNLOADED, UPGRADING -> ACKED;
            case SUCCEEDED, FAILED -> ENDED;
        };
    }

    /** The state as an SQL literal. */
    public String sql() {
        return "'" + name() + "'";
    }

    /**
     * An SQL expression for the state a task in {@code current} moves to when asked for {@code wanted}
     * (both SQL expressions): {@code wanted} where the table allows the move, else {@code current}.
     */
    public static String advanceSql(String current, String wanted) {
        return "CASE WHEN (" + current + ", " + wanted + ") IN (" + movesSql() + ") THEN " + wanted + " ELSE " + current
                + " END";
    }

    /** An SQL condition: {@code current} may move to {@code wanted}. */
    public static String canMoveSql(String current, String wanted) {
        return "(" + current + ", " + wanted + ") IN (" + movesSql() + ")";
    }

    /** The allowed moves as SQL row literals: ('SENT', 'ACKED'), ... */
    private static String movesSql() {
        return EnumSet.allOf(GatewayTaskState.class).stream()
                .flatMap(from -> from.next().stream().map(to -> "(" + from.sql() + ", " + to.sql() + ")"))
                .collect(Collectors.joining(", "));
    }
}
