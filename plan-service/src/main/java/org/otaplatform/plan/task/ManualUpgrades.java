package org.otaplatform.plan.task;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.otaplatform.common.error.ApiException;
import org.otaplatform.common.error.ErrorCode;
import org.otaplatform.plan.plan.Plan;
import org.otaplatform.plan.plan.PlanDefinition;
import org.otaplatform.plan.plan.PlanRepository;
import org.otaplatform.plan.plan.PlanStatus;

/**
 * Manual upgrades for applications: the offers a device has (whether its gateway is online or not) and the
 * confirmed upgrades it is going through, and the end user's confirmation (now, or inside an appointment
 * window) or rejection. Only a confirmed task is sent; the gateway still acks it. A rejection stands: the
 * plan does not offer again, but the application may confirm later (a new task).
 */
@ApplicationScoped
public class ManualUpgrades {

    /**
     * An offer as the application shows it to the end user, or an upgrade the user confirmed, with its
     * progress ({@code state} past AWAITING_CONFIRMATION); the plan's period (local date-times in its time
     * zone, null for none) and notes; {@code note}: why it is offered again (an appointment missed).
     */
    public record Offer(
            UUID planId,
            String planName,
            UUID taskId,
            String state,
            Integer percent,
            String fromVersion,
            String toVersion,
            Map<String, String> upgradeNotes,
            Instant offeredAt,
            String timeZone,
            LocalDateTime planStartAt,
            LocalDateTime planEndAt,
            Appointment appointment,
            String note) {}

    /** The end user's answer. */
    public record Answer(UUID planId, String reason, Appointment appointment) {}

    /** A window, at least an hour long and inside the plan's period, in which the upgrade may be sent. */
    public record Appointment(Instant from, Instant to) {}

    private final PlanRepository plans;
    private final TaskStore tasks;

    private final org.otaplatform.common.audit.AuditLog audit;

    ManualUpgrades(PlanRepository plans, TaskStore tasks, org.otaplatform.common.audit.AuditLog audit) {
        this.audit = audit;
        this.plans = plans;
        this.tasks = tasks;
    }

