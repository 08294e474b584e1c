package org.otaplatform.plan.rest;

import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.otaplatform.common.paging.Page;
import org.otaplatform.common.paging.PageRequest;
import org.otaplatform.common.rest.Ids;
import org.otaplatform.common.security.Roles;
import org.otaplatform.plan.task.TaskQueries;

/** A device's upgrade history: every task of it across plans, newest first. */
@Path("/api/v1/devices/{productKey}/{deviceKey}/history")
@Produces(MediaType.APPLICATION_JSON)
public class DeviceHistoryResource {

    private final TaskQueries tasks;

    DeviceHistoryResource(TaskQueries tasks) {
        this.tasks = tasks;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.VIEWER})
    public Uni<Page<TaskQueries.HistoryEntry>> history(
            @PathParam("productKey") String productKey,
            @PathParam("deviceKey") String deviceKey,
            @QueryParam("page") String page,
            @QueryParam("size") String size) {
        return tasks.history(
                Ids.productKey("productKey", productKey),
                Ids.deviceKey("deviceKey", deviceKey),
                PageRequest.of(page, size));
    }
}
