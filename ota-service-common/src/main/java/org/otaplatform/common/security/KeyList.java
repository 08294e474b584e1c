package org.otaplatform.common.security;

import java.util.LinkedHashMap;
import java.util.Map;
import org.otaplatform.contract.Identifiers;

/**
 * Keys configured as one setting, {@code keyId:base64,keyId:base64,...} (firmware signing keys, the
 * registry's sealing keys): the first is the default one, the others are kept to verify or open what they
 * made before a rotation.
 */
public final class KeyList {

    private KeyList() {}

    /**
     * keyId → the base64 text, in the order given; blank entries are skipped. A malformed entry fails naming
     * {@code setting}, never the value: it is a secret.
     */
    public static Map<String, String> parse(String list, String setting) {
        Map<String, String> result = new LinkedHashMap<>();
        for (String entry : list.split(",")) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            int colon = trimmed.indexOf(':');
            String id = colon > 0 ? trimmed.substring(0, colon) : "";
            if (!Identifiers.isEntityId(id)) {
                throw new IllegalStateException(
                        setting + ": each entry must be keyId:base64 with a keyId of [A-Za-z0-9._:-]");
            }
            result.put(id, trimmed.substring(colon + 1));
        }
        return result;
    }
}
