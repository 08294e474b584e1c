package org.otaplatform.plan.webhook;

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
import java.util.Set;
import org.otaplatform.common.audit.AuditLog;
import org.otaplatform.common.error.ApiException;
import org.otaplatform.common.paging.Page;
import org.otaplatform.common.paging.PageRequest;
import org.otaplatform.common.rest.Ids;
import org.otaplatform.common.security.Roles;

/**
 * Webhook subscriptions (administrators) and their deliveries with every attempt (administrators and
 * operators, who may also send one again). See docs/webhooks.md.
 */
@Path("/api/v1/webhooks")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ADMIN, Roles.OPERATOR})
public class WebhookResource {

    private static final Set<String> STATES = Set.of("PENDING", "DELIVERED", "FAILED");

    private final Webhooks webhooks;
    private final AuditLog audit;

    WebhookResource(Webhooks webhooks, AuditLog audit) {
        this.webhooks = webhooks;
        this.audit = audit;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    public Uni<Response> subscribe(Webhooks.SubscriptionRequest request) {
        return webhooks.subscribe(request, audit.caller())
                .map(s -> Response.created(URI.create("/api/v1/webhooks/" + s.id()))
                        .entity(s)
                        .build());
    }

    // the subscriptions' URLs often carry the receivers' tokens: admins only (issue #35)
    @GET
    @RolesAllowed(Roles.ADMIN)
    public Uni<List<Webhooks.Subscription>> list() {
        return webhooks.subscriptions();
    }

    @GET
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    public Uni<Webhooks.Subscription> get(@PathParam("id") String id) {
        return webhooks.subscription(Ids.uuid("id", id));
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    public Uni<Response> delete(@PathParam("id") String id) {
        return webhooks.unsubscribe(Ids.uuid("id", id), audit.caller())
                .map(s -> Response.noContent().build());
    }

    @GET
    @Path("/{id}/deliveries")
    public Uni<Page<Webhooks.Delivery>> deliveries(
            @PathParam("id") String id,
            @QueryParam("state") String state,
            @QueryParam("page") String page,
            @QueryParam("size") String size) {
        if (state != null && !STATES.contains(state)) {
            throw ApiException.invalid("state", "must be one of PENDING, DELIVERED, FAILED");
        }
        return webhooks.deliveries(Ids.uuid("id", id), state, PageRequest.of(page, size));
    }

    /** Sends a delivery again now (202): PENDING, with its backoff and 24 hours anew. */
    @POST
    @Path("/{id}/deliveries/{deliveryId}/redeliver")
    @Consumes(MediaType.WILDCARD)
    public Uni<Response> redeliver(@PathParam("id") String id, @PathParam("deliveryId") String deliveryId) {
        return webhooks.redeliver(Ids.uuid("id", id), Ids.uuid("deliveryId", deliveryId), audit.caller())
                .map(d -> Response.accepted(d).build());
    }
}
