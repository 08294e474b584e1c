package org.otaplatform.plan.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The whole from × to matrix of the task life cycle, against the protocol page. */
class TaskStateTest {

    private static final Set<String> ALLOWED = Set.of(
            "AWAITING_CONFIRMATION>PENDING",
            "AWAITING_CONFIRMATION>REJECTED",
            "AWAITING_CONFIRMATION>FAILED",
            "AWAITING_CONFIRMATION>CANCELLED",
            "AWAITING_CONFIRMATION>TIMED_OUT",
            "PENDING>AWAITING_CONFIRMATION",
            "PENDING>NOTIFIED",
            "PENDING>FAILED",
            "PENDING>CANCELLED",
            "PENDING>TIMED_OUT",
            "NOTIFIED>ACCEPTED",
            "NOTIFIED>DOWNLOADING",
            "NOTIFIED>DOWNLOADED",
            "NOTIFIED>UPGRADING",
            "NOTIFIED>SUCCEEDED",
            "NOTIFIED>FAILED",
            "NOTIFIED>REJECTED",
            "NOTIFIED>CANCELLED",
            "NOTIFIED>TIMED_OUT",
            "ACCEPTED>DOWNLOADING",
            "ACCEPTED>DOWNLOADED",
            "ACCEPTED>UPGRADING",
            "ACCEPTED>SUCCEEDED",
            "ACCEPTED>FAILED",
            "ACCEPTED>CANCELLED",
            "ACCEPTED>TIMED_OUT",
            "DOWNLOADING>DOWNLOADED",
            "DOWNLOADING>UPGRADING",
            "DOWNLOADING>SUCCEEDED",
            "DOWNLOADING>FAILED",
            "DOWNLOADING>CANCELLED",
            "DOWNLOADING>TIMED_OUT",
            "DOWNLOADED>UPGRADING",
            "DOWNLOADED>SUCCEEDED",
            "DOWNLOADED>FAILED",
            "DOWNLOADED>CANCELLED",
            "DOWNLOADED>TIMED_OUT",
            "UPGRADING>SUCCEEDED",
            "UPGRADING>FAILED",
            "UPGRADING>CANCELLED",
            "UPGRADING>TIMED_OUT");

    static Stream<Arguments> everyPair() {
        return Stream.of(TaskState.values())
                .flatMap(from -> Stream.of(TaskState.values()).map(to -> Arguments.of(from, to)));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @MethodSource("everyPair")
    void movesOnlyForwardAsTheProtocolSays(TaskState from, TaskState to) {
        assertThat(from.canMoveTo(to)).isEqualTo(ALLOWED.contains(from + ">" + to));
    }

    @Test
    void theRadioIsBusyFromNotifiedToUpgrading() {
        assertThat(Stream.of(TaskState.values()).filter(TaskState::isInFlight))
                .containsExactly(
                        TaskState.NOTIFIED,
                        TaskState.ACCEPTED,
                        TaskState.DOWNLOADING,
                        TaskState.DOWNLOADED,
                        TaskState.UPGRADING);
        assertThat(Stream.of(TaskState.values()).filter(TaskState::isFinal))
                .containsExactly(
                        TaskState.SUCCEEDED,
                        TaskState.FAILED,
                        TaskState.REJECTED,
                        TaskState.CANCELLED,
                        TaskState.TIMED_OUT);
    }

    /** The SQL state sets are made from the enum's sets; these are the lists the queries and indexes expect. */
    @Test
    void theSqlStateSetsAreTheEnumsSets() {
        assertThat(TaskState.OPEN_SQL)
                .isEqualTo("('AWAITING_CONFIRMATION', 'PENDING', 'NOTIFIED', 'ACCEPTED', 'DOWNLOADING', 'DOWNLOADED',"
                        + " 'UPGRADING')");
        assertThat(TaskState.CONFIRMED_OPEN_SQL)
                .isEqualTo("('PENDING', 'NOTIFIED', 'ACCEPTED', 'DOWNLOADING', 'DOWNLOADED', 'UPGRADING')");
        assertThat(TaskState.IN_FLIGHT_SQL)
                .isEqualTo("('NOTIFIED', 'ACCEPTED', 'DOWNLOADING', 'DOWNLOADED', 'UPGRADING')");
        assertThat(TaskState.NOT_STARTED_SQL).isEqualTo("('AWAITING_CONFIRMATION', 'PENDING', 'NOTIFIED')");
        assertThat(TaskState.FAILURES_SQL).isEqualTo("('FAILED', 'TIMED_OUT')");
        assertThat(TaskState.SUCCEEDED.sql()).isEqualTo("'SUCCEEDED'");
        for (TaskState state : TaskState.values()) {
            assertThat(TaskState.OPEN_SQL.contains(state.sql()))
                    .as(state.name())
                    .isEqualTo(!state.isFinal());
            assertThat(TaskState.IN_FLIGHT_SQL.contains(state.sql()))
                    .as(state.name())
                    .isEqualTo(state.isInFlight());
            assertThat(TaskState.FAILURES_SQL.contains(state.sql()))
                    .as(state.name())
                    .isEqualTo(state.isFailure());
        }
    }
}
