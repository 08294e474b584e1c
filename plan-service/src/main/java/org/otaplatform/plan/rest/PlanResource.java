package org.otaplatform.plan.rest;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.otaplatform.common.paging.Page;
import org.otaplatform.common.paging.PageRequest;
import org.otaplatform.common.rest.Ids;
import org.otaplatform.common.rest.QueryParams;
import org.otaplatform.plan.plan.PlanQueries;
import org.otaplatform.plan.plan.PlanStatus;

@Path("/api/v1/plans")
@Produces(MediaType.APPLICATION_JSON)
public class PlanResource {

    private final PlanQueries plans;

    PlanResource(PlanQueries plans) {
        this.plans = plans;
    }

    @GET
    public Uni<Page<PlanView>> list(
            @QueryParam("status") String status,
            @QueryParam("productKey") String productKey,
            @QueryParam("page") String page,
            @QueryParam("size") String size) {
        return plans.list(
                        QueryParams.enumValue("status", status, PlanStatus.class),
                        productKey,
                        PageRequest.of(page, size))
                .map(p -> p.map(PlanView::of));
    }

    @GET
    @Path("/{id}")
    public Uni<PlanView> get(@PathParam("id") String id) {
        return plans.get(Ids.uuid("id", id)).map(PlanView::of);
    }
}
