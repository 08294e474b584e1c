package org.otaplatform.plan.task;

import java.util.Optional;
import java.util.UUID;

/**
 * The task state machine's answers to gateway reports, pure: what a report does to a task in a given
 * state. {@link ReportRuns} applies the answers to a run of reports with a few set-based statements.
 */
public final class TaskMachine {

    private TaskMachine() {}

    /** A report reduced to what the state machine needs. */
    public record Report(
            String gatewayId,
            UUID taskId,
            TaskState state,
            Integer percent,
            String version,
            String errorCode,
            String errorMessage) {}

    /** What a report does to its task: a move (or a new percent in the same state), or nothing. */
    public record Move(UUID taskId, TaskState state, Integer percent, String errorCode, String errorMessage) {}

    /**
     * The state machine's answer to a report about {@code task} (which the reporting gateway owns): the
     * move it causes, or empty for one that is stale, repeated or backwards. SUCCEEDED counts only with
     * the target version, otherwise the task fails with VERSION_MISMATCH.
     */
    public static Optional<Move> decide(TaskStore.TaskRow task, Report r) {
        TaskState next = r.state();
        String code = r.errorCode();
        String text = r.errorMessage();
        if (next == TaskState.SUCCEEDED && !task.toVersion().equals(r.version())) {
            next = TaskState.FAILED;
            code = "VERSION_MISMATCH";
            text = "reported version " + r.version() + ", expected " + task.toVersion();
        }
        if (next == TaskState.REJECTED && text != null) {
            code = "REJECTED"; // the gateway's reason, shown in the task's error
        }
        if (next == task.state() && r.percent() != null && !next.isFinal()) {
            return Optional.of(new Move(task.id(), next, r.percent(), null, null));
        }
        if (!task.state().canMoveTo(next)) {
            return Optional.empty();
        }
        return Optional.of(new Move(task.id(), next, r.percent(), code, text));
    }
}
