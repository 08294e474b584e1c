package org.otaplatform.console.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.otaplatform.console.backend.Backend;
import org.otaplatform.console.backend.Reply;
import org.otaplatform.console.backend.Service;

/**
 * Plans: the list, a plan's page (live figures, results per minute, failures by cause and by gateway, the
 * task table, the actions), a task's timeline. The task table is one page from the service, never more;
 * the live parts are read once per plan per interval (PlanWatch) whoever watches.
 */
@Path("/plans")
@Authenticated
@Produces(MediaType.TEXT_HTML)
public class PlanPages {

    static final List<String> STATUSES = List.of("DRAFT", "ACTIVE", "SUSPENDED", "TERMINATED", "FINISHED");
    static final List<String> TASK_STATES = List.of(
            "AWAITING_CONFIRMATION",
            "PENDING",
            "NOTIFIED",
            "ACCEPTED",
            "DOWNLOADING",
            "DOWNLOADED",
            "UPGRADING",
            "SUCCEEDED",
            "FAILED",
            "REJECTED",
            "CANCELLED",
            "TIMED_OUT");
    private static final Set<String> ACTIONS = Set.of("activate", "suspend", "resume", "terminate");
    private static final Map<String, String> DONE =
            Map.of("activate", "activated", "suspend", "suspended", "resume", "resumed", "terminate", "terminated");
    /** The results chart and breakdowns are read every this many live intervals. */
    private static final int RESULTS_EVERY = 5;

    private final Pages pages;
    private final PlanWatch watch;
    private final Template list;
    private final Template detail;
    private final Template task;
    private final Template results;

    PlanPages(
            Pages pages,
            PlanWatch watch,
            @Location("plans/list.html") Template list,
            @Location("plans/detail.html") Template detail,
            @Location("plans/task.html") Template task,
            @Location("plans/results.html") Template results) {
        this.pages = pages;
        this.watch = watch;
        this.list = list;
        this.detail = detail;
        this.task = task;
        this.results = results;
    }

