package org.otaplatform.console.web;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.otaplatform.console.backend.Backend;
import org.otaplatform.console.backend.Service;

/**
 * The overview: gateways online and offline, sub-devices, the active plans with their progress, and the
 * latest failures across them. Every figure is one small read (a page of size 1 for a count).
 */
@Path("/")
@Authenticated
@Produces(MediaType.TEXT_HTML)
public class OverviewPage {

    /** The most active plans the overview shows, and failures it lists. */
    private static final int PLANS = 8;

    private static final int FAILURES = 10;

    private final Pages pages;
    private final Template overview;

    OverviewPage(Pages pages, @Location("overview.html") Template overview) {
        this.pages = pages;
        this.overview = overview;
    }

    @GET
    public Uni<Response> overview() {
        if (!pages.operator().reads()) {
            // an application's token sees offers only
            return Uni.createFrom()
                    .item(Response.seeOther(URI.create("/manual")).build());
        }
        Uni<Map<String, Object>> online =
                pages.read(Service.DEVICE_GATEWAY, "/api/v1/gateways", Map.of("online", "true", "size", "1"));
        Uni<Map<String, Object>> offline =
                pages.read(Service.DEVICE_GATEWAY, "/api/v1/gateways", Map.of("online", "false", "size", "1"));
        Uni<Map<String, Object>> products =
                pages.read(Service.DEVICE_GATEWAY, "/api/v1/products", Map.of("size", "100"));
        Uni<Map<String, Object>> suspended =
                pages.read(Service.PLAN, "/api/v1/plans", Map.of("status", "SUSPENDED", "size", "1"));
        Uni<List<Map<String, Object>>> active = pages.read(
                        Service.PLAN,
                        "/api/v1/plans",
                        Map.of("status", "ACTIVE", "size", String.valueOf(PLANS), "sort", "-updatedAt"))
                .flatMap(this::withStats);
        return Uni.combine()
                .all()
                .unis(online, offline, products, suspended, active)
                .asTuple()
                .flatMap(all -> {
                    List<Map<String, Object>> plans = all.getItem5();
                    return failures(plans)
                            .map(failed -> Response.ok(pages.view(overview, "overview")
                                            .data(
                                                    "gatewaysOnline",
                                                    all.getItem1().get("total"))
                                            .data(
                                                    "gatewaysOffline",
                                                    all.getItem2().get("total"))
                                            .data("subDevices", subDevices(all.getItem3()))
                                            .data("suspended", all.getItem4().get("total"))
                                            .data("plans", plans)
                                            .data("failures", failed))
                                    .type(MediaType.TEXT_HTML_TYPE)
                                    .build());
                });
    }

    @SuppressWarnings("unchecked")
    private static long subDevices(Map<String, Object> products) {
        long n = 0;
        for (Object p : (List<Object>) products.getOrDefault("items", List.of())) {
            Map<String, Object> product = (Map<String, Object>) p;
            if ("SUB_DEVICE".equals(product.get("nodeType")) && product.get("deviceCount") instanceof Number c) {
                n += c.longValue();
            }
        }
        return n;
    }

    /** Each active plan with its statistics and the progress bar's shares. */
    @SuppressWarnings("unchecked")
    private Uni<List<Map<String, Object>>> withStats(Map<String, Object> page) {
        List<Object> items = (List<Object>) page.getOrDefault("items", List.of());
        if (items.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<Uni<Map<String, Object>>> reads = new ArrayList<>();
        for (Object item : items) {
            String id = String.valueOf(((Map<String, Object>) item).get("id"));
            reads.add(
                    pages.read(Service.PLAN, "/api/v1/plans" + Backend.path(id)).map(plan -> {
                        plan.put("live", PlanPages.Live.of(plan));
                        return plan;
                    }));
        }
        return Uni.join().all(reads).andFailFast();
    }

    private static java.util.function.Predicate<Map<String, Object>> firstOfEachDevice() {
        java.util.Set<String> seen = new java.util.HashSet<>();
        return t -> seen.add(t.get("planId") + "/" + t.get("productKey") + "/" + t.get("deviceKey"));
    }

    /** The latest failed or timed-out tasks of the active plans, newest first. */
    @SuppressWarnings("unchecked")
    private Uni<List<Map<String, Object>>> failures(List<Map<String, Object>> plans) {
        if (plans.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<Uni<List<Map<String, Object>>>> reads = new ArrayList<>();
        for (Map<String, Object> plan : plans) {
            for (String state : List.of("FAILED", "TIMED_OUT")) {
                String id = String.valueOf(plan.get("id"));
                reads.add(pages.read(
                                Service.PLAN,
                                "/api/v1/plans" + Backend.path(id, "tasks"),
                                Map.of("state", state, "sort", "-updatedAt", "size", String.valueOf(FAILURES)))
                        .map(tasks -> {
                            List<Map<String, Object>> rows = new ArrayList<>();
                            for (Object t : (List<Object>) tasks.getOrDefault("items", List.of())) {
                                Map<String, Object> task = new java.util.HashMap<>((Map<String, Object>) t);
                                task.put("planName", plan.get("name"));
                                task.put("timeZone", plan.get("timeZone"));
                                rows.add(task);
                            }
                            return rows;
                        }));
            }
        }
        return Uni.join()
                .all(reads)
                .andFailFast()
                .map(lists -> lists.stream()
                        .flatMap(List::stream)
                        .sorted(Comparator.comparing((Map<String, Object> t) -> String.valueOf(t.get("updatedAt")))
                                .reversed())
                        .limit(FAILURES)
                        .toList());
    }
}
