package org.otaplatform.devicegateway.rest;

import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.SecurityContext;
import org.otaplatform.common.audit.AuditLog;

/** Who calls: the bearer token's subject and the client's address, for the audit log. */
final class Actors {

    private Actors() {}

    static AuditLog.Caller of(SecurityContext security, HttpServerRequest request) {
        String subject = security == null || security.getUserPrincipal() == null
                ? "anonymous"
                : security.getUserPrincipal().getName();
        String address = request == null || request.remoteAddress() == null
                ? "unknown"
                : request.remoteAddress().hostAddress();
        return new AuditLog.Caller(subject, address);
    }
}
