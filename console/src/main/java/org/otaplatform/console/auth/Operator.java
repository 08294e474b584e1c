package org.otaplatform.console.auth;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The person using the console in this request: who, with which roles, and the bearer token the console
 * passes to the services on their behalf (the services decide what it may do; the console only shapes
 * what it shows after the same roles).
 */
@RequestScoped
@jakarta.inject.Named("operator")
public class Operator {

    public static final String ADMIN = "ota-admin";
    public static final String OPERATOR = "ota-operator";
    public static final String VIEWER = "ota-viewer";
    public static final String APP = "ota-app";

    private final SecurityIdentity identity;

    Operator(SecurityIdentity identity) {
        this.identity = identity;
    }

    public boolean signedIn() {
        return !identity.isAnonymous() && token().isPresent();
    }

    public String name() {
        return identity.isAnonymous() ? "" : identity.getPrincipal().getName();
    }

    public Set<String> roles() {
        return identity.getRoles();
    }

    /** The roles, for people: "ota-viewer" or "ota-admin, ota-operator". */
    public String roleList() {
        return String.join(", ", new java.util.TreeSet<>(identity.getRoles()));
    }

    /** The bearer token for the services: the OIDC session's access token, or the console session's. */
    public Optional<String> token() {
        AccessTokenCredential oidc = identity.getCredential(AccessTokenCredential.class);
        if (oidc != null) {
            return Optional.of(oidc.getToken());
        }
        return identity.getPrincipal() instanceof JsonWebToken jwt
                ? Optional.ofNullable(jwt.getRawToken())
                : Optional.empty();
    }

    private boolean any(String... roles) {
        for (String role : roles) {
            if (identity.hasRole(role)) {
                return true;
            }
        }
        return false;
    }

    /** Reads plans, firmware, devices and gateways (the manual-upgrade role reads offers only). */
    public boolean reads() {
        return any(ADMIN, OPERATOR, VIEWER);
    }

    /** Uploads, verifies and deletes firmware, creates, edits and deletes plans, writes the registry. */
    public boolean administers() {
        return any(ADMIN);
    }

    /** Runs plans (activate, suspend, resume, terminate, retries), binds sub-devices. */
    public boolean operates() {
        return any(ADMIN, OPERATOR);
    }

    /** Confirms and rejects manual upgrades for end users. */
    public boolean answersOffers() {
        return any(ADMIN, APP);
    }

    /** Sees a device's offers. */
    public boolean seesOffers() {
        return any(ADMIN, OPERATOR, VIEWER, APP);
    }
}
