package org.otaplatform.firmware.verification;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.otaplatform.common.error.ApiException;
import org.otaplatform.common.error.ErrorCode;
import org.otaplatform.common.error.FieldError;
import org.otaplatform.common.messaging.Inbox;
import org.otaplatform.common.messaging.Outbox;
import org.otaplatform.common.reactive.InOrder;
import org.otaplatform.common.reactive.Watchdog;
import org.otaplatform.contract.Identifiers;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.internal.FirmwareEvent;
import org.otaplatform.contract.internal.InternalMessage;
import org.otaplatform.contract.internal.VerificationRequest;
import org.otaplatform.contract.internal.VerificationResult;
import org.otaplatform.contract.message.SubDeviceRef;
import org.otaplatform.firmware.catalog.Firmware;
import org.otaplatform.firmware.catalog.FirmwareRepository;
import org.otaplatform.firmware.catalog.Verification;
import org.otaplatform.firmware.config.FirmwareConfig;

/**
 * Verification of a package on test devices: firmware-service asks plan-service to upgrade them, and
 * the package becomes VERIFIED when all succeed, FAILED when one fails or the run times out.
 */
@ApplicationScoped
public class VerificationService {

    private static final Logger LOG = Logger.getLogger(VerificationService.class);
    private static final String SOURCE = "firmware-service";

    private final FirmwareRepository repository;
    private final Outbox outbox;
    private final Inbox inbox;
    private final Duration timeout;
    private final int maxDevices;
    private final Clock clock = Clock.systemUTC();

    private final org.otaplatform.common.audit.AuditLog audit;

    VerificationService(
            FirmwareRepository repository,
            Outbox outbox,
            Inbox inbox,
            FirmwareConfig config,
            org.otaplatform.common.audit.AuditLog audit) {
        this.audit = audit;
        this.repository = repository;
        this.outbox = outbox;
        this.inbox = inbox;
        this.timeout = config.verification().timeout();
        this.maxDevices = config.verification().maxDevices();
    }

    /**
     * Starts a run on the named test devices; 409 while one runs already, and for a package whose verification
     * FAILED unless {@code reverify} says the admin means it. plan-service refuses a run over devices that are no
     * test devices, or that the package would downgrade or does not fit ({@link #complete}).
     */
    public Uni<Firmware> start(UUID firmwareId, List<SubDeviceRef> devices, boolean reverify) {
        List<FieldError> errors = check(devices);
        if (!errors.isEmpty()) {
            return Uni.createFrom().failure(ApiException.invalid(errors));
        }
        return Panache.withTransaction(() -> repository
                .findById(firmwareId)
                .onItem()
                .ifNull()
                .failWith(() -> ApiException.notFound("firmware", firmwareId))
                .flatMap(firmware -> {
                    if (firmware.verification == Verification.VERIFYING) {
                        return Uni.createFrom()
                                .failure(new ApiException(
                                        ErrorCode.CONFLICT,
                                        "a verification of firmware " + firmwareId + " is running already"));
                    }
                    if (!firmware.released()) {
                        return Uni.createFrom()
                                .failure(new ApiException(
                                        ErrorCode.CONFLICT,
                                        "firmware " + firmwareId + " awaits its release approval: it is not signed,"
                                                + " so no device may receive it yet"));
                    }
                    if (firmware.verification == Verification.FAILED && !reverify) {
                        return Uni.createFrom()
                                .failure(new ApiException(
                                        ErrorCode.CONFLICT,
                                        "firmware " + firmwareId + " failed its verification ("
                                                + firmware.verificationDetail
                                                + "); to verify it again say so with \"reverify\": true"));
                    }
                    var before = firmware.audited();
                    firmware.verificationBefore = firmware.verification;
                    firmware.verification = Verification.VERIFYING;
                    firmware.verificationRunId = UUID.randomUUID();
                    firmware.verificationDeadline = clock.instant().plus(timeout);
                    firmware.verificationDetail = null;
                    VerificationRequest request = new VerificationRequest(
                            firmwareId.toString(),
                            firmware.verificationRunId.toString(),
                            devices,
                            firmware.verificationDeadline.toEpochMilli(),
                            firmware.event());
                    return outbox.add(
                                    InternalTopics.VERIFICATION_REQUESTS,
                                    InternalMessage.of(VerificationRequest.TYPE, SOURCE, clock.millis(), request))
                            .flatMap(v -> changed(firmware))
                            .flatMap(v -> {
                                var after = firmware.audited();
                                after.put("devices", devices);
                                after.put("reverify", reverify);
                                return audit.record(
                                        "firmware.verification.start", "firmware/" + firmwareId, before, after);
                            })
                            .replaceWith(firmware);
                }));
    }

