package org.otaplatform.firmware.catalog;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.exception.ConstraintViolationException;
import org.otaplatform.common.error.ApiException;
import org.otaplatform.common.error.ErrorCode;
import org.otaplatform.common.error.FieldError;
import org.otaplatform.common.messaging.Outbox;
import org.otaplatform.common.paging.Page;
import org.otaplatform.common.paging.PageRequest;
import org.otaplatform.contract.FirmwareManifest;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.internal.FirmwareEvent;
import org.otaplatform.contract.internal.InternalMessage;
import org.otaplatform.firmware.config.FirmwareConfig;
import org.otaplatform.firmware.download.PackageLookup;
import org.otaplatform.firmware.signing.KeyRing;
import org.otaplatform.firmware.storage.BlobStore;
import org.otaplatform.firmware.storage.DiskCache;
import org.otaplatform.firmware.usage.PlanUsageRepository;

/** The firmware catalogue: uploads, reads and deletes, each change with its event in one transaction. */
@ApplicationScoped
public class FirmwareService {

    static final String SOURCE = "firmware-service";

    private final FirmwareRepository repository;
    private final BlobStore blobs;
    private final KeyRing keys;
    private final Outbox outbox;
    private final PlanUsageRepository usage;
    private final PackageLookup lookup;
    private final DiskCache cache;
    private final Vertx vertx;
    private final long maxSize;
    private final org.otaplatform.common.audit.AuditLog audit;
    private final Clock clock = Clock.systemUTC();

    FirmwareService(
            FirmwareRepository repository,
            BlobStore blobs,
            KeyRing keys,
            Outbox outbox,
            PlanUsageRepository usage,
            PackageLookup lookup,
            DiskCache cache,
            Vertx vertx,
            FirmwareConfig config,
            org.otaplatform.common.audit.AuditLog audit) {
        this.audit = audit;
        this.repository = repository;
        this.blobs = blobs;
        this.keys = keys;
        this.outbox = outbox;
        this.usage = usage;
        this.lookup = lookup;
        this.cache = cache;
        this.vertx = vertx;
        this.maxSize = config.upload().maxSize().asLongValue();
        this.approvals = config.release().approvals();
        if (approvals != 1 && approvals != 2) {
            throw new IllegalStateException("ota.firmware.release.approvals (OTA_FIRMWARE_RELEASE_APPROVALS) must be"
                    + " 1 (the upload releases a package) or 2 (a second person approves it); it is " + approvals);
        }
    }

    /** 1: an upload releases its package; 2: a second person approves it first (four eyes). */
    private final int approvals;

    /**
     * Checks the form, checksums the received file, then stores content, package and event in one
     * transaction: an upload that fails at any step leaves no row and no byte behind.
     */
    public Uni<Firmware> create(UploadForm form) {
        List<FieldError> errors = form.violations();
        if (!errors.isEmpty()) {
            return Uni.createFrom().failure(ApiException.invalid(errors));
        }
        if (form.fileSize() > maxSize) {
            return Uni.createFrom().failure(tooLarge());
        }
        return vertx.executeBlocking(Uni.createFrom().item(() -> Checksums.of(form.file())))
                .flatMap(sums -> {
                    if (form.expectedSha256() != null && !form.expectedSha256().equals(sums.sha256())) {
                        return Uni.createFrom()
                                .failure(ApiException.invalid(
                                        "sha256",
                                        "does not match the received bytes (received " + sums.sha256() + ")"));
                    }
                    return Panache.withTransaction(() -> store(form, sums));
                })
                .onFailure(ConstraintViolationException.class)
                .transform(e -> duplicate(form));
    }

    private Uni<Firmware> store(UploadForm form, Checksums sums) {
        return repository
                .findIdentity(form.productKey(), form.version(), form.firmwareType(), form.normalisedSourceVersion())
                .flatMap(existing -> {
                    if (existing != null) {
                        return Uni.createFrom().failure(duplicate(form));
                    }
                    Firmware firmware = new Firmware();
                    firmware.id = UUID.randomUUID();
                    firmware.productKey = form.productKey();
                    firmware.version = form.version();
                    firmware.type = form.firmwareType();
                    firmware.sourceVersion = form.normalisedSourceVersion();
                    firmware.name = form.name();
                    firmware.description = form.normalisedDescription();
                    firmware.minGatewayVersion = form.normalisedMinGatewayVersion();
                    firmware.hardwareRevisions = form.normalisedHardwareRevisions();
                    firmware.unknownHardware = form.normalisedUnknownHardware();
                    firmware.size = sums.size();
                    firmware.sha256 = sums.sha256();
                    firmware.md5 = sums.md5();
                    firmware.uploadedBy = audit.caller().actor();
                    if (approvals == 1) {
                        release(firmware, firmware.uploadedBy, keys, clock.instant());
                    } else {
                        firmware.release = Firmware.PENDING_APPROVAL;
                    }
                    firmware.verification = Verification.UNVERIFIED;
                    firmware.createdAt = clock.instant();
                    return blobs.store(sums.sha256(), sums.size(), form.file())
                            .flatMap(stored -> repository.persistAndFlush(firmware))
                            .flatMap(saved -> publish(FirmwareEvent.CREATED, saved))
                            .flatMap(v -> audit.record(
                                    "firmware.create", "firmware/" + firmware.id, null, firmware.audited()))
                            .replaceWith(firmware);
                });
    }

