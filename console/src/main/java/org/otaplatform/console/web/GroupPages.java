package org.otaplatform.console.web;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.otaplatform.console.backend.Backend;
import org.otaplatform.console.backend.Service;

/**
 * Groups of devices (plan-service): listed with their counts, created from a filter (static or dynamic), and
 * deleted; a plan names them in its target. A refused group (a taken name, a bad filter) is shown beside its field.
 */
@Path("/groups")
@Authenticated
@Produces(MediaType.TEXT_HTML)
public class GroupPages {

    private final Pages pages;
    private final Template list;

    GroupPages(Pages pages, @Location("groups/list.html") Template list) {
        this.pages = pages;
        this.list = list;
    }

    @GET
    public Uni<TemplateInstance> groups(@QueryParam("productKey") String productKey) {
        return show(productKey, Map.of(), Map.of());
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> create(
            @FormParam("name") String name,
            @FormParam("productKey") String productKey,
            @FormParam("filter") String filter,
            @FormParam("kind") String kind) {
        pages.require(pages.operator().operates(), "creating groups needs ota-operator or ota-admin");
        Map<String, String> values = new LinkedHashMap<>();
        values.put("name", name == null ? "" : name.strip());
        values.put("productKey", productKey == null ? "" : productKey.strip());
        values.put("filter", filter == null ? "" : filter.strip());
        values.put("kind", kind == null ? "STATIC" : kind);
        return pages.send(HttpMethod.POST, Service.PLAN, "/api/v1/groups", values)
                .flatMap(reply -> {
                    if (reply.ok()) {
                        return Uni.createFrom()
                                .item(Response.seeOther(java.net.URI.create("/groups?done=group-created"))
                                        .build());
                    }
                    if (reply.status() != 422) {
                        throw PageProblem.of(reply);
                    }
                    Map<String, String> errors = new LinkedHashMap<>();
                    reply.body()
                            .path("errors")
                            .forEach(e -> errors.merge(
                                    e.path("field").asText(""),
                                    e.path("message").asText("is not valid"),
                                    (a, b) -> a + "; " + b));
                    return show(values.get("productKey"), values, errors)
                            .map(page -> Response.status(422).entity(page).build());
                });
    }

    @POST
    @Path("/{name}/delete")
    public Uni<Response> delete(@PathParam("name") String name) {
        pages.require(pages.operator().operates(), "deleting groups needs ota-operator or ota-admin");
        return pages.send(HttpMethod.DELETE, Service.PLAN, "/api/v1/groups" + Backend.path(name), null)
                .map(reply -> PlanPages.done(reply, "/groups?done=group-deleted"));
    }

    private Uni<TemplateInstance> show(String productKey, Map<String, String> values, Map<String, String> errors) {
        String path = productKey == null || productKey.isBlank() || !Keys.productKey(productKey)
                ? "/api/v1/groups"
                : "/api/v1/groups?productKey=" + Backend.encode(productKey);
        return pages.readList(Service.PLAN, path)
                .map(groups -> pages.view(list, "groups")
                        .data("groups", groups)
                        .data("values", values)
                        .data("errors", errors)
                        .data("kinds", List.of("STATIC", "DYNAMIC")));
    }
}
