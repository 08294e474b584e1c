package org.otaplatform.plan.task;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.otaplatform.common.messaging.Inbox;
import org.otaplatform.common.messaging.MqttSubscriptions;
import org.otaplatform.common.reactive.InOrder;
import org.otaplatform.plan.device.DeviceViews;
import org.otaplatform.plan.task.TaskMachine.Move;
import org.otaplatform.plan.task.TaskMachine.Report;

/**
 * Applies a stretch of acks and progress reports, the bulk of a campaign's internal traffic, inside the
 * transaction of its run ({@link MqttSubscriptions#subscribeInStretches}) with a few set-based
 * statements instead of several per report: the inbox records every
 * message id at once, the named tasks are read and locked at once, the state machine decides each
 * report in order on what the earlier ones of the run did ({@link TaskMachine#decide}), and
 * the moves, their history, the devices' new versions and the failure threshold are written in one go.
 * The effects are those of applying the reports one by one.
 */
@ApplicationScoped
public class ReportRuns {

    /** The acks and progress reports of one internal message, in order, and the message's id. */
    public record Reported(String messageId, List<Report> reports) {}

    private final Inbox inbox;
    private final TaskStore tasks;
    private final DeviceViews devices;
    private final FailureThreshold threshold;

    ReportRuns(Inbox inbox, TaskStore tasks, DeviceViews devices, FailureThreshold threshold) {
        this.inbox = inbox;
        this.tasks = tasks;
        this.devices = devices;
        this.threshold = threshold;
    }

    /** A stretch of reports of a run, inside the run's transaction: each applied once (inbox). */
    public Uni<Void> reports(List<Reported> reports) {
        return inbox.firstTimeOnly(reports, Reported::messageId)
                .flatMap(fresh -> fresh.isEmpty()
                        ? Uni.createFrom().voidItem()
                        : applyFresh(fresh.stream()
                                .flatMap(m -> m.reports().stream())
                                .toList()));
    }

    private Uni<Void> applyFresh(List<Report> fresh) {
        Set<UUID> ids = new TreeSet<>();
        fresh.forEach(r -> ids.add(r.taskId()));
        return tasks.findAll(ids).flatMap(found -> {
            Map<UUID, TaskStore.TaskRow> current = new HashMap<>(found);
            List<Move> moves = new ArrayList<>();
            SortedMap<String, String> upgraded = new TreeMap<>(); // product/device → version, in key order
            Set<UUID> plansWithResults = new LinkedHashSet<>();
            for (Report r : fresh) {
                TaskStore.TaskRow task = current.get(r.taskId());
                if (task == null || !task.gatewayId().equals(r.gatewayId())) {
                    continue; // unknown, or another gateway's: ignored as one by one
                }
                var move = TaskMachine.decide(task, r);
                if (move.isEmpty()) {
                    continue;
                }
                Move m = move.get();
                moves.add(m);
                current.put(task.id(), task.in(m.state()));
                if (m.state() == TaskState.SUCCEEDED) {
                    upgraded.put(task.productKey() + '\u0000' + task.deviceKey(), task.toVersion());
                }
                if (m.state() == TaskState.SUCCEEDED || m.state() == TaskState.FAILED) {
                    plansWithResults.add(task.planId());
                }
            }
            if (moves.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            return tasks.moveAll(moves)
                    .flatMap(v -> upgraded.isEmpty() ? Uni.createFrom().voidItem() : devices.upgradedAll(upgraded))
                    .flatMap(v -> InOrder.each(List.copyOf(plansWithResults), threshold::check));
        });
    }
}
