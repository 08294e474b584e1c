package org.otaplatform.plan.plan;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** An upgrade plan: which devices of a product get which firmware, and how. */
@Entity
@Table(name = "plan")
public class Plan {

    @Id
    public UUID id;

    @Column(nullable = false, unique = true)
    public String name;

    @Column(name = "product_key", nullable = false)
    public String productKey;

    @Column(name = "firmware_id", nullable = false)
    public UUID firmwareId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public PlanMode mode;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public PlanStatus status;

    @Column(name = "suspended_reason")
    public String suspendedReason;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** The checked definition, as JSON ({@link PlanDefinition}). */
    @Column(nullable = false)
    public String definition;

    /** Grows with every status change: the {@code version} of plan.lifecycle events. */
    @Column(nullable = false)
    public long version;

    /** Set for a plan that carries out a firmware verification run: the run's id. */
    @Column(name = "verification_run")
    public String verificationRun;

    /** The run's test devices, {@code productKey/deviceKey} per line. */
    @Column(name = "verification_devices")
    public String verificationDevices;

    /** The plan as its audit entries show it before and after a change. */
    public java.util.Map<String, Object> audited() {
        java.util.Map<String, Object> state = new java.util.LinkedHashMap<>();
        state.put("name", name);
        state.put("productKey", productKey);
        state.put("mode", mode);
        state.put("status", status);
        state.put("suspendedReason", suspendedReason);
        state.put("definition", definition());
        return state;
    }

    public PlanDefinition definition() {
        return PlanDefinition.fromJson(definition);
    }
}
