package org.otaplatform.firmware.rest;

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
import org.otaplatform.firmware.catalog.FirmwareService;

@Path("/api/v1/firmware")
@Produces(MediaType.APPLICATION_JSON)
public class FirmwareResource {

    private final FirmwareService firmware;

    FirmwareResource(FirmwareService firmware) {
        this.firmware = firmware;
    }

    @GET
    public Uni<Page<FirmwareView>> list(
            @QueryParam("productKey") String productKey,
            @QueryParam("version") String version,
            @QueryParam("page") String page,
            @QueryParam("size") String size) {
        return firmware.list(productKey, version, PageRequest.of(page, size)).map(p -> p.map(FirmwareView::of));
    }

    @GET
    @Path("/{id}")
    public Uni<FirmwareView> get(@PathParam("id") String id) {
        return firmware.get(Ids.uuid("id", id)).map(FirmwareView::of);
    }
}
