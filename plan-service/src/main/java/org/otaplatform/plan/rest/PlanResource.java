package org.otaplatform.plan.rest;

import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.otaplatform.common.error.ApiException;
import org.otaplatform.common.paging.Page;
import org.otaplatform.common.paging.PageRequest;
import org.otaplatform.common.paging.SortOrder;
import org.otaplatform.common.rest.Ids;
import org.otaplatform.common.rest.QueryParams;
import org.otaplatform.common.security.Roles;
import org.otaplatform.plan.firmware.FirmwareViews;
import org.otaplatform.plan.plan.PlanQueries;
import org.otaplatform.plan.plan.PlanRequest;
import org.otaplatform.plan.plan.PlanService;
import org.otaplatform.plan.plan.PlanStatus;
import org.otaplatform.plan.task.PlanResults;
import org.otaplatform.plan.task.PlanStats;
import org.otaplatform.plan.task.TaskQueries;
import org.otaplatform.plan.task.TaskState;

@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.VIEWER})
public class PlanResource {

    private final PlanQueries queries;
    private final PlanService plans;
    private final TaskQueries tasks;
    private final PlanResults results;
    private final PlanStats stats;
    private final FirmwareViews firmware;
    private final org.otaplatform.plan.task.Retries retries;
    private final org.otaplatform.plan.schedule.PushScheduler scheduler;
    private final org.otaplatform.plan.wave.Waves waves;
    private final io.quarkus.security.identity.SecurityIdentity identity;

    PlanResource(
            PlanQueries queries,
            PlanService plans,
            TaskQueries tasks,
            PlanResults results,
            PlanStats stats,
            FirmwareViews firmware,
            org.otaplatform.plan.task.Retries retries,
            org.otaplatform.plan.schedule.PushScheduler scheduler,
            org.otaplatform.plan.wave.Waves waves,
            io.quarkus.security.identity.SecurityIdentity identity) {
        this.waves = waves;
        this.identity = identity;
        this.results = results;
        this.retries = retries;
        this.scheduler = scheduler;
        this.queries = queries;
        this.plans = plans;
        this.tasks = tasks;
        this.stats = stats;
        this.firmware = firmware;
    }

    /**
     * A plan with its statistics and, once activated with a target, what activation recorded of it ({@code
     * membership, filter, groups, matched, recordedAt, refreshedAt}).
     */
    public record PlanWithStats(
            @com.fasterxml.jackson.annotation.JsonUnwrapped PlanView plan,
            PlanStats.Stats stats,

            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            Map<String, Object> targetRecorded) {}

    /** An optional reason for a life-cycle action, recorded in the plan's history. */
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
    public record ActionBody(String reason) {}

    /** One entry of a plan's history. */
    public record HistoryEntry(String from, String to, String reason, Instant at) {}

    @POST
    @Path("/plans")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    public Uni<Response> create(PlanRequest request) {
        return plans.create(required(request))
                .map(p -> Response.created(URI.create("/api/v1/plans/" + p.id))
                        .entity(PlanView.of(p))
                        .build());
    }

    @PUT
    @Path("/plans/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    public Uni<PlanView> update(@PathParam("id") String id, PlanRequest request) {
        return plans.update(Ids.uuid("id", id), required(request)).map(PlanView::of);
    }

    @DELETE
    @Path("/plans/{id}")
    @RolesAllowed(Roles.ADMIN)
    public Uni<Response> delete(@PathParam("id") String id) {
        return plans.delete(Ids.uuid("id", id)).replaceWith(Response.noContent().build());
    }

    @GET
    @Path("/plans")
    public Uni<Page<PlanView>> list(
            @QueryParam("status") String status,
            @QueryParam("productKey") String productKey,
            @QueryParam("firmwareId") String firmwareId,
            @QueryParam("sort") String sort,
            @QueryParam("page") String page,
            @QueryParam("size") String size) {
        return queries.list(
                        QueryParams.enumValue("status", status, PlanStatus.class),
                        Ids.filter("productKey", productKey, org.otaplatform.contract.Identifiers::isProductKey),
                        firmwareId == null || firmwareId.isBlank() ? null : uuidFilter("firmwareId", firmwareId),
                        SortOrder.parse(
                                "sort",
                                sort,
                                org.otaplatform.plan.plan.PlanRepository.SORTABLE,
                                new SortOrder("createdAt", true)),
                        PageRequest.of(page, size))
                .map(p -> p.map(PlanView::of));
    }

