package org.otaplatform.common.rest;

import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.otaplatform.common.error.ApiException;
import org.otaplatform.common.error.ErrorCode;
import org.otaplatform.common.messaging.DeadLetters;
import org.otaplatform.common.messaging.DeadLetters.DeadLetter;
import org.otaplatform.common.messaging.MqttSubscriptions;
import org.otaplatform.common.paging.Page;
import org.otaplatform.common.paging.PageRequest;
import org.otaplatform.common.security.Roles;

/**
 * Each service's dead letters (messages it could not process however often it tried): listed newest
 * first, and replayed one at a time through the subscription they came from once the cause is fixed.
 * Administrators only: a payload may name devices and tasks.
 */
@Path("/api/v1/dead-letters")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class DeadLetterResource {

    private final DeadLetters deadLetters;
    private final MqttSubscriptions subscriptions;
    private final org.otaplatform.common.audit.AuditLog audit;

    DeadLetterResource(
            DeadLetters deadLetters, MqttSubscriptions subscriptions, org.otaplatform.common.audit.AuditLog audit) {
        this.audit = audit;
        this.deadLetters = deadLetters;
        this.subscriptions = subscriptions;
    }

    @GET
    public Uni<Page<DeadLetter>> list(@QueryParam("page") String page, @QueryParam("size") String size) {
        return deadLetters.list(PageRequest.of(page, size));
    }

    @GET
    @Path("/{id}")
    public Uni<DeadLetter> get(@PathParam("id") String id) {
        UUID key = Ids.uuid("id", id);
        return deadLetters.find(key).map(found -> found.orElseThrow(() -> ApiException.notFound("dead letter", key)));
    }

    /**
     * Runs the message again, alone. 200 with the dead letter marked replayed when its work succeeded; 409
     * with the new reason when it failed again (the dead letter stays, its attempts counted).
     */
    @POST
    @Path("/{id}/replay")
    public Uni<DeadLetter> replay(@PathParam("id") String id) {
        UUID key = Ids.uuid("id", id);
        var caller = audit.caller();
        return deadLetters.find(key).flatMap(found -> {
            DeadLetter letter = found.orElseThrow(() -> ApiException.notFound("dead letter", key));
            if (letter.replayedAt() != null) {
                return Uni.createFrom()
                        .failure(new ApiException(
                                ErrorCode.CONFLICT,
                                "dead letter " + key + " was replayed already at " + letter.replayedAt()));
            }
            return deadLetters
                    .payload(key)
                    .flatMap(payload -> subscriptions.replay(letter.topic(), payload.orElseThrow()))
                    .onItemOrFailure()
                    .transformToUni((ok, failure) -> deadLetters
                            .replayed(key, failure, caller)
                            .flatMap(v -> failure == null
                                    ? deadLetters.find(key).map(java.util.Optional::orElseThrow)
                                    : Uni.createFrom()
                                            .failure(new ApiException(
                                                    ErrorCode.CONFLICT,
                                                    "the replay of " + key + " failed again: "
                                                            + failure.getMessage()))));
        });
    }
}
