package org.otaplatform.plan.device;

import java.util.HexFormat;
import org.otaplatform.contract.version.SemanticVersion;
import org.otaplatform.contract.version.VersionScheme;

/**
 * Downgrade protection (gateway protocol, "Ordered versions"): under a {@code SEMVER} product a plan never sends
 * a package whose version ranks below the device's current one, unless the plan says {@code allowDowngrade}.
 * Such devices are counted ({@code downgradesRefused}), never pushed to, never failures. A version that is not
 * SemVer (the device's or the target's) cannot be ordered and is never refused as a downgrade.
 */
public final class Downgrades {

    private Downgrades() {}

    /**
     * The sort key a device's version must not rank above for this plan; null when nothing is refused (the plan
     * allows downgrades, or its target is not a SemVer version).
     */
    public static byte[] refusedAbove(boolean allowDowngrade, String target) {
        return allowDowngrade ? null : SemanticVersion.sortKeyOf(target);
    }

    /**
     * SQL: the device row {@code alias} (a {@code device_view}) runs a version above the key in parameter {@code
     * $param} (a bytea, null: nothing refused), and its product orders versions by SemVer.
     */
    public static String refusedSql(String alias, int param) {
        return "($" + param + "::bytea IS NOT NULL AND " + alias + ".version_key > $" + param + "::bytea"
                + " AND EXISTS (SELECT 1 FROM product_view pv WHERE pv.product_key = " + alias + ".product_key"
                + " AND pv.version_scheme = 'SEMVER'))";
    }

    /** The same rule for one device, its product's scheme known. */
    public static boolean refused(VersionScheme scheme, boolean allowDowngrade, String version, String target) {
        return !allowDowngrade
                && SemanticVersion.compare(scheme, version, target)
                        .map(c -> c > 0)
                        .orElse(false);
    }

    /**
     * A version's key as {@code device_view.version_key} holds it, in hex for an array parameter: the SemVer sort
     * key, empty when the version is not SemVer, null when there is no version.
     */
    public static String keyHex(String version) {
        if (version == null) {
            return null;
        }
        byte[] key = SemanticVersion.sortKeyOf(version);
        return key == null ? "" : HexFormat.of().formatHex(key);
    }
}
