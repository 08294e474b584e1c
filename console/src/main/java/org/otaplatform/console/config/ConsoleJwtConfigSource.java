package org.otaplatform.console.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * The platform's names for the token-verification settings (the services read the same variables),
 * passed on to smallrye-jwt only when set: smallrye-jwt treats a property set to the empty string as an
 * error rather than as absent. The console cannot share the services' class (their common module brings a
 * database and a broker), so it keeps this one.
 */
public class ConsoleJwtConfigSource implements ConfigSource {

    private static final Map<String, String> NAMES = Map.of(
            "OTA_JWT_PUBLIC_KEY", "mp.jwt.verify.publickey",
            "OTA_JWT_PUBLIC_KEY_LOCATION", "mp.jwt.verify.publickey.location",
            "OTA_JWT_AUDIENCE", "mp.jwt.verify.audiences");

    private final Map<String, String> properties = new HashMap<>();

    public ConsoleJwtConfigSource() {
        NAMES.forEach((variable, property) -> {
            String value = System.getenv(variable);
            if (value != null && !value.isBlank()) {
                properties.put(property, value.strip());
            }
        });
    }

    @Override
    public Set<String> getPropertyNames() {
        return properties.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return properties.get(propertyName);
    }

    @Override
    public String getName() {
        return "ota-console-jwt-environment";
    }

    /** Above application.properties (250), below the environment's own MP_JWT_* names (300). */
    @Override
    public int getOrdinal() {
        return 275;
    }
}
