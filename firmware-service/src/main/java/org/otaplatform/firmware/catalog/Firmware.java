package org.otaplatform.firmware.catalog;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.otaplatform.contract.wire.FirmwareType;

/** A firmware package: its identity, its checksums and its signature. The bytes live in the blob store. */
@Entity
@Table(name = "firmware")
public class Firmware {

    @Id
    public UUID id;

    @Column(name = "product_key", nullable = false)
    public String productKey;

    @Column(nullable = false)
    public String version;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public FirmwareType type;

    @Column(name = "source_version")
    public String sourceVersion;

    @Column(nullable = false)
    public String name;

    public String description;

    @Column(nullable = false)
    public long size;

    @Column(nullable = false)
    public String sha256;

    @Column(nullable = false)
    public String md5;

    @Column(nullable = false)
    public String signature;

    @Column(name = "key_id", nullable = false)
    public String keyId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Verification verification = Verification.UNVERIFIED;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "verification_run_id")
    public UUID verificationRunId;

    @Column(name = "verification_deadline")
    public Instant verificationDeadline;

    @Column(name = "verification_detail")
    public String verificationDetail;

    /** PENDING_APPROVAL (stored, checked, not signed: no plan may send it) or APPROVED (signed). */
    @Column(nullable = false)
    public String release = RELEASED;

    public static final String RELEASED = "APPROVED";
    public static final String PENDING_APPROVAL = "PENDING_APPROVAL";

    /** Who uploaded it, and who released it and when (the uploader too where one person releases). */
    @Column(name = "uploaded_by")
    public String uploadedBy;

    @Column(name = "approved_by")
    public String approvedBy;

    @Column(name = "approved_at")
    public Instant approvedAt;

    public boolean released() {
        return RELEASED.equals(release);
    }

    /** While a run is VERIFYING: the verification the package had before it, restored if the run is refused. */
    @Enumerated(EnumType.STRING)
    @Column(name = "verification_before")
    public Verification verificationBefore;

    /** A sub-device package: the lowest gateway firmware (SemVer) it works behind; null: any. */
    @Column(name = "min_gateway_version")
    public String minGatewayVersion;

    /** The hardware revisions the package supports, comma-separated; null: any. */
    @Column(name = "hardware_revisions")
    public String hardwareRevisions;

    /** ALLOW or REFUSE: whether a device of unknown revision may receive a package that names revisions. */
    @Column(name = "unknown_hardware")
    public String unknownHardware = "REFUSE";

    /** The supported revisions as a list; empty: any. */
    public java.util.List<String> revisions() {
        return hardwareRevisions == null || hardwareRevisions.isEmpty()
                ? java.util.List.of()
                : java.util.List.of(hardwareRevisions.split(","));
    }

    /** What plan-service learns of this package: {@code ota/internal/v1/firmware/events}. */
    public org.otaplatform.contract.internal.FirmwareEvent event() {
        return new org.otaplatform.contract.internal.FirmwareEvent(
                id.toString(),
                productKey,
                version,
                type,
                sourceVersion,
                size,
                sha256,
                signature,
                keyId,
                verification.name(),
                minGatewayVersion,
                revisions(),
                unknownHardware);
    }

    /** The package as its audit entries show it. */
    public java.util.Map<String, Object> audited() {
        java.util.Map<String, Object> state = new java.util.LinkedHashMap<>();
        state.put("productKey", productKey);
        state.put("version", version);
        state.put("type", type);
        state.put("sourceVersion", sourceVersion);
        state.put("name", name);
        state.put("size", size);
        state.put("sha256", sha256);
        state.put("keyId", keyId);
        state.put("release", release);
        state.put("uploadedBy", uploadedBy);
        state.put("approvedBy", approvedBy);
        state.put("verification", verification);
        state.put("verificationDetail", verificationDetail);
        state.put("minGatewayVersion", minGatewayVersion);
        state.put("hardwareRevisions", revisions());
        state.put("unknownHardware", unknownHardware);
        return state;
    }
}
