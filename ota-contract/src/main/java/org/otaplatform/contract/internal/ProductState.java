package org.otaplatform.contract.internal;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Type {@value #TYPE} on {@code ota/internal/v1/device/events} (since 2026-12-06): what other services need
 * to know of a registry product, after a change or when device-gateway-service starts. {@code nodeType}
 * {@code GATEWAY} or {@code SUB_DEVICE}; {@code versionScheme} {@code OPAQUE} or {@code SEMVER}; {@code
 * deleted} true once the product is gone. Keep the highest {@code seq} per product.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ProductState(String productKey, String nodeType, String versionScheme, boolean deleted, long seq) {

    public static final String TYPE = "product.state";

    public boolean isGatewayProduct() {
        return "GATEWAY".equals(nodeType);
    }
}
