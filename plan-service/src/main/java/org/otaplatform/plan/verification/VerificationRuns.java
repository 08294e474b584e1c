package org.otaplatform.plan.verification;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.otaplatform.common.error.ApiException;
import org.otaplatform.common.messaging.Inbox;
import org.otaplatform.common.messaging.MqttSubscriptions;
import org.otaplatform.common.messaging.Outbox;
import org.otaplatform.common.reactive.InOrder;
import org.otaplatform.common.reactive.RepeatedWarning;
import org.otaplatform.common.reactive.Watchdog;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.internal.FirmwareEvent;
import org.otaplatform.contract.internal.InternalMessage;
import org.otaplatform.contract.internal.VerificationRequest;
import org.otaplatform.contract.internal.VerificationResult;
import org.otaplatform.contract.message.SubDeviceRef;
import org.otaplatform.plan.firmware.FirmwareViews;
import org.otaplatform.plan.plan.Plan;
import org.otaplatform.plan.plan.PlanMode;
import org.otaplatform.plan.plan.PlanRepository;
import org.otaplatform.plan.plan.PlanRequest;
import org.otaplatform.plan.plan.PlanService;
import org.otaplatform.plan.plan.PlanStatus;
import org.otaplatform.plan.plan.Previews;

/**
 * Verification runs requested by firmware-service: each is an active silent plan over exactly the test
 * devices (one attempt each, ending at the run's deadline). When every test device succeeded (or runs
 * the target already) the run passed; when one failed, timed out or rejected, or the deadline came, it
 * failed. The result goes back on the internal topic with the plan finishing, in one transaction.
 */
@ApplicationScoped
public class VerificationRuns {

    private static final Logger LOG = Logger.getLogger(VerificationRuns.class);
    private final RepeatedWarning passFailed = new RepeatedWarning(LOG, "the verification pass");

    private final Inbox inbox;
    private final Outbox outbox;
    private final FirmwareViews firmware;
    private final PlanService plans;
    private final PlanRepository repository;
    private final Clock clock = Clock.systemUTC();

    VerificationRuns(Inbox inbox, Outbox outbox, FirmwareViews firmware, PlanService plans, PlanRepository repository) {
        this.inbox = inbox;
        this.outbox = outbox;
        this.firmware = firmware;
        this.plans = plans;
        this.repository = repository;
    }

    /** Subscribes at start-up; each message is acknowledged once its effects are committed. */
    void subscribe(@Observes StartupEvent event, MqttSubscriptions mqtt) {
        mqtt.subscribe(
                "verification-requests",
                "$share/plan-service/" + org.otaplatform.contract.InternalTopics.VERIFICATION_REQUESTS,
                (topic, payload) -> consume(payload));
    }

    public Uni<Void> consume(byte[] payload) {
        Optional<InternalMessage> message =
                InternalMessage.decode(payload).filter(m -> VerificationRequest.TYPE.equals(m.type()));
        Optional<VerificationRequest> request = message.flatMap(m -> m.dataAs(VerificationRequest.class))
                .filter(r -> r.firmware() != null
                        && r.runId() != null
                        && r.devices() != null
                        && !r.devices().isEmpty());
        if (request.isEmpty()) {
            LOG.warn("dropping a message that is not a valid verification request");
            return Uni.createFrom().voidItem();
        }
        return inbox.applyOnce(message.get(), () -> start(request.get()));
    }

    private Uni<Void> start(VerificationRequest r) {
        FirmwareEvent fw = r.firmware();
        List<SubDeviceRef> others = r.devices().stream()
                .filter(d -> !fw.productKey().equals(d.productKey()))
                .toList();
        if (!others.isEmpty()) {
            return refused(r, "devices of another product than " + fw.productKey() + ": " + others);
        }
        List<String> keys =
                r.devices().stream().map(SubDeviceRef::deviceKey).distinct().toList();
        PlanRequest request = new PlanRequest(
                "verification " + r.runId(),
                fw.productKey(),
                fw.firmwareId(),
                List.of(),
                PlanMode.SILENT,
                keys,
                List.of(),
                "UTC",
                null,
                LocalDateTime.ofInstant(Instant.ofEpochMilli(r.deadline()), ZoneOffset.UTC),
                List.of(),
                null,
                // the per-gateway limit, threshold and windows of any plan (the defaults)
                null,
                null,
                null,
                new PlanRequest.Retry(1, 0),
                null,
                null,
                false,
                true,
                null,
                null,
                null,
                Map.of(),
                null,
                null,
                null,
                null,
                // a verification never sends a package below a test device's version
                false,
                // its devices are the test devices, by list
                null,
                null);
        return firmware.apply(FirmwareEvent.CREATED, fw)
                .flatMap(v -> notTestDevices(fw.productKey(), keys))
                .flatMap(notTest -> {
                    if (!notTest.isEmpty()) {
                        return refused(r, "not test devices of " + fw.productKey() + ": " + notTest);
                    }
                    return plans.verificationPreview(request)
                            .map(preview -> whyNot(preview, keys.size()))
                            .onFailure(ApiException.class)
                            .recoverWithItem(e -> "the run's plan is invalid: " + problems((ApiException) e))
                            .flatMap(why -> why != null
                                    ? refused(r, why)
                                    : plans.createVerification(
                                                    request,
                                                    r.runId(),
                                                    keys.stream()
                                                            .map(k -> fw.productKey() + "/" + k)
                                                            .collect(Collectors.joining("\n")))
                                            .replaceWithVoid());
                });
    }

