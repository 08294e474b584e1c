package org.otaplatform.devicegateway.registry;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Every write to the registry, with who made it (the token's subject, or {@code gateway:<id>} for what a
 * gateway's message changed), from where, what it was and what it is now: an entry of the service's audit
 * log (ota-service-common's, a hash chain in this service's database), appended in the transaction of the
 * change. Never a secret: products and devices are recorded as the API shows them, and a rotation only as
 * the fact that it happened.
 */
@ApplicationScoped
public class AuditLog {

    /** Who acts: the token's subject (or {@code gateway:<id>}) and the client's address. */
    public record Actor(String subject, String address) {

        public static Actor gateway(String gatewayId) {
            return new Actor("gateway:" + gatewayId, null);
        }

        org.otaplatform.common.audit.AuditLog.Caller caller() {
            return new org.otaplatform.common.audit.AuditLog.Caller(subject, address);
        }
    }

    private final org.otaplatform.common.audit.AuditLog log;

    AuditLog(org.otaplatform.common.audit.AuditLog log) {
        this.log = log;
    }

    /** Appends the entry in the caller's Panache transaction. */
    public Uni<Void> record(Actor actor, String action, String target, Object before, Object after) {
        return log.record(actor.caller(), action, target, before, after);
    }

    /** Appends the entry in the reactive client's transaction on {@code connection}. */
    public Uni<Void> record(
            SqlConnection connection, Actor actor, String action, String target, Object before, Object after) {
        return log.record(connection, actor.caller(), action, target, before, after);
    }
}
