package org.otaplatform.plan.uplink;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import org.otaplatform.common.messaging.Inbox;
import org.otaplatform.common.messaging.MqttSubscriptions;
import org.otaplatform.common.messaging.Work;
import org.otaplatform.contract.internal.GatewayUplink;
import org.otaplatform.contract.internal.InternalMessage;
import org.otaplatform.plan.schedule.RequestHandler;
import org.otaplatform.plan.task.ReportRuns;
import org.otaplatform.plan.task.TaskMachine.Report;
import org.otaplatform.plan.task.TaskState;

/**
 * Acks and progress from gateways (through device-gateway-service) drive the task state machine:
 * forward only, once per message, stale or foreign reports ignored; SUCCEEDED counts only with the
 * target version, otherwise the task fails with VERSION_MISMATCH. One path: a message's reports, alone or
 * with the messages waiting with it, are applied by {@link ReportRuns} ({@link org.otaplatform.plan.task.TaskMachine#decide} for each).
 */
@ApplicationScoped
public class GatewayUplinkConsumer {

    private static final Logger LOG = Logger.getLogger(GatewayUplinkConsumer.class);

    private final Inbox inbox;
    private final RequestHandler requests;
    private final ReportRuns runs;

    GatewayUplinkConsumer(Inbox inbox, RequestHandler requests, ReportRuns runs) {
        this.inbox = inbox;
        this.requests = requests;
        this.runs = runs;
    }

    /**
     * Subscribes at start-up; messages are acknowledged once their effects are committed. Those waiting
     * together are applied in one transaction, a run of acks and progress reports with a few set-based
     * statements ({@link ReportRuns}).
     */
    void subscribe(@Observes StartupEvent event, MqttSubscriptions mqtt) {
        mqtt.subscribeInStretches(
                "gateway-uplink",
                "$share/plan-service/" + org.otaplatform.contract.InternalTopics.GATEWAY_UPLINK,
                (topic, payload) -> prepare(payload),
                runs::reports,
                () -> {});
    }

    /** Decodes a message once; acks and progress reports may join a set-based run. */
    Work prepare(byte[] payload) {
        Optional<InternalMessage> message = InternalMessage.decode(payload);
        Optional<List<Report>> reports = message.filter(m -> !GatewayUplink.Request.TYPE.equals(m.type()))
                .flatMap(GatewayUplinkConsumer::reports);
        if (reports.isEmpty()) {
            return Work.either(() -> consume(payload));
        }
        ReportRuns.Reported reported = new ReportRuns.Reported(message.get().id(), reports.get());
        // alone, the message is a run of one: the same statements in a transaction of its own
        Supplier<Uni<Void>> alone = () -> Panache.withTransaction(() -> runs.reports(List.of(reported)));
        return new Work(alone, new Work.Batchable<>(reported, () -> runs.reports(List.of(reported))), null);
    }

    /**
     * A message that carries no reports ({@link #prepare} found none): a device's request is handled once;
     * anything else is dropped.
     */
    private Uni<Void> consume(byte[] payload) {
        Optional<InternalMessage> message = InternalMessage.decode(payload);
        Optional<GatewayUplink.Request> request = message.filter(m -> GatewayUplink.Request.TYPE.equals(m.type()))
                .flatMap(m -> m.dataAs(GatewayUplink.Request.class))
                .filter(r -> r.gatewayId() != null
                        && r.productKey() != null
                        && r.deviceKey() != null
                        && r.version() != null);
        if (request.isPresent()) {
            return inbox.applyOnce(message.get(), () -> requests.handle(request.get()));
        }
        return Uni.createFrom().voidItem(); // not a request, ack or progress: dropped
    }

    /**
     * The reports a message carries: a {@code gateway.reports} (device-gateway-service's since 2026-12), or a
     * single {@code gateway.ack} or {@code gateway.progress} (older senders, outbox rows written before an
     * upgrade). Empty for anything else, and for a malformed message (logged, dropped whole).
     */
    static Optional<List<Report>> reports(InternalMessage m) {
        try {
            if (GatewayUplink.Reports.TYPE.equals(m.type())) {
                return m.dataAs(GatewayUplink.Reports.class)
                        .filter(r -> !r.reports().isEmpty())
                        .map(r -> r.reports().stream()
                                .map(GatewayUplinkConsumer::report)
                                .toList());
            }
            if (GatewayUplink.Ack.TYPE.equals(m.type())) {
                return m.dataAs(GatewayUplink.Ack.class).map(a -> List.of(report(GatewayUplink.Entry.ack(a))));
            }
            if (GatewayUplink.Progress.TYPE.equals(m.type())) {
                return m.dataAs(GatewayUplink.Progress.class)
                        .map(p -> List.of(report(GatewayUplink.Entry.progress(p))));
            }
        } catch (IllegalArgumentException | NullPointerException e) {
            LOG.warnf("dropping a malformed gateway report %s", m.id());
        }
        return Optional.empty();
    }

    private static Report report(GatewayUplink.Entry e) {
        if (e.isBoot()) {
            return Report.boot(e.gatewayId(), UUID.fromString(e.taskId()), e.version());
        }
        if (e.isAck()) {
            return new Report(
                    e.gatewayId(),
                    UUID.fromString(e.taskId()),
                    Boolean.TRUE.equals(e.accept()) ? TaskState.ACCEPTED : TaskState.REJECTED,
                    null,
                    null,
                    null,
                    e.reason());
        }
        return new Report(
                e.gatewayId(),
                UUID.fromString(e.taskId()),
                progressState(e.state()),
                e.percent(),
                e.version(),
                e.errorCode(),
                e.errorMessage());
    }

    /** A progress report's state on the wire as a task state: an exhaustive switch, never by name. */
    static TaskState progressState(String wire) {
        return switch (org.otaplatform.contract.wire.ProgressState.valueOf(wire)) {
            case DOWNLOADING -> TaskState.DOWNLOADING;
            case DOWNLOADED -> TaskState.DOWNLOADED;
            case UPGRADING -> TaskState.UPGRADING;
            case SUCCEEDED -> TaskState.SUCCEEDED;
            case FAILED -> TaskState.FAILED;
        };
    }
}