    @POST
    @Path("/plans:preview")
    @Consumes(MediaType.APPLICATION_JSON)
    @org.eclipse.microprofile.openapi.annotations.Operation(
            summary = "Preview a plan",
            description = "Takes a plan body as POST /api/v1/plans does and answers, without creating anything,"
                    + " exactly what activation would target: targeted, upToDate, downgradesRefused, incompatible,"
                    + " onHold, waitingForGatewayVersion, willUpgrade, productDevices, byWave and samples (at most 20"
                    + " of each). An invalid body is a 422 naming the field, as the create would answer.")
    public Uni<org.otaplatform.plan.plan.Previews.Preview> previewBody(PlanRequest request) {
        return plans.preview(required(request));
    }

    @GET
    @Path("/plans/{id}/preview")
    @org.eclipse.microprofile.openapi.annotations.Operation(
            summary = "What a plan touches",
            description = "A draft: exactly what activation would target now, per wave, with the up-to-date,"
                    + " downgrade, incompatible, on-hold and waiting-for-gateway counts and samples. An activated plan:"
                    + " the same over its recorded members. Nothing is written.")
    public Uni<org.otaplatform.plan.plan.Previews.Preview> preview(@PathParam("id") String id) {
        return plans.preview(Ids.uuid("id", id));
    }

    /** How the plan's devices ended: failures by cause and by gateway (each device's latest attempt). */
    @GET
    @Path("/plans/{id}/failures")
    public Uni<PlanResults.Failures> failures(@PathParam("id") String id) {
        UUID planId = Ids.uuid("id", id);
        return queries.get(planId).flatMap(p -> results.failures(planId));
    }

    /** Succeeded and failed results per minute over the last {@code minutes} (1–1440, default 60). */
    @GET
    @Path("/plans/{id}/progress")
    public Uni<PlanResults.Progress> progress(@PathParam("id") String id, @QueryParam("minutes") String minutes) {
        UUID planId = Ids.uuid("id", id);
        int span = minutes(minutes);
        return queries.get(planId).flatMap(p -> results.perMinute(planId, span));
    }

    private static int minutes(String value) {
        if (value == null || value.isBlank()) {
            return 60;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1 && n <= 1440) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.invalid("minutes", "must be a whole number from 1 to 1440");
    }