    @GET
    public Uni<TemplateInstance> list(
            @QueryParam("status") String status,
            @QueryParam("productKey") String productKey,
            @QueryParam("sort") String sort,
            @QueryParam("page") String page,
            @QueryParam("done") String done) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("status", status);
        query.put("productKey", productKey);
        query.put("sort", sort == null || sort.isBlank() ? "-createdAt" : sort);
        query.put("page", page);
        query.put("size", "20");
        return pages.listing(Service.PLAN, "/api/v1/plans", query, "/plans", query.get("sort"))
                .map(plans -> pages.view(list, "plans")
                        .data("plans", plans)
                        .data("statuses", STATUSES)
                        .data("flash", Flash.of(done)));
    }

    @GET
    @Path("/{id}")
    public Uni<TemplateInstance> plan(
            @PathParam("id") String id,
            @QueryParam("state") String state,
            @QueryParam("gatewayId") String gatewayId,
            @QueryParam("deviceKey") String deviceKey,
            @QueryParam("sort") String sort,
            @QueryParam("page") String page,
            @QueryParam("done") String done,
            @HeaderParam("HX-Target") String target) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("state", state);
        query.put("gatewayId", gatewayId);
        query.put("deviceKey", deviceKey);
        query.put("sort", sort == null || sort.isBlank() ? "-updatedAt" : sort);
        query.put("page", page);
        query.put("size", "20");
        String path = "/plans/" + Backend.encode(id);
        Uni<Listing> tasks = pages.listing(
                Service.PLAN, "/api/v1/plans" + Backend.path(id, "tasks"), query, path, query.get("sort"));
        if ("tasks".equals(target)) {
            return Uni.combine()
                    .all()
                    .unis(live(id, false), tasks)
                    .asTuple()
                    .map(both -> detail.getFragment("tasks")
                            .instance()
                            .data("me", pages.operator())
                            .data("plan", pages.map(both.getItem1().body()))
                            .data("tasks", both.getItem2())
                            .data("taskStates", TASK_STATES));
        }
        // the chart and the breakdowns follow as their own request (the page's "load" trigger): the page
        // shows the plan's figures and tasks without waiting for a minute-by-minute count of its results
        return Uni.combine().all().unis(live(id, done != null), tasks).asTuple().flatMap(both -> {
            Map<String, Object> plan = pages.map(both.getItem1().body());
            return waves(id, plan)
                    .map(waves -> pages.view(detail, "plans")
                            .data("plan", plan)
                            .data("waves", waves)
                            .data("live", Live.of(plan))
                            .data("tasks", both.getItem2())
                            .data("taskStates", TASK_STATES)
                            .data("watchEvery", watch.seconds())
                            .data("flash", Flash.of(done)));
        });
    }

    /** The plan's waves with their figures (none for a plan without waves). */
    private Uni<List<Object>> waves(String id, Map<String, Object> plan) {
        if (!(plan.get("waves") instanceof List<?> defined) || defined.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return pages.send(HttpMethod.GET, Service.PLAN, "/api/v1/plans" + Backend.path(id, "waves"), null)
                .map(reply -> reply.ok() ? pages.list(reply.body()) : List.of());
    }

    /** An operator approves a wave: it passes and the next begins (docs/state-machines.md, "Waves"). */
    @POST
    @Path("/{id}/waves/{n}/approve")
    public Uni<Response> approveWave(@PathParam("id") String id, @PathParam("n") String n) {
        pages.require(pages.operator().operates(), "approving waves needs ota-operator or ota-admin");
        return pages.send(
                        HttpMethod.POST,
                        Service.PLAN,
                        "/api/v1/plans" + Backend.path(id, "waves", n, "approve"),
                        Map.of())
                .map(reply -> done(reply, "/plans/" + Backend.encode(id) + "?done=approved"));
    }

    /** The plan's status, figures and actions, polled by the plan page. */
    @GET
    @Path("/{id}/live")
    public Uni<TemplateInstance> livePart(@PathParam("id") String id) {
        return live(id, false).flatMap(reply -> {
            Map<String, Object> plan = pages.map(reply.body());
            return waves(id, plan)
                    .map(waves -> detail.getFragment("live")
                            .instance()
                            .data("me", pages.operator())
                            .data("plan", plan)
                            .data("waves", waves)
                            .data("live", Live.of(plan))
                            .data("watchEvery", watch.seconds()));
        });
    }

    /** Results per minute and failures by cause and by gateway, polled more slowly. */
    @GET
    @Path("/{id}/results")
    public Uni<TemplateInstance> resultsPart(@PathParam("id") String id) {
        return Uni.combine()
                .all()
                .unis(live(id, false), resultsOf(id))
                .asTuple()
                .map(both -> results.instance()
                        .data("plan", pages.map(both.getItem1().body()))
                        .data("results", both.getItem2())
                        .data("resultsEvery", watch.seconds() * RESULTS_EVERY));
    }

    @GET
    @Path("/{id}/tasks/{taskId}")
    public Uni<TemplateInstance> task(@PathParam("id") String id, @PathParam("taskId") String taskId) {
        return Uni.combine()
                .all()
                .unis(
                        pages.read(Service.PLAN, "/api/v1/plans" + Backend.path(id)),
                        pages.read(Service.PLAN, "/api/v1/plans" + Backend.path(id, "tasks", taskId)))
                .asTuple()
                .map(both -> pages.view(task, "plans")
                        .data("plan", both.getItem1())
                        .data("task", both.getItem2().get("task"))
                        .data("events", both.getItem2().get("events")));
    }

    @POST
    @Path("/{id}/{action}")
    public Uni<Response> act(@PathParam("id") String id, @PathParam("action") String action) {
        if (!ACTIONS.contains(action)) {
            throw new PageProblem(404, "a plan has no action " + action);
        }
        pages.require(pages.operator().operates(), "running plans needs ota-operator or ota-admin");
        return pages.send(HttpMethod.POST, Service.PLAN, "/api/v1/plans" + Backend.path(id, action), Map.of())
                .map(reply -> done(reply, "/plans/" + Backend.encode(id) + "?done=" + DONE.get(action)));
    }

    @POST
    @Path("/{id}/devices/{productKey}/{deviceKey}/retry")
    public Uni<Response> retry(
            @PathParam("id") String id,
            @PathParam("productKey") String productKey,
            @PathParam("deviceKey") String deviceKey) {
        pages.require(pages.operator().operates(), "retrying devices needs ota-operator or ota-admin");
        return pages.send(
                        HttpMethod.POST,
                        Service.PLAN,
                        "/api/v1/plans" + Backend.path(id, "devices", productKey, deviceKey, "retry"),
                        null)
                .map(reply -> done(reply, "/plans/" + Backend.encode(id) + "?done=retried"));
    }

    static Response done(Reply reply, String next) {
        if (!reply.ok()) {
            throw PageProblem.of(reply);
        }
        return Response.seeOther(URI.create(next)).build();
    }

    /** The plan with its statistics, shared by its viewers; {@code fresh} after a change of this person's. */
    private Uni<Reply> live(String id, boolean fresh) {
        pages.require(pages.operator().reads(), "reading plans needs ota-viewer, ota-operator or ota-admin");
        java.util.function.Supplier<Uni<Reply>> read =
                () -> pages.send(HttpMethod.GET, Service.PLAN, "/api/v1/plans" + Backend.path(id), null);
        return (fresh ? watch.fresh(id, read) : watch.live(id, read)).map(PlanPages::okOrStop);
    }

    private Uni<Results> resultsOf(String id) {
        pages.require(pages.operator().reads(), "reading plans needs ota-viewer, ota-operator or ota-admin");
        Uni<Reply> progress = watch.results(
                id,
                "progress",
                RESULTS_EVERY,
                () -> pages.send(HttpMethod.GET, Service.PLAN, "/api/v1/plans" + Backend.path(id, "progress"), null));
        Uni<Reply> failures = watch.results(
                id,
                "failures",
                RESULTS_EVERY,
                () -> pages.send(HttpMethod.GET, Service.PLAN, "/api/v1/plans" + Backend.path(id, "failures"), null));
        return Uni.combine()
                .all()
                .unis(progress, failures, live(id, false))
                .asTuple()
                .map(all -> {
                    Map<String, Object> plan =
                            pages.map(okOrStop(all.getItem3()).body());
                    String zone = plan.get("timeZone") == null
                            ? null
                            : plan.get("timeZone").toString();
                    return new Results(
                            new Chart(pages.map(okOrStop(all.getItem1()).body()), zone),
                            Breakdown.of(okOrStop(all.getItem2()).body()));
                });
    }

    private static Reply okOrStop(Reply reply) {
        if (!reply.ok()) {
            throw PageProblem.of(reply);
        }
        return reply;
    }

    /** The chart and the failure breakdowns of a plan. */
    @io.quarkus.qute.TemplateData
    public record Results(Chart chart, Breakdown failures) {}

    /**
     * Failures by code, by gateway, by the version the devices ran and by cause (firmware or transport), with
     * bar widths relative to the largest.
     */
    @io.quarkus.qute.TemplateData
    public record Breakdown(
            long failed, List<Row> byCode, List<Row> byGateway, List<Row> bySourceVersion, List<Row> byCause) {

        @io.quarkus.qute.TemplateData
        public record Row(String key, long count, int width) {}

        static Breakdown of(JsonNode failures) {
            return new Breakdown(
                    failures.path("failed").asLong(),
                    rows(failures.path("byCode")),
                    rows(failures.path("byGateway")),
                    rows(failures.path("bySourceVersion")),
                    rows(failures.path("byCause")));
        }

        private static List<Row> rows(JsonNode counts) {
            long top = 1;
            for (JsonNode c : counts) {
                top = Math.max(top, c.path("count").asLong());
            }
            List<Row> rows = new java.util.ArrayList<>();
            for (JsonNode c : counts) {
                long n = c.path("count").asLong();
                rows.add(new Row(c.path("key").asText(), n, (int) Math.max(2, n * 100 / top)));
            }
            return rows;
        }

        public boolean empty() {
            return byCode.isEmpty();
        }
    }

    /** A plan's figures as its page shows them: shares of the targeted devices for the progress bar. */
    @io.quarkus.qute.TemplateData
    public record Live(
            long targeted,
            long upToDate,
            long failed,
            long rejected,
            long open,
            int donePercent,
            int okWidth,
            int failedWidth,
            int rejectedWidth,
            boolean polling) {

        @SuppressWarnings("unchecked")
        static Live of(Map<String, Object> plan) {
            Map<String, Object> s = (Map<String, Object>) plan.getOrDefault("stats", Map.of());
            long targeted = n(s, "targeted");
            long upToDate = n(s, "upToDate");
            long failed = n(s, "failed");
            long rejected = n(s, "rejected");
            long open = n(s, "awaitingConfirmation") + n(s, "pending") + n(s, "inProgress");
            long ended = Math.min(targeted, upToDate + failed + rejected);
            String status = String.valueOf(plan.get("status"));
            int done = targeted == 0
                    ? ("FINISHED".equals(status) ? 100 : 0)
                    : (int) Math.min(100, Math.floor(ended * 100.0 / targeted));
            return new Live(
                    targeted,
                    upToDate,
                    failed,
                    rejected,
                    open,
                    done,
                    share(upToDate, targeted),
                    share(failed, targeted),
                    share(rejected, targeted),
                    "ACTIVE".equals(status) || "SUSPENDED".equals(status));
        }

        private static long n(Map<String, Object> stats, String key) {
            return stats.get(key) instanceof Number n ? n.longValue() : 0;
        }

        private static int share(long part, long whole) {
            return whole == 0 ? 0 : (int) Math.min(100, Math.round(part * 100.0 / whole));
        }
    }
}
