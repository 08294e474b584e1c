package org.otaplatform.contract.codec;

import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.otaplatform.contract.Identifiers;

/** A rule on a string field, with the words that explain it when broken. */
public record Rule(String description, Predicate<String> test) {

    public static final Rule MSG_ID = new Rule("must be 1–64 printable characters", Identifiers::isMsgId);
    public static final Rule PRODUCT_KEY =
            new Rule("must be 1–64 characters of [A-Za-z0-9_-]", Identifiers::isProductKey);
    public static final Rule DEVICE_KEY =
            new Rule("must be 1–128 characters of [A-Za-z0-9._:-], not . or ..", Identifiers::isDeviceKey);
    public static final Rule HARDWARE_REVISION =
            new Rule("must be 1–32 characters of [A-Za-z0-9._-]", Identifiers::isHardwareRevision);
    public static final Rule VERSION = new Rule("must be 1–64 printable characters", Identifiers::isVersion);
    public static final Rule ENTITY_ID =
            new Rule("must be 1–64 characters of [A-Za-z0-9._:-], not . or ..", Identifiers::isEntityId);
    public static final Rule TEXT = new Rule(
            "must be 1–" + Identifiers.MAX_TEXT_LENGTH + " printable characters",
            v -> Identifiers.isPrintable(v, Identifiers.MAX_TEXT_LENGTH));
    public static final Rule NOTES = new Rule(
            "must be at most " + Identifiers.MAX_NOTES_LENGTH + " characters",
            v -> !v.isEmpty() && v.length() <= Identifiers.MAX_NOTES_LENGTH);
    public static final Rule SHA256 = new Rule(
            "must be 64 lower-case hex digits", Pattern.compile("[0-9a-f]{64}").asMatchPredicate());
    public static final Rule HMAC_HEX = new Rule(
            "must be 64 lower-case hex digits (HMAC-SHA256)",
            Pattern.compile("[0-9a-f]{64}").asMatchPredicate());
    public static final Rule BASE64 = new Rule(
            "must be base64, at most 512 characters",
            Pattern.compile("[A-Za-z0-9+/]{1,512}={0,2}").asMatchPredicate());
    public static final Rule URL = new Rule(
            "must be an http(s) URL of at most 2048 characters",
            v -> v.length() <= 2048
                    && (v.startsWith("http://") || v.startsWith("https://"))
                    && v.codePoints().noneMatch(Character::isWhitespace));

    public boolean accepts(String value) {
        return test.test(value);
    }
}
