package org.otaplatform.devicegateway.rest;

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
import org.otaplatform.common.rest.QueryParams;
import org.otaplatform.common.security.Roles;
import org.otaplatform.devicegateway.session.SessionQueries;

@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.VIEWER})
public class GatewayResource {

    private final SessionQueries sessions;

    GatewayResource(SessionQueries sessions) {
        this.sessions = sessions;
    }

    @GET
    @Path("/gateways")
    public Uni<Page<GatewayView>> gateways(
            @QueryParam("online") String online, @QueryParam("page") String page, @QueryParam("size") String size) {
        return sessions.gateways(QueryParams.bool("online", online), PageRequest.of(page, size))
                .map(p -> p.map(GatewayView::of));
    }

    @GET
    @Path("/gateways/{gatewayId}")
    public Uni<GatewayView> gateway(@PathParam("gatewayId") String gatewayId) {
        return sessions.gateway(Ids.gatewayId("gatewayId", gatewayId)).map(GatewayView::of);
    }

    @GET
    @Path("/gateways/{gatewayId}/sub-devices")
    public Uni<Page<SubDeviceView>> subDevices(
            @PathParam("gatewayId") String gatewayId,
            @QueryParam("page") String page,
            @QueryParam("size") String size) {
        return sessions.subDevicesOf(Ids.gatewayId("gatewayId", gatewayId), PageRequest.of(page, size))
                .map(p -> p.map(SubDeviceView::of));
    }

    @GET
    @Path("/devices/{productKey}/{deviceKey}")
    public Uni<SubDeviceView> device(
            @PathParam("productKey") String productKey, @PathParam("deviceKey") String deviceKey) {
        return sessions.device(Ids.productKey("productKey", productKey), Ids.deviceKey("deviceKey", deviceKey))
                .map(SubDeviceView::of);
    }
}
