package org.otaplatform.contract.filter;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A field a filter may name: one of the spec's fields, or {@code tag.<key>} with a tag key as the registry allows
 * it ({@code [a-z0-9_.-]{1,32}}).
 *
 * @param name the field as written ({@code tag.site} for a tag)
 * @param type what its values are
 * @param tagKey the tag's key, for a tag field only
 */
public record FilterField(String name, Type type, String tagKey) {

    /** What a field's values are, which decides the operators it takes and how values are read. */
    public enum Type {
        /** Strings; {@code ==}/{@code !=} take {@code *} as a wildcard; not ordered. */
        TEXT,
        /** Firmware versions: strings, ordered by SemVer precedence under a {@code SEMVER} product. */
        VERSION,
        /** {@code true} or {@code false}. */
        BOOLEAN,
        /** ISO-8601 instants ({@code 2026-12-01T00:00:00Z}), ordered. */
        INSTANT,
        /** A tag's value: text, not ordered. */
        TAG
    }

    /** A tag key, as the registry allows it. */
    public static final Pattern TAG_KEY = Pattern.compile("[a-z0-9_.-]{1,32}");

    private static final Map<String, Type> FIELDS = Map.ofEntries(
            Map.entry("productKey", Type.TEXT),
            Map.entry("deviceKey", Type.TEXT),
            Map.entry("name", Type.TEXT),
            Map.entry("version", Type.VERSION),
            Map.entry("hardwareRevision", Type.TEXT),
            Map.entry("gatewayId", Type.TEXT),
            Map.entry("gatewayVersion", Type.VERSION),
            Map.entry("online", Type.BOOLEAN),
            Map.entry("lastSeenAt", Type.INSTANT),
            Map.entry("registeredAt", Type.INSTANT));

    /** The field of that name, if the language has one. */
    public static Optional<FilterField> named(String name) {
        if (name.startsWith("tag.")) {
            String key = name.substring(4);
            return TAG_KEY.matcher(key).matches()
                    ? Optional.of(new FilterField(name, Type.TAG, key))
                    : Optional.empty();
        }
        Type type = FIELDS.get(name);
        return type == null ? Optional.empty() : Optional.of(new FilterField(name, type, null));
    }

    /** The fields, for error messages and documentation. */
    public static String known() {
        return "productKey, deviceKey, name, version, hardwareRevision, gatewayId, gatewayVersion, online,"
                + " lastSeenAt, registeredAt, tag.<key>";
    }
}
