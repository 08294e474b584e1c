package org.otaplatform.devicegateway.registry;

/**
 * How an unbound, registered sub-device of a product becomes bound by a gateway's claim: only with a valid
 * proof ({@link #SIGNED}), or also by the first gateway that claims it ({@link #FIRST_CLAIM}). An operator
 * binds under either.
 */
public enum BindPolicy {
    SIGNED,
    FIRST_CLAIM
}
