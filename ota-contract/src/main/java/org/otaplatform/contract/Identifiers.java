package org.otaplatform.contract;

import java.util.regex.Pattern;

/** The identifier rules of gateway protocol v1, in one place. */
public final class Identifiers {

    /** Largest payload the protocol allows, in bytes. */
    public static final int MAX_PAYLOAD_BYTES = 64 * 1024;

    /**
     * The spec's characters, but for {@code .} and {@code ..} (issue #35): as a path segment of a URL or a topic
     * level they name another place (a client or proxy normalises {@code /gateways/..} away), so no id or key
     * may be one.
     */
    public static final Pattern GATEWAY_ID = Pattern.compile("(?!\\.{1,2}$)[A-Za-z0-9._-]{1,64}");

    public static final Pattern PRODUCT_KEY = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** The spec's characters, but for {@code .} and {@code ..}, as {@link #GATEWAY_ID}. */
    public static final Pattern DEVICE_KEY = Pattern.compile("(?!\\.{1,2}$)[A-Za-z0-9._:-]{1,128}");
    /** A device's hardware revision (v1 addition, 2026-12-06). */
    public static final Pattern HARDWARE_REVISION = Pattern.compile("[A-Za-z0-9._-]{1,32}");
    /** Task, plan and firmware ids the platform issues; opaque to gateways. */
    public static final Pattern ENTITY_ID = Pattern.compile("(?!\\.{1,2}$)[A-Za-z0-9._:-]{1,64}");

    public static final int MAX_VERSION_LENGTH = 64;
    public static final int MAX_MSG_ID_LENGTH = 64;
    public static final int MAX_TEXT_LENGTH = 1024;
    public static final int MAX_NOTES_LENGTH = 4096;

    private Identifiers() {}

    // The checks below say what the patterns above say, a character at a time: every uplink message is
    // checked against them, and a regex matcher cost a sixth of device-gateway-service's CPU in a campaign.
    // IdentifiersTest holds them to the patterns.

    public static boolean isGatewayId(String value) {
        return matches(value, 64, ".-_", false) && !dots(value);
    }

    public static boolean isProductKey(String value) {
        return matches(value, 64, "-_", false);
    }

    public static boolean isDeviceKey(String value) {
        return matches(value, 128, ".-_", true) && !dots(value);
    }

    public static boolean isHardwareRevision(String value) {
        return matches(value, 32, ".-_", false);
    }

    public static boolean isEntityId(String value) {
        return matches(value, 64, ".-_", true) && !dots(value);
    }

    /** {@code .} or {@code ..}: a path segment that names another place. */
    private static boolean dots(String value) {
        return value.equals(".") || value.equals("..");
    }

    /** 1..max characters, each an ASCII letter or digit, one of {@code others}, or ':' where allowed. */
    private static boolean matches(String value, int max, String others, boolean colon) {
        if (value == null || value.isEmpty() || value.length() > max) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || others.indexOf(c) >= 0
                    || (colon && c == ':');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** A version is 1–64 printable characters: no control characters, no line breaks. */
    public static boolean isVersion(String value) {
        return isPrintable(value, MAX_VERSION_LENGTH);
    }

    /** A message id is 1–64 printable characters. */
    public static boolean isMsgId(String value) {
        return isPrintable(value, MAX_MSG_ID_LENGTH);
    }

    /** Non-empty, at most {@code max} code points, none of them a control character. */
    public static boolean isPrintable(String value, int max) {
        if (value == null || value.isEmpty()) {
            return false;
        }
        int count = value.codePointCount(0, value.length());
        if (count > max) {
            return false;
        }
        return value.codePoints().noneMatch(cp -> Character.isISOControl(cp) || !Character.isDefined(cp));
    }
}
