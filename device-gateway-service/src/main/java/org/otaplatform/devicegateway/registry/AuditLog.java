package org.otaplatform.devicegateway.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Every write to the registry, with who made it (the token's subject), from where, what it was and what it
 * is now, as one line in the {@code ota.audit} log category. Never a secret: products and devices are
 * recorded as the API shows them, and a rotation only as the fact that it happened.
 */
@ApplicationScoped
public class AuditLog {

    private static final Logger LOG = Logger.getLogger("ota.audit");

    /** Who acts: the token's subject and the client's address. */
    public record Actor(String subject, String address) {}

    private final ObjectMapper json;

    AuditLog(ObjectMapper json) {
        this.json = json;
    }

    public void record(Actor actor, String action, String target, Object before, Object after) {
        LOG.infof(
                "%s %s by %s from %s before=%s after=%s",
                action, target, actor.subject(), actor.address(), text(before), text(after));
    }

    private String text(Object value) {
        if (value == null) {
            return "-";
        }
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return value.getClass().getSimpleName();
        }
    }
}
