package org.otaplatform.plan.plan;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.exception.ConstraintViolationException;
import org.otaplatform.common.error.ApiException;
import org.otaplatform.common.error.ErrorCode;
import org.otaplatform.common.error.FieldError;
import org.otaplatform.common.messaging.Outbox;
import org.otaplatform.contract.InternalTopics;
import org.otaplatform.contract.internal.InternalMessage;
import org.otaplatform.contract.internal.PlanLifecycleEvent;
import org.otaplatform.plan.config.PlanConfig;
import org.otaplatform.plan.firmware.FirmwareView;
import org.otaplatform.plan.firmware.FirmwareViews;

/**
 * Plans and their life cycle. Every change is one transaction with its history row and its
 * plan.lifecycle event (outbox), so firmware-service always learns which packages are in use.
 */
@ApplicationScoped
public class PlanService {

    private static final String SOURCE = "plan-service";

    private final PlanRepository plans;
    private final FirmwareViews firmware;
    private final Outbox outbox;
    private final PlanConfig config;
    private final PlanTasks supervisor;
    private final Clock clock = Clock.systemUTC();

    private final org.otaplatform.plan.config.PlanClock planClock;
    private final org.otaplatform.common.audit.AuditLog audit;
    private final org.otaplatform.plan.webhook.Webhooks webhooks;
    private final org.otaplatform.plan.plan.Targets targets;
    private final org.otaplatform.plan.plan.Previews previews;

    PlanService(
            PlanRepository plans,
            FirmwareViews firmware,
            Outbox outbox,
            PlanConfig config,
            PlanTasks supervisor,
            org.otaplatform.plan.config.PlanClock planClock,
            org.otaplatform.common.audit.AuditLog audit,
            org.otaplatform.plan.webhook.Webhooks webhooks,
            org.otaplatform.plan.plan.Targets targets,
            org.otaplatform.plan.plan.Previews previews) {
        this.targets = targets;
        this.previews = previews;
        this.webhooks = webhooks;
        this.audit = audit;
        this.planClock = planClock;
        this.plans = plans;
        this.firmware = firmware;
        this.outbox = outbox;
        this.config = config;
        this.supervisor = supervisor;
    }

    /** What an operator asks of a plan. */
    public enum Action {
        ACTIVATE(PlanStatus.ACTIVE),
        SUSPEND(PlanStatus.SUSPENDED),
        RESUME(PlanStatus.ACTIVE),
        TERMINATE(PlanStatus.TERMINATED);

        final PlanStatus target;

        Action(PlanStatus target) {
            this.target = target;
        }
    }

    public Uni<Plan> create(PlanRequest request) {
        return Panache.withTransaction(() -> checked(request, null).flatMap(definition -> {
                    Plan plan = new Plan();
                    plan.id = UUID.randomUUID();
                    plan.status = PlanStatus.DRAFT;
                    plan.createdAt = clock.instant();
                    fill(plan, request, definition);
                    return plans.persistAndFlush(plan)
                            .flatMap(p -> history(p, null, "created"))
                            .flatMap(v -> event(plan))
                            .flatMap(v -> audit.record("plan.create", "plan/" + plan.id, null, plan.audited()))
                            .replaceWith(plan);
                }))
                .onFailure(ConstraintViolationException.class)
                .transform(e -> nameTaken(request.name()));
    }

    /**
     * What a verification's plan would touch: checked as any plan is (the validator, the target, the node type; a
     * 422 as a create would answer) and previewed, nothing stored. In the caller's session.
     */
    public Uni<org.otaplatform.plan.plan.Previews.Preview> verificationPreview(PlanRequest request) {
        return checked(request, null, false).flatMap(definition -> {
            Plan plan = new Plan();
            plan.id = UUID.randomUUID();
            plan.status = PlanStatus.DRAFT;
            fill(plan, request, definition);
            return preview(plan, definition);
        });
    }

    /**
     * A plan that carries out a verification run: checked as any plan, created ACTIVE, over exactly the test
     * devices. In the caller's transaction; the caller checked its devices ({@link #verificationPreview}).
     */
    public Uni<Plan> createVerification(PlanRequest request, String runId, String devices) {
        return checked(request, null, false).flatMap(definition -> {
            Plan plan = new Plan();
            plan.id = UUID.randomUUID();
            plan.status = PlanStatus.DRAFT;
            plan.createdAt = clock.instant();
            plan.verificationRun = runId;
            plan.verificationDevices = devices;
            fill(plan, request, definition);
            return plans.persistAndFlush(plan)
                    .flatMap(p -> history(p, null, "verification run " + runId))
                    .flatMap(v -> event(plan))
                    .flatMap(v -> move(plan, PlanStatus.ACTIVE, "verification run " + runId));
        });
    }

