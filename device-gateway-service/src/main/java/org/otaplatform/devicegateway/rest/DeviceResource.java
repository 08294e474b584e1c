package org.otaplatform.devicegateway.rest;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.Map;
import org.otaplatform.common.paging.Page;
import org.otaplatform.common.paging.PageRequest;
import org.otaplatform.common.rest.Ids;
import org.otaplatform.common.rest.QueryParams;
import org.otaplatform.common.security.Roles;
import org.otaplatform.contract.Identifiers;
import org.otaplatform.devicegateway.registry.DeviceFilter;
import org.otaplatform.devicegateway.registry.RegisteredDevice;
import org.otaplatform.devicegateway.registry.RegistryService;

/**
 * Registered devices (registered through their product: {@link ProductResource}): administrators delete
 * them and rotate their secrets; operators and viewers read. A secret is in the answer of the call that
 * issues it, and never again.
 */
@Path("/api/v1/devices")
@Produces(MediaType.APPLICATION_JSON)
public class DeviceResource {

    private final RegistryService registry;

    DeviceResource(RegistryService registry) {
        this.registry = registry;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.VIEWER})
    @org.eclipse.microprofile.openapi.annotations.Operation(
            summary = "List devices",
            description = "By product, gateway, online state, version, key or name (q), and/or a filter of the"
                    + " filter language (filter=hardwareRevision==B;tag.site==hamburg; fields productKey, deviceKey,"
                    + " name, version, hardwareRevision, gatewayId, gatewayVersion, online, lastSeenAt, registeredAt,"
                    + " tag.<key>). A bad filter is a 422 naming its position and what was expected.")
    public Uni<Page<RegisteredDevice>> list(
            @QueryParam("productKey") String productKey,
            @QueryParam("gatewayId") String gatewayId,
            @QueryParam("online") String online,
            @QueryParam("version") String version,
            @QueryParam("q") String q,
            @QueryParam("filter") String filter,
            @QueryParam("page") String page,
            @QueryParam("size") String size) {
        DeviceFilter selected = new DeviceFilter(
                Ids.filter("productKey", productKey, Identifiers::isProductKey),
                Ids.filter("gatewayId", gatewayId, Identifiers::isGatewayId),
                QueryParams.bool("online", online),
                Ids.filter("version", version, Identifiers::isVersion),
                Ids.filter("q", q, v -> Identifiers.isPrintable(v, 128)),
                parsed(filter));
        return registry.devices(selected, PageRequest.of(page, size));
    }

    /** {@code ?filter=} in the REST API's filter language; a 422 naming the position and what was expected. */
    private static org.otaplatform.contract.filter.Filter parsed(String filter) {
        if (filter == null) {
            return null;
        }
        try {
            return org.otaplatform.contract.filter.FilterParser.parse(filter);
        } catch (org.otaplatform.contract.filter.FilterException e) {
            throw org.otaplatform.common.error.ApiException.invalid("filter", e.describe());
        }
    }

    @GET
    @Path("/{productKey}/{deviceKey}")
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.VIEWER})
    public Uni<RegisteredDevice> get(
            @PathParam("productKey") String productKey, @PathParam("deviceKey") String deviceKey) {
        return registry.device(Ids.productKey("productKey", productKey), Ids.deviceKey("deviceKey", deviceKey));
    }

    /**
     * Changes a device's attributes (REST API, "Fleet targeting"): {@code name}, {@code hardwareRevision} (as the
     * operator's; the last writer wins), {@code tags} (a tag set to null is removed). Admins only: a revision
     * decides which packages a device can receive.
     */
    @jakarta.ws.rs.PATCH
    @Path("/{productKey}/{deviceKey}")
    @org.eclipse.microprofile.openapi.annotations.Operation(
            summary = "Change a device's name, hardware revision or tags",
            description = "JSON merge patch: a field left out stays, null clears a name or revision, a tag set to null"
                    + " is removed. At most 32 tags, keys [a-z0-9_.-]{1,32}, values 1-128 printable characters. A"
                    + " revision set here is the operator's (the last writer wins). 422 naming every field at fault,"
                    + " 404 for a device not registered; audited (device.update).")
    @jakarta.ws.rs.Consumes({MediaType.APPLICATION_JSON, "application/merge-patch+json"})
    @RolesAllowed(Roles.ADMIN)
    public Uni<RegisteredDevice> patch(
            @PathParam("productKey") String productKey,
            @PathParam("deviceKey") String deviceKey,
            com.fasterxml.jackson.databind.JsonNode body,
            @Context SecurityContext security,
            @Context HttpServerRequest http) {
        return registry.patchDevice(
                Ids.productKey("productKey", productKey),
                Ids.deviceKey("deviceKey", deviceKey),
                body,
                Actors.of(security, http));
    }

    /** A hold's body: why. */
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
    public record HoldRequest(String reason) {}

    /**
     * Puts a device on hold: no plan touches it (nor, for a gateway, its sub-devices) until it is released.
     * Operators may (lab units, customer disputes); who and why are kept and audited.
     */
    @jakarta.ws.rs.PUT
    @Path("/{productKey}/{deviceKey}/hold")
    @org.eclipse.microprofile.openapi.annotations.Operation(
            summary = "Put a device on hold",
            description = "{reason}: no plan touches the device (nor a gateway's sub-devices) until it is released;"
                    + " who, why and when are kept and audited (device.hold).")
    @jakarta.ws.rs.Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR})
    public Uni<RegisteredDevice> hold(
            @PathParam("productKey") String productKey,
            @PathParam("deviceKey") String deviceKey,
            HoldRequest body,
            @Context SecurityContext security,
            @Context HttpServerRequest http) {
        if (body == null || body.reason() == null) {
            throw org.otaplatform.common.error.ApiException.invalid("reason", "is required: why the device is held");
        }
        return registry.hold(
                Ids.productKey("productKey", productKey),
                Ids.deviceKey("deviceKey", deviceKey),
                body.reason(),
                Actors.of(security, http));
    }

    /** Releases a device's hold. */
    @DELETE
    @Path("/{productKey}/{deviceKey}/hold")
    @org.eclipse.microprofile.openapi.annotations.Operation(
            summary = "Release a device's hold",
            description = "Audited (device.release).")
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR})
    public Uni<RegisteredDevice> release(
            @PathParam("productKey") String productKey,
            @PathParam("deviceKey") String deviceKey,
            @Context SecurityContext security,
            @Context HttpServerRequest http) {
        return registry.hold(
                Ids.productKey("productKey", productKey),
                Ids.deviceKey("deviceKey", deviceKey),
                null,
                Actors.of(security, http));
    }

    /** Deletes a device: a sub-device is unbound and its open tasks end CANCELLED (plan-service). */
    @DELETE
    @Path("/{productKey}/{deviceKey}")
    @RolesAllowed(Roles.ADMIN)
    public Uni<Response> delete(
            @PathParam("productKey") String productKey,
            @PathParam("deviceKey") String deviceKey,
            @Context SecurityContext security,
            @Context HttpServerRequest http) {
        return registry.deleteDevice(
                        Ids.productKey("productKey", productKey),
                        Ids.deviceKey("deviceKey", deviceKey),
                        Actors.of(security, http))
                .replaceWith(Response.noContent().build());
    }

    /** A new device secret, returned this once; proofs made with the old one no longer verify. */
    @POST
    @Path("/{productKey}/{deviceKey}/{rotate: secret(:|%3[Aa])rotate}")
    @RolesAllowed(Roles.ADMIN)
    public Uni<Response> rotateSecret(
            @PathParam("productKey") String productKey,
            @PathParam("deviceKey") String deviceKey,
            @Context SecurityContext security,
            @Context HttpServerRequest http) {
        String pk = Ids.productKey("productKey", productKey);
        String dk = Ids.deviceKey("deviceKey", deviceKey);
        return registry.rotateDeviceSecret(pk, dk, Actors.of(security, http))
                .map(secret -> Secrets.noStore(Response.ok())
                        .entity(Map.of("productKey", pk, "deviceKey", dk, "deviceSecret", secret))
                        .build());
    }
}