    /** A UUID filter from a query string: 422 naming the parameter when it is not one. */
    private static UUID uuidFilter(String parameter, String value) {
        try {
            if (value.length() == 36) {
                return UUID.fromString(value);
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        throw ApiException.invalid(parameter, "is not a well-formed " + parameter);
    }

    @GET
    @Path("/plans/{id}")
    public Uni<PlanWithStats> get(@PathParam("id") String id) {
        return queries.get(Ids.uuid("id", id))
                .flatMap(plan -> io.quarkus.hibernate.reactive.panache.Panache.withSession(
                                () -> firmware.find(plan.firmwareId))
                        .flatMap(fw -> {
                            var d = plan.definition();
                            String target = fw.map(org.otaplatform.plan.firmware.FirmwareView::version)
                                    .orElse("");
                            String[] sources = d.sourceVersions().toArray(new String[0]);
                            String[] whitelist = d.whitelist().toArray(new String[0]);
                            String[] blacklist = d.blacklist().toArray(new String[0]);
                            String min = fw.map(org.otaplatform.plan.firmware.FirmwareView::minGatewayVersion)
                                    .orElse(null);
                            return stats.forDisplay(plan.id, plan.productKey, target, sources, whitelist, blacklist)
                                    .flatMap(s -> stats.waitingForGatewayVersion(
                                                    plan.id,
                                                    plan.productKey,
                                                    target,
                                                    min,
                                                    sources,
                                                    whitelist,
                                                    blacklist)
                                            .map(s::waitingForGatewayVersion))
                                    .flatMap(s -> stats.downgradesRefused(
                                                    plan.id,
                                                    plan.productKey,
                                                    target,
                                                    d.allowDowngrade(),
                                                    sources,
                                                    whitelist,
                                                    blacklist)
                                            .map(s::downgradesRefused))
                                    .flatMap(s -> stats.incompatible(
                                                    plan.id,
                                                    plan.productKey,
                                                    target,
                                                    fw.filter(org.otaplatform.plan.firmware.FirmwareView::namesHardware)
                                                            .map(f -> f.hardwareRevisions()
                                                                    .toArray(String[]::new))
                                                            .orElse(null),
                                                    fw.map(f -> "ALLOW".equals(f.unknownHardware()))
                                                            .orElse(false),
                                                    d.allowDowngrade(),
                                                    sources,
                                                    whitelist,
                                                    blacklist)
                                            .map(s::incompatible))
                                    .flatMap(s -> stats.onHold(
                                                    plan.id,
                                                    plan.productKey,
                                                    target,
                                                    fw.filter(org.otaplatform.plan.firmware.FirmwareView::namesHardware)
                                                            .map(f -> f.hardwareRevisions()
                                                                    .toArray(String[]::new))
                                                            .orElse(null),
                                                    fw.map(f -> "ALLOW".equals(f.unknownHardware()))
                                                            .orElse(false),
                                                    d.allowDowngrade(),
                                                    sources,
                                                    whitelist,
                                                    blacklist)
                                            .map(s::onHold))
                                    .flatMap(s -> io.quarkus.hibernate.reactive.panache.Panache.withSession(
                                                    () -> org.otaplatform.plan.plan.Targets.recorded(plan.id))
                                            .map(recorded -> new PlanWithStats(PlanView.of(plan), s, recorded)));
                        }));
    }

    @GET
    @Path("/plans/{id}/tasks")
    public Uni<Page<TaskQueries.TaskView>> tasks(
            @PathParam("id") String id,
            @QueryParam("state") String state,
            @QueryParam("gatewayId") String gatewayId,
            @QueryParam("deviceKey") String deviceKey,
            @QueryParam("sort") String sort,
            @QueryParam("page") String page,
            @QueryParam("size") String size) {
        var planId = Ids.uuid("id", id);
        var stateFilter = QueryParams.enumValue("state", state, TaskState.class);
        var order = SortOrder.parse("sort", sort, TaskQueries.SORTABLE.keySet(), new SortOrder("createdAt", false));
        var request = PageRequest.of(page, size);
        return queries.get(planId)
                .flatMap(p -> tasks.list(
                        planId,
                        p.productKey,
                        stateFilter == null ? null : stateFilter.name(),
                        Ids.filter("gatewayId", gatewayId, org.otaplatform.contract.Identifiers::isGatewayId),
                        Ids.filter("deviceKey", deviceKey, org.otaplatform.contract.Identifiers::isDeviceKey),
                        order,
                        request));
    }

    /** The plan's waves: each one's state, figures and gates. */
    @GET
    @Path("/plans/{id}/waves")
    public Uni<List<org.otaplatform.plan.wave.Waves.WaveView>> waves(@PathParam("id") String id) {
        return queries.get(Ids.uuid("id", id))
                .flatMap(plan -> io.quarkus.hibernate.reactive.panache.Panache.withSession(
                                () -> firmware.find(plan.firmwareId))
                        .flatMap(fw -> {
                            var d = plan.definition();
                            return stats.forDisplay(
                                            plan.id,
                                            plan.productKey,
                                            fw.map(org.otaplatform.plan.firmware.FirmwareView::version)
                                                    .orElse(""),
                                            d.sourceVersions().toArray(new String[0]),
                                            d.whitelist().toArray(new String[0]),
                                            d.blacklist().toArray(new String[0]))
                                    .flatMap(s -> waves.list(plan, s.targeted()));
                        }));
    }

    /**
     * An operator approves wave {@code n}: it passes (awaiting approval, or still running: promoted before its
     * gate passed, or halted: passed over its failures and the plan resumes) and the next wave begins.
     */
    @POST
    @Path("/plans/{id}/waves/{n}/approve")
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR})
    public Uni<List<org.otaplatform.plan.wave.Waves.WaveView>> approve(
            @PathParam("id") String id, @PathParam("n") String n) {
        UUID planId = Ids.uuid("id", id);
        int number;
        try {
            number = Integer.parseInt(n);
        } catch (NumberFormatException e) {
            throw ApiException.invalid("n", "must be a wave's number: 1 for the first");
        }
        String actor =
                identity.isAnonymous() ? "anonymous" : identity.getPrincipal().getName();
        return waves.approve(planId, number, actor).invoke(scheduler::passSoon).flatMap(v -> waves(id));
    }

