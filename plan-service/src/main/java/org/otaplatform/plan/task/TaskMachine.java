package org.otaplatform.plan.task;

import java.util.Optional;
import java.util.UUID;

/**
 * The task state machine's answers to gateway reports, pure: what a report does to a task in a given
 * state. {@link ReportRuns} applies the answers to a run of reports with a few set-based statements.
 */
public final class TaskMachine {

    private TaskMachine() {}

    /**
     * A report reduced to what the state machine needs; {@code boot}: not a report but the version the gateway
     * booted, from its {@code hello} after it reconnected ({@code state} null), for its own newest task.
     */
    public record Report(
            String gatewayId,
            UUID taskId,
            TaskState state,
            Integer percent,
            String version,
            String errorCode,
            String errorMessage,
            boolean boot) {

        public Report(
                String gatewayId,
                UUID taskId,
                TaskState state,
                Integer percent,
                String version,
                String errorCode,
                String errorMessage) {
            this(gatewayId, taskId, state, percent, version, errorCode, errorMessage, false);
        }

        /** The version a gateway booted, for its own task {@code taskId}. */
        public static Report boot(String gatewayId, UUID taskId, String version) {
            return new Report(gatewayId, taskId, null, null, version, null, null, true);
        }
    }

    /** What a report does to its task: a move (or a new percent in the same state), or nothing. */
    public record Move(UUID taskId, TaskState state, Integer percent, String errorCode, String errorMessage) {}

    /**
     * The state machine's answer to a report about {@code task} (which the reporting gateway owns): the
     * move it causes, or empty for one that is stale, repeated or backwards. SUCCEEDED counts only with
     * the target version, otherwise the task fails with VERSION_MISMATCH.
     */
    public static Optional<Move> decide(TaskStore.TaskRow task, Report r) {
        if (r.boot()) {
            return boot(task, r.version());
        }
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

    /**
     * Success is the version that boots (gateway protocol, "Gateway firmware"): what the version a gateway
     * reports in its {@code hello} after reconnecting does to its own task. A task that was sent: {@code
     * toVersion} → SUCCEEDED; {@code fromVersion} → FAILED/ROLLED_BACK once it reached UPGRADING (before, the
     * gateway merely reconnected and the task goes on); any other version → FAILED/VERSION_MISMATCH. A
     * SUCCEEDED task of a plan still running whose gateway comes back on {@code fromVersion} is corrected to
     * FAILED/ROLLED_BACK, the one move out of a final state. Anything else: nothing.
     */
    static Optional<Move> boot(TaskStore.TaskRow task, String version) {
        if (!task.gatewayFirmware() || version == null) {
            return Optional.empty();
        }
        boolean upgraded = task.toVersion().equals(version);
        boolean old = version.equals(task.fromVersion()) && !upgraded;
        if (task.state() == TaskState.SUCCEEDED) {
            return task.planOpen() && old
                    ? Optional.of(rolledBack(task, "the gateway reported SUCCEEDED and then booted " + version))
                    : Optional.empty();
        }
        if (!task.state().isInFlight()) {
            return Optional.empty(); // final, or never sent
        }
        if (upgraded) {
            return Optional.of(new Move(task.id(), TaskState.SUCCEEDED, null, null, null));
        }
        if (old) {
            return task.state() == TaskState.UPGRADING
                    ? Optional.of(rolledBack(task, "the gateway booted " + version + " again after UPGRADING"))
                    : Optional.empty();
        }
        return Optional.of(new Move(
                task.id(),
                TaskState.FAILED,
                null,
                "VERSION_MISMATCH",
                "the gateway booted " + version + ", expected " + task.toVersion()));
    }

    private static Move rolledBack(TaskStore.TaskRow task, String why) {
        return new Move(task.id(), TaskState.FAILED, null, "ROLLED_BACK", why);
    }
}
