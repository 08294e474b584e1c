package org.otaplatform.devicegateway.registry;

import java.time.Instant;
import org.otaplatform.contract.version.VersionScheme;

/** A product as the registry holds it (never with its secret). */
public record Product(
        String productKey,
        String name,
        NodeType nodeType,
        BindPolicy bindPolicy,
        boolean dynamicRegistration,
        Instant createdAt,
        Instant updatedAt,
        long deviceCount,
        VersionScheme versionScheme) {}
