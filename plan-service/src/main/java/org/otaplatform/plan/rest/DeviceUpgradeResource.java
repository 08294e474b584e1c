package org.otaplatform.plan.rest;

import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.otaplatform.common.rest.Ids;
import org.otaplatform.common.security.Roles;
import org.otaplatform.plan.task.ManualUpgrades;

/** Manual upgrades, for applications acting for end users. */
@Path("/api/v1/devices/{productKey}/{deviceKey}/upgrade")
@Produces(MediaType.APPLICATION_JSON)
public class DeviceUpgradeResource {

    private final ManualUpgrades manual;

    DeviceUpgradeResource(ManualUpgrades manual) {
        this.manual = manual;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.VIEWER, Roles.APP})
    public Uni<List<ManualUpgrades.Offer>> offers(
            @PathParam("productKey") String productKey, @PathParam("deviceKey") String deviceKey) {
        return manual.offers(Ids.productKey("productKey", productKey), Ids.deviceKey("deviceKey", deviceKey));
    }

    @POST
    @Path("/confirm")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.APP})
    public Uni<Response> confirm(
            @PathParam("productKey") String productKey,
            @PathParam("deviceKey") String deviceKey,
            ManualUpgrades.Answer answer) {
        return manual.confirm(Ids.productKey("productKey", productKey), Ids.deviceKey("deviceKey", deviceKey), answer)
                .replaceWith(Response.noContent().build());
    }

    @POST
    @Path("/reject")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.APP})
    public Uni<Response> reject(
            @PathParam("productKey") String productKey,
            @PathParam("deviceKey") String deviceKey,
            ManualUpgrades.Answer answer) {
        return manual.reject(Ids.productKey("productKey", productKey), Ids.deviceKey("deviceKey", deviceKey), answer)
                .replaceWith(Response.noContent().build());
    }
}
