package org.otaplatform.plan.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Success is the version that boots (gateway protocol, "Gateway firmware"): every task state against the
 * three kinds of version a gateway's {@code hello} can show (its task's {@code toVersion}, {@code fromVersion},
 * anything else), with the plan running or over.
 */
class BootDecisionTest {

    private static final String FROM = "1.0.0";
    private static final String TO = "1.1.0";

    private static TaskStore.TaskRow task(TaskState state, boolean gatewayFirmware, boolean planOpen) {
        return new TaskStore.TaskRow(
                UUID.randomUUID(),
                UUID.randomUUID(),
                "gwp",
                "gw-1",
                "gw-1",
                state,
                FROM,
                TO,
                gatewayFirmware,
                planOpen);
    }

    /** The expected answer as "STATE/CODE", "STATE" or "-" (nothing). */
    private static String expected(TaskState state, String booted, boolean planOpen) {
        if (state == TaskState.SUCCEEDED) {
            return planOpen && booted.equals(FROM) ? "FAILED/ROLLED_BACK" : "-";
        }
        if (!state.isInFlight()) {
            return "-";
        }
        if (booted.equals(TO)) {
            return "SUCCEEDED";
        }
        if (booted.equals(FROM)) {
            return state == TaskState.UPGRADING ? "FAILED/ROLLED_BACK" : "-";
        }
        return "FAILED/VERSION_MISMATCH";
    }

    static Stream<Arguments> matrix() {
        return Stream.of(TaskState.values())
                .flatMap(s -> Stream.of(FROM, TO, "9.9.9")
                        .flatMap(v -> Stream.of(true, false).map(open -> Arguments.of(s, v, open))));
    }

    @ParameterizedTest(name = "{0} booting {1}, plan open {2}")
    @MethodSource("matrix")
    void theVersionThatBootsDecidesTheGatewaysOwnTask(TaskState state, String booted, boolean planOpen) {
        TaskStore.TaskRow task = task(state, true, planOpen);

        Optional<TaskMachine.Move> move = TaskMachine.decide(task, TaskMachine.Report.boot("gw-1", task.id(), booted));

        String answer = move.map(m -> m.errorCode() == null ? m.state().name() : m.state() + "/" + m.errorCode())
                .orElse("-");
        assertThat(answer).isEqualTo(expected(state, booted, planOpen));
        move.ifPresent(m -> assertThat(m.taskId()).isEqualTo(task.id()));
        if (answer.startsWith("FAILED")) {
            assertThat(move.get().errorMessage()).contains(booted);
        }
    }

    @Test
    void aBootSaysNothingAboutASubDevicesTask() {
        for (TaskState state : TaskState.values()) {
            TaskStore.TaskRow task = task(state, false, true);
            for (String v : new String[] {FROM, TO, "9.9.9"}) {
                assertThat(TaskMachine.decide(task, TaskMachine.Report.boot("gw-1", task.id(), v)))
                        .as("%s booting %s", state, v)
                        .isEmpty();
            }
        }
    }

    @Test
    void aReportedSucceededStillNeedsTheTargetVersion() {
        TaskStore.TaskRow task = task(TaskState.UPGRADING, true, true);

        var move = TaskMachine.decide(
                task, new TaskMachine.Report("gw-1", task.id(), TaskState.SUCCEEDED, 100, FROM, null, null));

        assertThat(move).get().extracting(TaskMachine.Move::errorCode).isEqualTo("VERSION_MISMATCH");
    }

    @Test
    void aGatewayMayReportRolledBackItself() {
        TaskStore.TaskRow task = task(TaskState.UPGRADING, true, true);

        var move = TaskMachine.decide(
                task,
                new TaskMachine.Report("gw-1", task.id(), TaskState.FAILED, null, null, "ROLLED_BACK", "fell back"));

        assertThat(move).get().extracting(TaskMachine.Move::state).isEqualTo(TaskState.FAILED);
        assertThat(move.get().errorCode()).isEqualTo("ROLLED_BACK");
    }
}
