package org.otaplatform.firmware.signing;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import org.jboss.logging.Logger;
import org.otaplatform.common.audit.AuditLog;
import org.otaplatform.common.reactive.SafeContext;

/**
 * A key rotation is a change of configuration (the environment names the active key), made where no
 * request passes: the first start under a new active key records it in the audit log, with the key
 * before it.
 */
@ApplicationScoped
class KeyActivationAudit {

    private static final Logger LOG = Logger.getLogger(KeyActivationAudit.class);

    void onStart(@Observes StartupEvent start, Vertx vertx, KeyRing keys, AuditLog audit) {
        SafeContext.run(
                vertx,
                () -> Panache.withTransaction(() -> audit.recordIfChanged(
                        AuditLog.Caller.SYSTEM,
                        "signing.key.activate",
                        "signing-key",
                        Map.of(
                                "activeKeyId",
                                keys.activeKeyId(),
                                "published",
                                keys.published().stream()
                                        .map(KeyRing.PublishedKey::keyId)
                                        .sorted()
                                        .toList()))),
                ok -> {},
                failure -> LOG.warnf("the signing key's activation could not be audited: %s", failure.getMessage()));
    }
}
