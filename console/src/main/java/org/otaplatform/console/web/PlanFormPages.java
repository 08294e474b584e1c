package org.otaplatform.console.web;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.otaplatform.console.backend.Backend;
import org.otaplatform.console.backend.Reply;
import org.otaplatform.console.backend.Service;

/** Creating, editing and deleting a plan (administrators; a plan is edited only while it is a draft). */
@Path("/plans")
@Authenticated
@Produces(MediaType.TEXT_HTML)
public class PlanFormPages {

    /** A target larger than this share of the product's devices is called out, and creating asks first. */
    static final double LARGE_SHARE_PERCENT = 10.0;

    private final Pages pages;
    private final Template form;
    private final Template preview;

    PlanFormPages(
            Pages pages, @Location("plans/form.html") Template form, @Location("plans/preview.html") Template preview) {
        this.pages = pages;
        this.form = form;
        this.preview = preview;
    }

    /**
     * The live preview beside the form (htmx posts the form as it is edited): what the plan would touch, from
     * plan-service's {@code plans:preview}, or what keeps it from being previewed, field by field.
     */
    @POST
    @Path("/preview")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<String> preview(MultivaluedMap<String, String> params) {
        PlanForm posted = PlanForm.posted(params);
        var body = posted.body();
        if (posted.invalid()) {
            return Uni.createFrom()
                    .item(preview.data("problem", posted.summary()).render());
        }
        return pages.send(HttpMethod.POST, Service.PLAN, "/api/v1/plans:preview", body)
                .map(reply -> {
                    if (!reply.ok()) {
                        if (reply.status() != 422 && reply.status() != 409) {
                            return preview.data("problem", List.of(Map.entry("", reply.detail())))
                                    .render();
                        }
                        List<Map.Entry<String, String>> problems = new java.util.ArrayList<>();
                        reply.body()
                                .path("errors")
                                .forEach(e -> problems.add(Map.entry(
                                        e.path("field").asText(""),
                                        e.path("message").asText("is not valid"))));
                        if (problems.isEmpty()) {
                            problems.add(Map.entry("", reply.detail()));
                        }
                        return preview.data("problem", problems).render();
                    }
                    Map<String, Object> p = JSON.convertValue(reply.body(), MAP);
                    long targeted = ((Number) p.getOrDefault("targeted", 0)).longValue();
                    long product = ((Number) p.getOrDefault("productDevices", 0)).longValue();
                    double share = product == 0 ? 0 : targeted * 100.0 / product;
                    return preview.data("p", p)
                            .data("share", String.format(java.util.Locale.ROOT, "%.1f", share))
                            .data("large", share > LARGE_SHARE_PERCENT)
                            .render();
                });
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();
    private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>> MAP =
            new com.fasterxml.jackson.core.type.TypeReference<>() {};

    @GET
    @Path("/new")
    public Uni<Response> create(
            @QueryParam("productKey") String productKey, @QueryParam("firmwareId") String firmwareId) {
        requireAdmin();
        return show(PlanForm.blank(productKey, firmwareId), null, 200);
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> save(MultivaluedMap<String, String> params) {
        requireAdmin();
        PlanForm posted = PlanForm.posted(params);
        var body = posted.body();
        if (posted.invalid()) {
            return show(posted, null, 422);
        }
        return pages.send(HttpMethod.POST, Service.PLAN, "/api/v1/plans", body).flatMap(reply -> {
            if (reply.ok()) {
                return Uni.createFrom()
                        .item(Response.seeOther(URI.create("/plans/"
                                        + Backend.encode(reply.path("id").asText()) + "?done=created"))
                                .build());
            }
            return refused(posted, null, reply);
        });
    }

    @GET
    @Path("/{id}/edit")
    public Uni<Response> edit(@PathParam("id") String id) {
        requireAdmin();
        return pages.send(HttpMethod.GET, Service.PLAN, "/api/v1/plans" + Backend.path(id), null)
                .flatMap(reply -> {
                    if (!reply.ok()) {
                        throw PageProblem.of(reply);
                    }
                    if (!"DRAFT".equals(reply.path("status").asText())) {
                        throw new PageProblem(
                                409,
                                "only a draft plan can be edited; this one is "
                                        + reply.path("status").asText());
                    }
                    return show(PlanForm.of(reply.body()), id, 200);
                });
    }

    @POST
    @Path("/{id}/edit")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> update(@PathParam("id") String id, MultivaluedMap<String, String> params) {
        requireAdmin();
        PlanForm posted = PlanForm.posted(params);
        var body = posted.body();
        if (posted.invalid()) {
            return show(posted, id, 422);
        }
        return pages.send(HttpMethod.PUT, Service.PLAN, "/api/v1/plans" + Backend.path(id), body)
                .flatMap(reply -> reply.ok()
                        ? Uni.createFrom()
                                .item(Response.seeOther(URI.create("/plans/" + Backend.encode(id) + "?done=saved"))
                                        .build())
                        : refused(posted, id, reply));
    }

    @POST
    @Path("/{id}/delete")
    public Uni<Response> delete(@PathParam("id") String id) {
        requireAdmin();
        return pages.send(HttpMethod.DELETE, Service.PLAN, "/api/v1/plans" + Backend.path(id), null)
                .map(reply -> PlanPages.done(reply, "/plans?done=deleted"));
    }

    private Uni<Response> refused(PlanForm posted, String id, Reply reply) {
        if (reply.status() != 422 && reply.status() != 400 && reply.status() != 409) {
            throw PageProblem.of(reply);
        }
        posted.refused(reply.body());
        return show(posted, id, reply.status());
    }

    /** The form with the firmware of its product to choose from. */
    private Uni<Response> show(PlanForm plan, String id, int status) {
        String productKey = plan.values().get("productKey");
        Map<String, String> query = new LinkedHashMap<>();
        query.put("productKey", productKey.isEmpty() ? null : productKey);
        query.put("size", "100");
        return pages.read(Service.FIRMWARE, "/api/v1/firmware", validKey(productKey) ? query : Map.of("size", "100"))
                .map(firmware -> Response.status(status)
                        .type(MediaType.TEXT_HTML_TYPE)
                        .entity(pages.view(form, "plans")
                                .data("id", id)
                                .data("form", plan)
                                .data("firmware", firmware.getOrDefault("items", List.of()))
                                .data("modes", List.of("SILENT", "MANUAL"))
                                .data("zones", Zones.COMMON))
                        .build());
    }

    private static boolean validKey(String productKey) {
        return productKey != null && org.otaplatform.console.web.Keys.productKey(productKey);
    }

    private void requireAdmin() {
        pages.require(pages.operator().administers(), "creating and editing plans needs ota-admin");
    }
}