    public Uni<List<Offer>> offers(String productKey, String deviceKey) {
        return Panache.withSession(() -> Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "SELECT t.plan_id, t.id, t.state, t.percent, t.from_version,"
                                        + " t.to_version, t.created_at, t.not_before, t.not_after, t.error_message"
                                        + " FROM upgrade_task t JOIN plan p ON p.id = t.plan_id AND p.mode = 'MANUAL'"
                                        + " WHERE t.product_key = ?1 AND t.device_key = ?2 AND t.state IN "
                                        + TaskState.OPEN_SQL + " ORDER BY t.created_at",
                                Object[].class)
                        .setParameter(1, productKey)
                        .setParameter(2, deviceKey)
                        .getResultList())
                .flatMap(rows -> io.smallrye.mutiny.Multi.createFrom()
                        .iterable(rows)
                        .onItem()
                        .transformToUniAndConcatenate(r -> plans.findById((UUID) r[0])
                                .map(plan -> {
                                    PlanDefinition d = plan.definition();
                                    Instant from = toInstant(r[7]);
                                    Instant to = toInstant(r[8]);
                                    return new Offer(
                                            plan.id,
                                            plan.name,
                                            (UUID) r[1],
                                            (String) r[2],
                                            r[3] == null ? null : ((Number) r[3]).intValue(),
                                            (String) r[4],
                                            (String) r[5],
                                            d.upgradeNotes(),
                                            toInstant(r[6]),
                                            d.timeZone(),
                                            d.startAt(),
                                            d.endAt(),
                                            from == null ? null : new Appointment(from, to),
                                            (String) r[9]);
                                }))
                        .collect()
                        .asList()));
    }

    /**
     * Confirms the device's offer under the plan; after an end user's rejection, the application's new
     * confirmation offers the upgrade again and confirms it at once (a new task).
     */
    public Uni<Void> confirm(String productKey, String deviceKey, Answer answer) {
        return Panache.withTransaction(() -> offerOrRenewed(productKey, deviceKey, answer)
                .flatMap(found -> {
                    Appointment appointment = answer.appointment();
                    if (appointment != null) {
                        check(appointment, found.plan().definition());
                    }
                    return tasks.confirm(
                                    found.taskId(),
                                    appointment == null ? null : appointment.from(),
                                    appointment == null ? null : appointment.to())
                            .call(v -> audit.record(
                                    "upgrade.confirm",
                                    "device/" + productKey + "/" + deviceKey,
                                    java.util.Map.of("state", TaskState.AWAITING_CONFIRMATION),
                                    answered(found, "CONFIRMED", answer)));
                }));
    }

    private Uni<Found> offerOrRenewed(String productKey, String deviceKey, Answer answer) {
        return offer(productKey, deviceKey, answer)
                .onFailure(e -> e instanceof ApiException a && a.code() == ErrorCode.NOT_FOUND)
                .recoverWithUni(notOffered -> plans.findById(answer.planId()).flatMap(plan -> {
                    if (plan == null || plan.mode != org.otaplatform.plan.plan.PlanMode.MANUAL) {
                        return Uni.createFrom().failure(notOffered);
                    }
                    return tasks.reofferAfterRejection(plan.id, productKey, deviceKey)
                            .map(renewed -> new Found(plan, renewed.orElseThrow(() -> (ApiException) notOffered)));
                }));
    }

    public Uni<Void> reject(String productKey, String deviceKey, Answer answer) {
        return Panache.withTransaction(() -> offer(productKey, deviceKey, answer)
                .flatMap(found -> tasks.move(
                                found.taskId(),
                                TaskState.REJECTED,
                                null,
                                "REJECTED_BY_USER",
                                answer.reason() == null ? "rejected by the end user" : answer.reason())
                        .call(v -> audit.record(
                                "upgrade.reject",
                                "device/" + productKey + "/" + deviceKey,
                                java.util.Map.of("state", TaskState.AWAITING_CONFIRMATION),
                                answered(found, TaskState.REJECTED.name(), answer)))));
    }

    /** The answer as its audit entry shows it. */
    private static Map<String, Object> answered(Found found, String state, Answer answer) {
        Map<String, Object> after = new java.util.LinkedHashMap<>();
        after.put("state", state);
        after.put("planId", found.plan().id);
        after.put("taskId", found.taskId());
        after.put("reason", answer.reason());
        after.put("appointment", answer.appointment());
        return after;
    }

    private record Found(Plan plan, UUID taskId) {}

    private Uni<Found> offer(String productKey, String deviceKey, Answer answer) {
        if (answer == null || answer.planId() == null) {
            return Uni.createFrom().failure(ApiException.invalid("planId", "is required"));
        }
        if (answer.reason() != null && answer.reason().length() > 500) {
            return Uni.createFrom().failure(ApiException.invalid("reason", "must be at most 500 characters"));
        }
        return plans.findById(answer.planId()).flatMap(plan -> {
            if (plan == null) {
                return Uni.createFrom().failure(ApiException.notFound("plan", answer.planId()));
            }
            if (plan.status != PlanStatus.ACTIVE) {
                return Uni.createFrom()
                        .failure(new ApiException(ErrorCode.CONFLICT, "plan " + plan.id + " is " + plan.status));
            }
            return Panache.getSession()
                    .flatMap(s -> s.createNativeQuery("SELECT id FROM upgrade_task WHERE plan_id = ?1"
                                    + " AND product_key = ?2 AND device_key = ?3 AND state = "
                                    + TaskState.AWAITING_CONFIRMATION.sql() + " FOR UPDATE")
                            .setParameter(1, plan.id)
                            .setParameter(2, productKey)
                            .setParameter(3, deviceKey)
                            .getResultList())
                    .map(rows -> rows.stream()
                            .findFirst()
                            .map(r -> new Found(plan, (UUID) r))
                            .orElseThrow(() -> new ApiException(
                                    ErrorCode.NOT_FOUND,
                                    "plan " + plan.id + " offers no upgrade to " + productKey + "/" + deviceKey)));
        });
    }

    private static void check(Appointment a, PlanDefinition d) {
        if (a.from() == null || a.to() == null) {
            throw ApiException.invalid("appointment", "needs from and to");
        }
        if (Duration.between(a.from(), a.to()).compareTo(Duration.ofHours(1)) < 0) {
            throw ApiException.invalid("appointment", "must last at least one hour");
        }
        ZoneId zone = ZoneId.of(d.timeZone());
        LocalDateTime from = LocalDateTime.ofInstant(a.from(), zone);
        LocalDateTime to = LocalDateTime.ofInstant(a.to(), zone);
        if ((d.startAt() != null && from.isBefore(d.startAt())) || (d.endAt() != null && to.isAfter(d.endAt()))) {
            throw ApiException.invalid("appointment", "must lie inside the plan's period");
        }
    }

    private static Instant toInstant(Object value) {
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof java.time.OffsetDateTime o) {
            return o.toInstant();
        }
        return value instanceof java.sql.Timestamp t ? t.toInstant() : null;
    }
}
