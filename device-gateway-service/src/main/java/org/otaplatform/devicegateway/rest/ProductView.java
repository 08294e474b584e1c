package org.otaplatform.devicegateway.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import org.otaplatform.contract.version.VersionScheme;
import org.otaplatform.devicegateway.registry.BindPolicy;
import org.otaplatform.devicegateway.registry.NodeType;
import org.otaplatform.devicegateway.registry.Product;

/** A product as the REST API shows it; {@code productSecret} only in the answer of the call that issued it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProductView(
        String productKey,
        String name,
        NodeType nodeType,
        BindPolicy bindPolicy,
        boolean dynamicRegistration,
        long deviceCount,
        Instant createdAt,
        Instant updatedAt,
        String productSecret,
        VersionScheme versionScheme) {

    static ProductView of(Product p, String secret) {
        return new ProductView(
                p.productKey(),
                p.name(),
                p.nodeType(),
                p.bindPolicy(),
                p.dynamicRegistration(),
                p.deviceCount(),
                p.createdAt(),
                p.updatedAt(),
                secret,
                p.versionScheme());
    }

    static ProductView of(Product p) {
        return of(p, null);
    }
}
