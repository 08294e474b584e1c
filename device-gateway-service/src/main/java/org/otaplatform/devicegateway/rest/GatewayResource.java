package org.otaplatform.devicegateway.rest;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import org.otaplatform.common.error.ApiException;
import org.otaplatform.common.paging.Page;
import org.otaplatform.common.paging.PageRequest;
import org.otaplatform.common.rest.Ids;
import org.otaplatform.common.rest.QueryParams;
import org.otaplatform.common.security.Roles;
import org.otaplatform.devicegateway.registry.DeviceFilter;
import org.otaplatform.devicegateway.registry.RegisteredDevice;
import org.otaplatform.devicegateway.registry.RegistryService;
import org.otaplatform.devicegateway.session.SessionQueries;

/** Gateway sessions and their sub-devices; operators bind and unbind sub-devices. */
@Path("/api/v1/gateways")
@Produces(MediaType.APPLICATION_JSON)
public class GatewayResource {

    private final SessionQueries sessions;
    private final RegistryService registry;

    GatewayResource(SessionQueries sessions, RegistryService registry) {
        this.sessions = sessions;
        this.registry = registry;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.VIEWER})
    public Uni<Page<GatewayView>> gateways(
            @QueryParam("online") String online, @QueryParam("page") String page, @QueryParam("size") String size) {
        return sessions.gateways(QueryParams.bool("online", online), PageRequest.of(page, size))
                .map(p -> p.map(GatewayView::of));
    }

    @GET
    @Path("/{gatewayId}")
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.VIEWER})
    public Uni<GatewayView> gateway(@PathParam("gatewayId") String gatewayId) {
        return sessions.gateway(Ids.gatewayId("gatewayId", gatewayId)).map(GatewayView::of);
    }

    /** The gateway's current topology: the sub-devices bound to it that it lists now. */
    @GET
    @Path("/{gatewayId}/sub-devices")
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.VIEWER})
    public Uni<Page<RegisteredDevice>> subDevices(
            @PathParam("gatewayId") String gatewayId,
            @QueryParam("page") String page,
            @QueryParam("size") String size) {
        String id = Ids.gatewayId("gatewayId", gatewayId);
        PageRequest request = PageRequest.of(page, size);
        return sessions.exists(id).flatMap(exists -> {
            if (!exists) {
                throw ApiException.notFound("gateway", id);
            }
            return registry.devices(DeviceFilter.topologyOf(id), request);
        });
    }

    /**
     * Binds a registered sub-device to the gateway, moving it from any other; the gateway may then list it
     * without a proof. Idempotent: binding it where it is bound changes nothing.
     */
    @PUT
    @Path("/{gatewayId}/sub-devices/{productKey}/{deviceKey}")
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR})
    public Uni<RegisteredDevice> bind(
            @PathParam("gatewayId") String gatewayId,
            @PathParam("productKey") String productKey,
            @PathParam("deviceKey") String deviceKey,
            @Context SecurityContext security,
            @Context HttpServerRequest http) {
        return registry.bind(
                Ids.gatewayId("gatewayId", gatewayId),
                Ids.productKey("productKey", productKey),
                Ids.deviceKey("deviceKey", deviceKey),
                Actors.of(security, http));
    }

    /** Unbinds a sub-device from the gateway; its open tasks end CANCELLED (plan-service). */
    @DELETE
    @Path("/{gatewayId}/sub-devices/{productKey}/{deviceKey}")
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR})
    public Uni<Response> unbind(
            @PathParam("gatewayId") String gatewayId,
            @PathParam("productKey") String productKey,
            @PathParam("deviceKey") String deviceKey,
            @Context SecurityContext security,
            @Context HttpServerRequest http) {
        return registry.unbind(
                        Ids.gatewayId("gatewayId", gatewayId),
                        Ids.productKey("productKey", productKey),
                        Ids.deviceKey("deviceKey", deviceKey),
                        Actors.of(security, http))
                .replaceWith(Response.noContent().build());
    }
}