    /** The new attempt a retry created. */
    public record Retried(UUID taskId) {}

    @POST
    @Path("/plans/{id}/devices/{productKey}/{deviceKey}/retry")
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR})
    public Uni<Response> retry(
            @PathParam("id") String id,
            @PathParam("productKey") String productKey,
            @PathParam("deviceKey") String deviceKey) {
        return retries.retry(
                        Ids.uuid("id", id),
                        Ids.productKey("productKey", productKey),
                        Ids.deviceKey("deviceKey", deviceKey))
                .map(taskId -> Response.accepted(new Retried(taskId)).build());
    }

    @GET
    @Path("/plans/{id}/tasks/{taskId}")
    public Uni<TaskQueries.TaskDetail> task(@PathParam("id") String id, @PathParam("taskId") String taskId) {
        return tasks.get(Ids.uuid("id", id), Ids.uuid("taskId", taskId));
    }

    @GET
    @Path("/plans/{id}/history")
    public Uni<List<HistoryEntry>> history(@PathParam("id") String id) {
        return plans.history(Ids.uuid("id", id))
                .map(rows -> rows.stream()
                        .map(r -> new HistoryEntry((String) r[0], (String) r[1], (String) r[2], toInstant(r[3])))
                        .toList());
    }

    @POST
    @Path("/plans/{id}/activate")
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR})
    public Uni<PlanView> activate(@PathParam("id") String id, String body) {
        return act(id, PlanService.Action.ACTIVATE, body);
    }

    @POST
    @Path("/plans/{id}/suspend")
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR})
    public Uni<PlanView> suspend(@PathParam("id") String id, String body) {
        return act(id, PlanService.Action.SUSPEND, body);
    }

    @POST
    @Path("/plans/{id}/resume")
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR})
    public Uni<PlanView> resume(@PathParam("id") String id, String body) {
        return act(id, PlanService.Action.RESUME, body);
    }

    @POST
    @Path("/plans/{id}/terminate")
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR})
    public Uni<PlanView> terminate(@PathParam("id") String id, String body) {
        return act(id, PlanService.Action.TERMINATE, body);
    }

    /** The body is optional: {@code {"reason": "..."}} or nothing. */
    private Uni<PlanView> act(String id, PlanService.Action action, String body) {
        String reason = null;
        if (body != null && !body.isBlank()) {
            try {
                ActionBody parsed =
                        org.otaplatform.contract.codec.MessageCodec.mapper().readValue(body, ActionBody.class);
                reason = parsed == null
                                || parsed.reason() == null
                                || parsed.reason().isBlank()
                        ? null
                        : parsed.reason();
            } catch (java.io.IOException e) {
                throw new ApiException(
                        org.otaplatform.common.error.ErrorCode.MALFORMED_REQUEST,
                        "the body must be {\"reason\": \"...\"} or empty");
            }
        }
        if (reason != null && reason.length() > 500) {
            throw ApiException.invalid("reason", "must be at most 500 characters");
        }
        return plans.act(Ids.uuid("id", id), action, reason)
                .invoke(plan -> {
                    if (action == PlanService.Action.ACTIVATE || action == PlanService.Action.RESUME) {
                        scheduler.passSoon();
                    }
                })
                .map(PlanView::of);
    }

    private static PlanRequest required(PlanRequest request) {
        if (request == null) {
            throw ApiException.invalid("body", "is required: a plan as JSON");
        }
        return request;
    }

    private static Instant toInstant(Object value) {
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof java.time.OffsetDateTime odt) {
            return odt.toInstant();
        }
        if (value instanceof java.sql.Timestamp ts) {
            return ts.toInstant();
        }
        return value == null ? null : Instant.parse(value.toString());
    }
}