    /** Applies a run's outcome; a result of another run, or a repeated one, changes nothing. */
    public Uni<Void> complete(String messageId, VerificationResult result) {
        UUID firmwareId;
        try {
            firmwareId = UUID.fromString(result.firmwareId());
        } catch (IllegalArgumentException | NullPointerException e) {
            LOG.warnf("dropping a verification result for %s", result.firmwareId());
            return Uni.createFrom().voidItem();
        }
        return Panache.withTransaction(() -> inbox.firstTime(messageId)
                .flatMap(first -> !first
                        ? Uni.createFrom().voidItem()
                        : repository.findById(firmwareId).flatMap(firmware -> {
                            if (firmware == null
                                    || firmware.verification != Verification.VERIFYING
                                    || firmware.verificationRunId == null
                                    || !firmware.verificationRunId.toString().equals(result.runId())) {
                                return Uni.createFrom().voidItem();
                            }
                            return result.refused()
                                    ? refused(firmware, result.detail())
                                    : finish(firmware, result.succeeded(), result.detail());
                        })));
    }

    @Scheduled(
            every = "${ota.firmware.verification.check-interval:30s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> failOverdueRuns() {
        return Panache.withTransaction(() -> repository
                        .overdueVerifications(clock.instant())
                        .flatMap(overdue -> InOrder.each(overdue, f -> finish(f, false, "timed out after " + timeout))))
                .replaceWithVoid()
                .plug(Watchdog.limit("the overdue-verification pass"))
                .onFailure()
                .invoke(e -> LOG.warnf("checking overdue verifications failed: %s", e.getMessage()))
                .onFailure()
                .recoverWithNull();
    }

    /** A run plan-service refused never ran: the package's verification is what it was, with the reason. */
    private Uni<Void> refused(Firmware firmware, String detail) {
        var before = firmware.audited();
        firmware.verification =
                firmware.verificationBefore == null ? Verification.UNVERIFIED : firmware.verificationBefore;
        firmware.verificationBefore = null;
        firmware.verificationRunId = null;
        firmware.verificationDeadline = null;
        String why = "verification refused: " + (detail == null ? "no reason given" : detail);
        firmware.verificationDetail = why.substring(0, Math.min(why.length(), 1000));
        LOG.infof("firmware %s %s", firmware.id, firmware.verificationDetail);
        return changed(firmware)
                .flatMap(v -> audit.record(
                        org.otaplatform.common.audit.AuditLog.Caller.SYSTEM,
                        "firmware.verification.refused",
                        "firmware/" + firmware.id,
                        before,
                        firmware.audited()));
    }

    private Uni<Void> finish(Firmware firmware, boolean succeeded, String detail) {
        firmware.verificationBefore = null;
        var before = firmware.audited();
        firmware.verification = succeeded ? Verification.VERIFIED : Verification.FAILED;
        firmware.verificationDetail = detail == null ? null : detail.substring(0, Math.min(detail.length(), 1000));
        LOG.infof(
                "firmware %s verification %s%s",
                firmware.id, firmware.verification, detail == null ? "" : ": " + detail);
        return changed(firmware)
                .flatMap(v -> audit.record(
                        org.otaplatform.common.audit.AuditLog.Caller.SYSTEM,
                        "firmware.verification.end",
                        "firmware/" + firmware.id,
                        before,
                        firmware.audited()));
    }

    private Uni<Void> changed(Firmware firmware) {
        return outbox.add(
                InternalTopics.FIRMWARE_EVENTS,
                InternalMessage.of(FirmwareEvent.VERIFICATION_CHANGED, SOURCE, clock.millis(), firmware.event()));
    }

    private List<FieldError> check(List<SubDeviceRef> devices) {
        List<FieldError> errors = new ArrayList<>();
        if (devices == null || devices.isEmpty()) {
            errors.add(new FieldError("devices", "must name at least one test device"));
            return errors;
        }
        if (devices.size() > maxDevices) {
            errors.add(new FieldError("devices", "must name at most " + maxDevices + " test devices"));
        }
        Set<SubDeviceRef> seen = new HashSet<>();
        for (int i = 0; i < devices.size(); i++) {
            SubDeviceRef device = devices.get(i);
            if (device == null) {
                errors.add(new FieldError("devices[" + i + "]", "must be an object"));
                continue;
            }
            if (!Identifiers.isProductKey(device.productKey())) {
                errors.add(new FieldError("devices[" + i + "].productKey", "must be 1–64 characters of [A-Za-z0-9_-]"));
            }
            if (!Identifiers.isDeviceKey(device.deviceKey())) {
                errors.add(new FieldError(
                        "devices[" + i + "].deviceKey", "must be 1–128 characters of [A-Za-z0-9._:-], not . or .."));
            }
            if (!seen.add(device)) {
                errors.add(new FieldError("devices[" + i + "]", "names a device twice"));
            }
        }
        return errors;
    }
}
