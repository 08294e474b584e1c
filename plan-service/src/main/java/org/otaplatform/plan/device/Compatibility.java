package org.otaplatform.plan.device;

/**
 * Package compatibility (REST API, "Firmware compatibility"; gateway protocol, "Hardware revision"): a plan whose
 * packages name hardware revisions never sends them to a device whose known revision is not among them, nor to a
 * device of unknown revision unless the packages say {@code unknownHardware: ALLOW}. Such devices are counted
 * ({@code incompatible}), never pushed to, never failures. The revision is the registry's, as
 * device-gateway-service announces it ({@code device_attributes_view}).
 */
public final class Compatibility {

    private Compatibility() {}

    /**
     * SQL: the device row {@code alias} (a {@code device_view}) does not fit packages that support the revisions in
     * parameter {@code $revisions} (a text[]; null: any hardware), {@code $allowUnknown} (boolean) deciding for a
     * device of unknown revision.
     */
    public static String incompatibleSql(String alias, int revisions, int allowUnknown) {
        return "($" + revisions + "::text[] IS NOT NULL AND NOT coalesce((SELECT a.hardware_revision = ANY($"
                + revisions
                + "::text[]) FROM device_attributes_view a WHERE a.product_key = " + alias + ".product_key"
                + " AND a.device_key = " + alias + ".device_key), $" + allowUnknown + "::boolean))";
    }

    /** The same rule for one device, its revision known or null. */
    public static boolean fits(String[] revisions, boolean allowUnknown, String revision) {
        if (revisions == null) {
            return true;
        }
        return revision == null
                ? allowUnknown
                : java.util.Arrays.asList(revisions).contains(revision);
    }
}