    /**
     * Changes which devices a package fits while no unfinished plan uses it (a running plan chose its devices
     * by the package as it was); the change, its event and its audit entry commit together. A change that
     * changes nothing answers the package as it is and records nothing.
     */
    public Uni<Firmware> changeCompatibility(UUID id, CompatibilityChange change) {
        return Panache.withTransaction(() -> unused(id, "its compatibility cannot change")
                .flatMap(firmware -> {
                    var before = firmware.audited();
                    if (!change.applyTo(firmware)) {
                        return Uni.createFrom().item(firmware);
                    }
                    return repository
                            .flush()
                            .flatMap(v -> publish(FirmwareEvent.COMPATIBILITY_CHANGED, firmware))
                            .flatMap(v -> audit.record(
                                    "firmware.compatibility", "firmware/" + id, before, firmware.audited()))
                            .replaceWith(firmware);
                }));
    }

    /** The package, in the caller's transaction: 404 when there is none, 409 while an unfinished plan uses it. */
    private Uni<Firmware> unused(UUID id, String consequence) {
        return repository
                .findById(id)
                .onItem()
                .ifNull()
                .failWith(() -> ApiException.notFound("firmware", id))
                .call(firmware -> usage.plansUsing(id).invoke(plans -> {
                    if (!plans.isEmpty()) {
                        throw new ApiException(
                                ErrorCode.CONFLICT,
                                "firmware " + id + " is used by plan(s) that are not finished: "
                                        + String.join(", ", plans) + "; " + consequence
                                        + " until they finish or are terminated");
                    }
                }));
    }

    /**
     * Deletes a package no unfinished plan uses; its content goes too unless another package shares it,
     * and then its file in this replica's disk cache (the others' go at their next sweep).
     */
    public Uni<Void> delete(UUID id) {
        return Panache.withTransaction(() -> unused(id, "it cannot be deleted")
                        .flatMap(firmware -> repository
                                .delete(firmware)
                                .flatMap(v -> repository.flush())
                                .flatMap(v -> blobs.deleteIfUnreferenced(firmware.sha256))
                                .flatMap(gone -> Panache.getSession()
                                        .flatMap(s -> s.createNativeQuery(
                                                        "DELETE FROM download_stat WHERE firmware_id = ?1")
                                                .setParameter(1, id)
                                                .executeUpdate())
                                        .flatMap(v -> publish(FirmwareEvent.DELETED, firmware))
                                        .flatMap(v -> audit.record(
                                                "firmware.delete", "firmware/" + id, firmware.audited(), null))
                                        // the content that went with it, whose cached file goes too
                                        .replaceWith(gone ? Optional.of(firmware.sha256) : Optional.<String>empty()))))
                .invoke(contentGone -> {
                    lookup.forget(id);
                    contentGone.ifPresent(cache::forget);
                })
                .replaceWithVoid();
    }

    @WithSession
    public Uni<Page<Firmware>> list(String productKey, String version, PageRequest page) {
        return repository
                .list(productKey, version, page)
                .flatMap(items -> repository.count(productKey, version).map(total -> page.page(items, total)));
    }

    /**
     * Signs the package with the active key: the one place the signing key is used, at its release (the upload
     * where one person releases, the approval where two do).
     */
    private static void release(Firmware firmware, String by, KeyRing keys, java.time.Instant now) {
        KeyRing.Signed signed = keys.sign(new FirmwareManifest(
                firmware.productKey,
                firmware.version,
                firmware.type,
                firmware.sourceVersion,
                firmware.size,
                firmware.sha256));
        firmware.signature = signed.signature();
        firmware.keyId = signed.keyId();
        firmware.release = Firmware.RELEASED;
        firmware.approvedBy = by;
        firmware.approvedAt = now;
    }

    /**
     * A second person releases a package that awaits approval: signed now, its event and audit entry in the same
     * transaction. 409 for a released package (where uploads release packages, every one is); 403 for its
     * uploader (four eyes).
     */
    public Uni<Firmware> approve(UUID id) {
        String by = audit.caller().actor();
        return Panache.withTransaction(() -> get(id).flatMap(firmware -> {
            if (firmware.released()) {
                return Uni.createFrom()
                        .failure(new ApiException(
                                ErrorCode.CONFLICT,
                                "firmware " + id + " was released already"
                                        + (firmware.approvedBy == null ? "" : " by " + firmware.approvedBy)));
            }
            if (by.equals(firmware.uploadedBy)) {
                return Uni.createFrom()
                        .failure(new ApiException(
                                ErrorCode.FORBIDDEN,
                                "you uploaded firmware " + id + ": another person with the release right (ota-admin)"
                                        + " approves it"));
            }
            var before = firmware.audited();
            release(firmware, by, keys, clock.instant());
            return repository
                    .flush()
                    .flatMap(v -> publish(FirmwareEvent.APPROVED, firmware))
                    .flatMap(v -> audit.record("firmware.approve", "firmware/" + id, before, firmware.audited()))
                    .replaceWith(firmware);
        }));
    }

    @WithSession
    public Uni<Firmware> get(UUID id) {
        return repository.findById(id).onItem().ifNull().failWith(() -> ApiException.notFound("firmware", id));
    }

    Uni<Void> publish(String type, Firmware firmware) {
        return outbox.add(
                InternalTopics.FIRMWARE_EVENTS, InternalMessage.of(type, SOURCE, clock.millis(), firmware.event()));
    }

    private ApiException tooLarge() {
        return new ApiException(
                ErrorCode.PAYLOAD_TOO_LARGE, "the package is larger than the limit of " + maxSize + " bytes");
    }

    private static ApiException duplicate(UploadForm form) {
        return new ApiException(
                ErrorCode.CONFLICT,
                "a " + form.type() + " package " + form.productKey() + " " + form.version()
                        + (form.normalisedSourceVersion() == null ? "" : " from " + form.normalisedSourceVersion())
                        + " exists already");
    }
}