    public Uni<Plan> update(UUID id, PlanRequest request) {
        return Panache.withTransaction(() -> draft(id)
                        .flatMap(plan -> checked(request, id).flatMap(definition -> {
                            var before = plan.audited();
                            fill(plan, request, definition);
                            return plans.flush()
                                    .flatMap(v -> audit.record("plan.update", "plan/" + id, before, plan.audited()))
                                    .replaceWith(plan);
                        })))
                .onFailure(ConstraintViolationException.class)
                .transform(e -> nameTaken(request.name()));
    }

    public Uni<Void> delete(UUID id) {
        return Panache.withTransaction(() -> draft(id).flatMap(plan -> {
            plan.version++;
            PlanLifecycleEvent deleted = new PlanLifecycleEvent(
                    plan.id.toString(),
                    plan.firmwareId.toString(),
                    plan.productKey,
                    "DELETED",
                    plan.version,
                    packageIds(plan));
            return plans.delete(plan)
                    .flatMap(v -> audit.record("plan.delete", "plan/" + plan.id, plan.audited(), null))
                    .flatMap(v -> outbox.add(
                            InternalTopics.PLAN_EVENTS,
                            InternalMessage.of(PlanLifecycleEvent.TYPE, SOURCE, clock.millis(), deleted)));
        }));
    }

    /** Moves the plan by an operator's action; 409 when the table does not allow it. */
    public Uni<Plan> act(UUID id, Action action, String reason) {
        return Panache.withTransaction(() -> existing(id).flatMap(plan -> {
            PlanStatus from = plan.status;
            boolean allowed = from.canMoveTo(action.target)
                    && (action != Action.RESUME || from == PlanStatus.SUSPENDED)
                    && (action != Action.ACTIVATE || from == PlanStatus.DRAFT);
            if (!allowed) {
                return Uni.createFrom()
                        .failure(new ApiException(
                                ErrorCode.CONFLICT,
                                "a " + from + " plan cannot " + action.name().toLowerCase(java.util.Locale.ROOT)));
            }
            Uni<String> precondition = action == Action.ACTIVATE
                    ? activatable(plan).flatMap(v -> recordTarget(plan))
                    : Uni.createFrom().item("");
            Uni<Plan> moved = precondition.flatMap(matched -> move(
                    plan,
                    action.target,
                    (reason == null ? action.name().toLowerCase(java.util.Locale.ROOT) + "d by an operator" : reason)
                            + matched));
            return action == Action.RESUME ? moved.call(p -> reopenHaltedWave(p.id)) : moved;
        }));
    }

