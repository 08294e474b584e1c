package org.otaplatform.plan.plan;

import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.otaplatform.common.paging.Page;
import org.otaplatform.common.paging.PageRequest;
import org.otaplatform.common.security.Roles;

/** Groups of devices (REST API, "Fleet targeting"): static or dynamic, with their counts and members. */
@Path("/api/v1/groups")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.VIEWER})
public class GroupResource {

    private final Groups groups;

    GroupResource(Groups groups) {
        this.groups = groups;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR})
    @Operation(
            summary = "Create a group",
            description = "A STATIC group is the devices of the product that match the filter now (its members can"
                    + " be changed by key later); a DYNAMIC group is the filter, evaluated at each use. 422 names the"
                    + " field at fault (a taken name, a bad filter with its position, an unknown product).")
    public Uni<Response> create(Groups.GroupRequest request) {
        return groups.create(request)
                .map(g -> Response.created(URI.create("/api/v1/groups/" + g.name()))
                        .entity(g)
                        .build());
    }

    @GET
    @Operation(summary = "List groups", description = "By name, of one product or all, each with its count now.")
    public Uni<List<Groups.GroupView>> list(@QueryParam("productKey") String productKey) {
        return groups.list(productKey);
    }

    @GET
    @Path("/{name}")
    @Operation(summary = "A group with its current count")
    public Uni<Groups.GroupView> get(@PathParam("name") String name) {
        return groups.get(name);
    }

    @GET
    @Path("/{name}/devices")
    @Operation(summary = "A group's devices now", description = "By device key, a page at a time.")
    public Uni<Page<Groups.Member>> devices(
            @PathParam("name") String name, @QueryParam("page") String page, @QueryParam("size") String size) {
        return groups.devices(name, PageRequest.of(page, size));
    }

    @POST
    @Path("/{name}/members")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR})
    @Operation(
            summary = "Add and remove a static group's members by key",
            description = "{add: [deviceKey], remove: [deviceKey]}, at most 10,000 keys each; 409 for a DYNAMIC group.")
    public Uni<Groups.MembersResult> members(@PathParam("name") String name, Groups.MembersRequest request) {
        return groups.changeMembers(name, request);
    }

    @DELETE
    @Path("/{name}")
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR})
    @Operation(summary = "Delete a group", description = "409 while a plan that is not finished names it.")
    public Uni<Response> delete(@PathParam("name") String name) {
        return groups.delete(name).map(v -> Response.noContent().build());
    }
}
