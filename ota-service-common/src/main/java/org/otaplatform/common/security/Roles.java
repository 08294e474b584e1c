package org.otaplatform.common.security;

/**
 * The roles a REST caller's bearer token can carry (its {@code groups} claim). Every endpoint names
 * the roles it admits; one without an annotation is refused ({@code deny-unannotated-endpoints}).
 *
 * <ul>
 *   <li>{@link #ADMIN}: firmware and plans, and everything the other roles may do.
 *   <li>{@link #OPERATOR}: plan actions (activate, suspend, resume, terminate), retries, verification
 *       runs, and reading.
 *   <li>{@link #VIEWER}: reading only.
 *   <li>{@link #APP}: the manual-upgrade endpoints only (an application acting for its end users).
 * </ul>
 *
 * Gateways never use these: their downloads are authorised by the signed link itself.
 */
public final class Roles {

    public static final String ADMIN = "ota-admin";
    public static final String OPERATOR = "ota-operator";
    public static final String VIEWER = "ota-viewer";
    public static final String APP = "ota-app";

    private Roles() {}
}