    /**
     * A plan resumed after a wave's gate halted it: the wave runs again and its gates count the results from
     * now on (the operator has seen those before). In the caller's transaction.
     */
    private Uni<Void> reopenHaltedWave(UUID planId) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("UPDATE plan_wave SET state = 'RUNNING', gate_met_at = NULL,"
                                + " ended_at = NULL, counted_from = CAST(?2 AS timestamptz),"
                                + " reason = left('resumed; results count from then on. Halted: ' || reason, 500)"
                                + " WHERE plan_id = ?1 AND state = 'HALTED'")
                        .setParameter(1, planId)
                        .setParameter(2, planClock.nowUtc())
                        .executeUpdate())
                .replaceWithVoid();
    }

    /** A plan's history: every status it had, when and why. */
    public Uni<List<Object[]>> history(UUID id) {
        return Panache.withSession(() -> existing(id)
                .flatMap(plan -> Panache.getSession()
                        .flatMap(s -> s.createNativeQuery(
                                        "SELECT from_status, to_status, reason, at FROM plan_history WHERE plan_id = ?1 ORDER BY id")
                                .setParameter(1, id)
                                .getResultList()
                                .map(rows ->
                                        rows.stream().map(r -> (Object[]) r).toList()))));
    }

    /** Moves a plan; terminating or finishing cancels the tasks not yet accepted. In the caller's transaction. */
    public Uni<Plan> move(Plan plan, PlanStatus target, String reason) {
        PlanStatus from = plan.status;
        plan.status = target;
        plan.suspendedReason = target == PlanStatus.SUSPENDED ? reason : null;
        plan.updatedAt = clock.instant();
        plan.version++;
        Uni<Void> cancels = target.isFinal()
                ? supervisor.cancelNotAccepted(plan.id, "plan " + target.name().toLowerCase(java.util.Locale.ROOT))
                : Uni.createFrom().voidItem();
        // a finished plan's waves are over: the last one, which took late devices while the plan ran, has passed
        Uni<Void> waves = target == PlanStatus.FINISHED
                ? Panache.getSession()
                        .flatMap(s -> s.createNativeQuery("UPDATE plan_wave SET state = 'PASSED', ended_at = now(),"
                                        + " reason = coalesce(reason, 'the plan finished') WHERE plan_id = ?1"
                                        + " AND state = 'RUNNING'")
                                .setParameter(1, plan.id)
                                .executeUpdate())
                        .replaceWithVoid()
                : Uni.createFrom().voidItem();
        return cancels.flatMap(v -> waves)
                .flatMap(v -> history(plan, from, reason))
                .flatMap(v -> audit.record(
                        "plan.status",
                        "plan/" + plan.id,
                        java.util.Map.of("status", from == null ? "NONE" : from.name()),
                        java.util.Map.of("status", target.name(), "reason", reason)))
                .flatMap(v -> lifecycleWebhook(plan, from, target, reason))
                .flatMap(v -> event(plan))
                .replaceWith(plan);
    }

    /** The webhook event of a status change: activated, resumed, suspended, finished or terminated. */
    private Uni<Void> lifecycleWebhook(Plan plan, PlanStatus from, PlanStatus target, String reason) {
        String type = switch (target) {
            case ACTIVE -> from == PlanStatus.SUSPENDED ? "plan.resumed" : "plan.activated";
            case SUSPENDED -> "plan.suspended";
            case FINISHED -> "plan.finished";
            case TERMINATED -> "plan.terminated";
            default -> null;
        };
        if (type == null || from == target) {
            return Uni.createFrom().voidItem();
        }
        Map<String, Object> data = new java.util.LinkedHashMap<>();
        data.put("planId", plan.id);
        data.put("planName", plan.name);
        data.put("productKey", plan.productKey);
        data.put("status", target);
        data.put("previousStatus", from);
        data.put("reason", reason);
        // a plan that carries out a firmware verification run says so
        data.put("verificationRun", plan.verificationRun);
        return webhooks.emit(type, data);
    }

    /**
     * Records the target of a plan being activated (its members: the devices that match now) and refuses, 409 with
     * the reason, a plan that would upgrade nothing because its packages fit none of the devices it targets, or a
     * FROZEN target that matches no device. What the history says of it ("; target matched n devices"), empty
     * without a target. In the caller's transaction.
     */
    private Uni<String> recordTarget(Plan plan) {
        PlanDefinition d = plan.definition();
        return targets.record(plan, d)
                .call(matched -> targets.recordWaves(plan, d))
                .flatMap(matched -> {
                    if (matched == 0 && d.membership() == PlanRequest.Membership.FROZEN) {
                        return Uni.createFrom()
                                .<String>failure(
                                        new ApiException(
                                                ErrorCode.CONFLICT,
                                                "the plan's target matches no device of " + plan.productKey
                                                        + " now; a FROZEN plan would never touch one (preview it, or make it DYNAMIC)"));
                    }
                    return PlanPackages.of(plan, firmware)
                            .flatMap(found -> found.isEmpty()
                                    ? Uni.createFrom().item("")
                                    : previews.preview(plan, d, found.get()).flatMap(p -> {
                                        long pending = p.targeted() - p.upToDate() - p.downgradesRefused();
                                        if (found.get().hardwareRevisions() != null
                                                && pending > 0
                                                && p.incompatible() == pending) {
                                            return Uni.createFrom()
                                                    .<String>failure(
                                                            new ApiException(
                                                                    ErrorCode.CONFLICT,
                                                                    "the plan's packages fit none of the " + pending
                                                                            + " devices it would upgrade: they support hardware revisions "
                                                                            + String.join(
                                                                                    ", ",
                                                                                    found.get()
                                                                                            .hardwareRevisions())
                                                                            + (found.get()
                                                                                            .allowsUnknownHardware()
                                                                                    ? ""
                                                                                    : " (not unknown ones)")
                                                                            + " and every device is of another or an unknown revision"));
                                        }
                                        return Uni.createFrom()
                                                .item(
                                                        matched < 0
                                                                ? ""
                                                                : "; target matched " + matched + " devices ("
                                                                        + d.membership() + ")");
                                    }));
                });
    }

    /**
     * What a plan written as {@code request} would touch, without creating anything: its definition checked as a
     * create would check it (but for its name). 422 for an invalid body.
     */
    public Uni<org.otaplatform.plan.plan.Previews.Preview> preview(PlanRequest request) {
        return Panache.withSession(() -> checked(request, null, false).flatMap(definition -> {
            Plan plan = new Plan();
            plan.id = UUID.randomUUID();
            plan.status = PlanStatus.DRAFT;
            fill(plan, request, definition);
            return preview(plan, definition);
        }));
    }

    /** What a stored plan touches: a draft as activation would choose, an activated one by its recorded target. */
    public Uni<org.otaplatform.plan.plan.Previews.Preview> preview(UUID id) {
        return Panache.withSession(() -> existing(id).flatMap(plan -> preview(plan, plan.definition())));
    }

    private Uni<org.otaplatform.plan.plan.Previews.Preview> preview(Plan plan, PlanDefinition d) {
        return PlanPackages.of(plan, firmware)
                .flatMap(found -> found.isEmpty()
                        ? Uni.createFrom()
                                .<org.otaplatform.plan.plan.Previews.Preview>failure(new ApiException(
                                        ErrorCode.CONFLICT,
                                        "the plan's main firmware package is not known or was deleted"))
                        : previews.preview(plan, d, found.get()));
    }

    private Uni<Void> activatable(Plan plan) {
        PlanDefinition definition = plan.definition();
        List<UUID> ids = PlanPackages.ids(plan);
        return PlanPackages.of(plan, firmware).flatMap(found -> {
            List<FirmwareView> all = found.map(p -> {
                        List<FirmwareView> views =
                                new java.util.ArrayList<>(p.deltas().values());
                        if (p.full() != null) {
                            views.add(p.full());
                        }
                        return views;
                    })
                    .orElse(List.of());
            if (all.size() < ids.size()) {
                return Uni.createFrom()
                        .failure(new ApiException(
                                ErrorCode.CONFLICT, "a firmware package of the plan no longer exists"));
            }
            var unreleased = all.stream().filter(f -> f.signature() == null).findFirst();
            if (unreleased.isPresent()) {
                return Uni.createFrom()
                        .failure(new ApiException(
                                ErrorCode.CONFLICT,
                                "firmware package " + unreleased.get().firmwareId()
                                        + " awaits its release approval: it is not signed, so no plan may send it"));
            }
            return all.stream()
                    .filter(f -> definition.requireVerifiedFirmware() && !"VERIFIED".equals(f.verification()))
                    .findFirst()
                    .<Uni<Void>>map(f -> Uni.createFrom()
                            .failure(new ApiException(
                                    ErrorCode.CONFLICT,
                                    "the plan requires verified firmware and package " + f.firmwareId() + " is "
                                            + f.verification())))
                    .orElse(Uni.createFrom().voidItem());
        });
    }

    /** The request checked; {@code self} is the plan being updated, which may keep its own name. */
    private Uni<PlanDefinition> checked(PlanRequest request, UUID self) {
        return checked(request, self, true);
    }

    private Uni<PlanDefinition> checked(PlanRequest request, UUID self, boolean name) {
        List<String> ids = request.packageIds();
        Map<String, Optional<FirmwareView>> views = new java.util.LinkedHashMap<>();
        Uni<Void> lookups = Uni.createFrom().voidItem();
        for (String id : ids) {
            Optional<UUID> uuid = uuid(id);
            lookups = lookups.flatMap(v -> uuid.isPresent()
                    ? firmware.find(uuid.get()).invoke(f -> views.put(id, f)).replaceWithVoid()
                    : Uni.createFrom().voidItem().invoke(() -> views.put(id, Optional.empty())));
        }
        return lookups.flatMap(f -> {
            List<FieldError> errors = PlanValidator.check(request, views, config.maxListEntries());
            if (!errors.isEmpty()) {
                return Uni.createFrom().failure(ApiException.invalid(errors));
            }
            PlanDefinition definition = PlanDefinition.of(request, config.defaults(), mainFirst(request, views));
            return nodeTypeChecked(request)
                    // the target's fields and groups as the product knows them: 422 naming target.filter/groups
                    .call(nodeType -> targets.condition(request.productKey(), definition.target(), 1))
                    .flatMap(nodeType -> (name
                                    ? plans.find("name", request.name()).<Plan>firstResult()
                                    : Uni.createFrom().<Plan>nullItem())
                            .flatMap(same -> same != null && !same.id.equals(self)
                                    ? Uni.createFrom().<PlanDefinition>failure(nameTaken(request.name()))
                                    : Uni.createFrom().item(definition.ofNodeType(nodeType))));
        });
    }

    /**
     * The node type of the plan's product as device-gateway-service announced it (product.state; null while
     * unknown), kept with the plan; a plan that says what it targets ({@code nodeType}) must be of a product
     * of that type, 422 otherwise.
     */
    private static Uni<String> nodeTypeChecked(PlanRequest request) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "SELECT node_type FROM product_view WHERE product_key = ?1 AND NOT deleted")
                        .setParameter(1, request.productKey())
                        .getResultList())
                .flatMap(rows -> {
                    String actual = rows.isEmpty() ? null : (String) rows.get(0);
                    if (request.nodeType() == null || request.nodeType().equals(actual)) {
                        return Uni.createFrom().item(actual);
                    }
                    String message = actual == null
                            ? "product " + request.productKey() + " is not known to plan-service (yet)"
                            : "product " + request.productKey() + " is a " + actual + " product, not "
                                    + request.nodeType();
                    return Uni.createFrom()
                            .<String>failure(ApiException.invalid(List.of(new FieldError("nodeType", message))));
                });
    }

    /**
     * The package ids, the plan's main one first: the {@code firmwareId} given, else the FULL package, else
     * the first named.
     */
    private static List<String> mainFirst(PlanRequest request, Map<String, Optional<FirmwareView>> views) {
        List<String> ids = new java.util.ArrayList<>(new java.util.LinkedHashSet<>(request.packageIds()));
        String main = request.firmwareId() != null
                ? request.firmwareId()
                : ids.stream()
                        .filter(id -> views.get(id)
                                .map(f -> !"DELTA".equals(f.type()))
                                .orElse(false))
                        .findFirst()
                        .orElse(ids.get(0));
        ids.remove(main);
        ids.add(0, main);
        return ids;
    }

    private static List<String> packageIds(Plan plan) {
        return PlanPackages.ids(plan).stream().map(UUID::toString).toList();
    }

    private void fill(Plan plan, PlanRequest request, PlanDefinition definition) {
        plan.name = request.name();
        plan.productKey = request.productKey();
        plan.firmwareId = UUID.fromString(definition.packages().get(0));
        plan.mode = request.mode();
        plan.definition = definition.toJson();
        plan.updatedAt = clock.instant();
    }

    private Uni<Plan> draft(UUID id) {
        return existing(id)
                .flatMap(plan -> plan.status == PlanStatus.DRAFT
                        ? Uni.createFrom().item(plan)
                        : Uni.createFrom()
                                .failure(new ApiException(
                                        ErrorCode.CONFLICT,
                                        "plan " + id + " is " + plan.status
                                                + "; only a DRAFT plan can be changed or deleted")));
    }

    private Uni<Plan> existing(UUID id) {
        return plans.findById(id).onItem().ifNull().failWith(() -> ApiException.notFound("plan", id));
    }

    private Uni<Void> history(Plan plan, PlanStatus from, String reason) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "INSERT INTO plan_history (plan_id, from_status, to_status, reason) VALUES (?1, ?2, ?3, ?4)")
                        .setParameter(1, plan.id)
                        .setParameter(2, from == null ? null : from.name())
                        .setParameter(3, plan.status.name())
                        .setParameter(4, reason.length() > 500 ? reason.substring(0, 500) : reason)
                        .executeUpdate())
                .replaceWithVoid();
    }

    private Uni<Void> event(Plan plan) {
        PlanLifecycleEvent event = new PlanLifecycleEvent(
                plan.id.toString(),
                plan.firmwareId.toString(),
                plan.productKey,
                plan.status.name(),
                plan.version,
                packageIds(plan));
        return outbox.add(
                InternalTopics.PLAN_EVENTS, InternalMessage.of(PlanLifecycleEvent.TYPE, SOURCE, clock.millis(), event));
    }

    private static ApiException nameTaken(String name) {
        return new ApiException(ErrorCode.CONFLICT, "a plan named '" + name + "' exists already");
    }

    private static Optional<UUID> uuid(String value) {
        try {
            return value == null ? Optional.empty() : Optional.of(UUID.fromString(value));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