    /** Of {@code keys}, those the registry has not marked test devices (or does not know), in order. */
    private static Uni<List<String>> notTestDevices(String productKey, List<String> keys) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "SELECT device_key FROM device_attributes_view WHERE product_key = ?1"
                                        + " AND device_key = ANY(CAST(?2 AS varchar[])) AND test_device",
                                String.class)
                        .setParameter(1, productKey)
                        .setParameter(2, keys.toArray(String[]::new))
                        .getResultList())
                .map(test -> keys.stream().filter(k -> !test.contains(k)).toList());
    }

    /**
     * Why a run's plan may not start, from its preview: every test device must be upgraded by it or run the
     * package already; one it would leave alone (a downgrade, a package that does not fit, a hold, a gateway
     * too old, not bound) refuses the run. Null when it may start.
     */
    static String whyNot(Previews.Preview p, int devices) {
        if (p.targeted() < devices) {
            return (devices - p.targeted()) + " of the " + devices
                    + " test devices are not bound to a gateway or have reported no version";
        }
        if (p.willUpgrade() + p.upToDate() == p.targeted()) {
            return null;
        }
        List<String> reasons = p.leftAlone().stream()
                .map(s -> s.productKey() + "/" + s.deviceKey() + " " + s.reason())
                .toList();
        return "the package would not be sent to every test device (" + p.downgradesRefused() + " downgrades, "
                + p.incompatible() + " incompatible, " + p.onHold() + " on hold, " + p.waitingForGatewayVersion()
                + " waiting for their gateway's version)"
                + (reasons.isEmpty() ? "" : ": " + String.join("; ", reasons));
    }

    private static String problems(ApiException e) {
        return e.errors().isEmpty()
                ? e.getMessage()
                : e.errors().stream().map(f -> f.field() + " " + f.message()).collect(Collectors.joining("; "));
    }

    private Uni<Void> refused(VerificationRequest r, String detail) {
        LOG.infof("verification run %s of firmware %s refused: %s", r.runId(), r.firmwareId(), detail);
        return outbox.add(
                InternalTopics.VERIFICATION_RESULTS,
                InternalMessage.of(
                        VerificationResult.TYPE,
                        "plan-service",
                        clock.millis(),
                        VerificationResult.refused(r.firmwareId(), r.runId(), detail)));
    }

    /** Ends the runs whose outcome is known: all test devices done, one failed, or the deadline passed. */
    @Scheduled(every = "${ota.plan.verification.interval:2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> conclude() {
        return Panache.withTransaction(() -> repository
                        .list("verificationRun is not null and status = ?1", PlanStatus.ACTIVE)
                        .flatMap(active -> InOrder.each(active, this::conclude)))
                .replaceWithVoid()
                .plug(Watchdog.limit("the verification pass"))
                .onFailure()
                .invoke(passFailed::failed)
                .onFailure()
                .recoverWithNull();
    }

    private Uni<Void> conclude(Plan plan) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "SELECT d.device_key, d.version, (SELECT t.state FROM upgrade_task t WHERE t.plan_id = ?1"
                                        + " AND t.device_key = d.device_key ORDER BY t.attempt DESC LIMIT 1)"
                                        + " FROM device_view d WHERE d.product_key = ?2 AND d.device_key = ANY(string_to_array(?3, ','))")
                        .setParameter(1, plan.id)
                        .setParameter(2, plan.productKey)
                        .setParameter(3, String.join(",", plan.definition().whitelist()))
                        .getResultList())
                .flatMap(rows -> firmware.find(plan.firmwareId).flatMap(fw -> {
                    String target = fw.map(f -> f.version()).orElse("");
                    int total = plan.definition().whitelist().size();
                    long done = 0;
                    String failure = null;
                    for (Object row : rows) {
                        Object[] r = (Object[]) row;
                        String state = (String) r[2];
                        if ("SUCCEEDED".equals(state) || (state == null && target.equals(r[1]))) {
                            done++;
                        } else if (state != null
                                && List.of("FAILED", "TIMED_OUT", "REJECTED", "CANCELLED")
                                        .contains(state)) {
                            failure = plan.productKey + "/" + r[0] + " " + state;
                        }
                    }
                    boolean overdue = plan.definition().endAt() != null
                            && !LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC)
                                    .isBefore(plan.definition().endAt());
                    if (failure == null && done < total && !overdue) {
                        return Uni.createFrom().voidItem();
                    }
                    boolean passed = failure == null && done == total;
                    String detail = passed
                            ? null
                            : failure != null ? failure : "timed out: " + done + " of " + total + " test devices done";
                    return result(plan.firmwareId.toString(), plan.verificationRun, passed, detail)
                            .flatMap(v -> plans.move(
                                    plan,
                                    PlanStatus.FINISHED,
                                    passed ? "verification passed" : "verification failed: " + detail))
                            .replaceWithVoid();
                }));
    }

    private Uni<Void> result(String firmwareId, String runId, boolean succeeded, String detail) {
        return outbox.add(
                InternalTopics.VERIFICATION_RESULTS,
                InternalMessage.of(
                        VerificationResult.TYPE,
                        "plan-service",
                        clock.millis(),
                        new VerificationResult(firmwareId, runId, succeeded, detail)));
    }
}
