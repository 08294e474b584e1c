package org.otaplatform.contract.version;

/**
 * How a product's firmware versions compare (gateway protocol, "Ordered versions"): {@code OPAQUE} only
 * for equality, {@code SEMVER} by Semantic Versioning 2.0.0 precedence, build metadata ignored.
 */
public enum VersionScheme {
    OPAQUE,
    SEMVER;

    /** The scheme of a product that names none (events and rows from before schemes existed). */
    public static VersionScheme orDefault(String name) {
        if (name == null) {
            return OPAQUE;
        }
        return switch (name) {
            case "SEMVER" -> SEMVER;
            default -> OPAQUE;
        };
    }
}
