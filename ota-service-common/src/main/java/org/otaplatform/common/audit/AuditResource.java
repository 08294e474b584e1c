package org.otaplatform.common.audit;

import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.otaplatform.common.error.ApiException;
import org.otaplatform.common.paging.Page;
import org.otaplatform.common.paging.PageRequest;
import org.otaplatform.common.security.Roles;

/** Each service's audit log, newest first, and the check of its hash chain. */
@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ADMIN, Roles.VIEWER})
public class AuditResource {

    private final AuditLog audit;

    AuditResource(AuditLog audit) {
        this.audit = audit;
    }

    /**
     * {@code actor}: a token subject ({@code system}, {@code gateway:<id>}); {@code resource}: e.g. {@code
     * plan/<id>}, or {@code plan} for every plan; {@code since}: an ISO-8601 instant.
     */
    @GET
    public Uni<Page<AuditLog.Entry>> list(
            @QueryParam("actor") String actor,
            @QueryParam("resource") String resource,
            @QueryParam("since") String since,
            @QueryParam("page") String page,
            @QueryParam("size") String size) {
        if (actor != null && actor.length() > 200) {
            throw ApiException.invalid("actor", "must be at most 200 characters");
        }
        if (resource != null && resource.length() > 300) {
            throw ApiException.invalid("resource", "must be at most 300 characters");
        }
        Instant from = null;
        if (since != null && !since.isBlank()) {
            try {
                from = Instant.parse(since);
            } catch (DateTimeParseException e) {
                throw ApiException.invalid("since", "must be an ISO-8601 instant such as 2026-12-01T00:00:00Z");
            }
        }
        return audit.list(actor, resource, from, PageRequest.of(page, size));
    }

    /** Walks the chain: 200 with {@code valid} true, or false and the first entry that does not hold. */
    @GET
    @Path("/verify")
    public Uni<AuditLog.Verification> verify() {
        return audit.verify();
    }
}
