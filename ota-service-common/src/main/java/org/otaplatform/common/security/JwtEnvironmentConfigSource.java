package org.otaplatform.common.security;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * The platform's names for the token-verification settings, passed on to smallrye-jwt only when they are
 * set: smallrye-jwt treats a property set to the empty string as an error rather than as absent, so
 * {@code ${OTA_JWT_PUBLIC_KEY:}} in a properties file would break every service that uses the other
 * variable.
 */
public class JwtEnvironmentConfigSource implements ConfigSource {

    static final Map<String, String> NAMES = Map.of(
            "OTA_JWT_PUBLIC_KEY", "mp.jwt.verify.publickey",
            "OTA_JWT_PUBLIC_KEY_LOCATION", "mp.jwt.verify.publickey.location",
            "OTA_JWT_AUDIENCE", "mp.jwt.verify.audiences");

    private final Map<String, String> properties;

    public JwtEnvironmentConfigSource() {
        this(System.getenv());
    }

    JwtEnvironmentConfigSource(Map<String, String> environment) {
        Map<String, String> found = new HashMap<>();
        NAMES.forEach((variable, property) -> {
            String value = environment.get(variable);
            if (value != null && !value.isBlank()) {
                found.put(property, value.strip());
            }
        });
        this.properties = Map.copyOf(found);
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
        return "ota-jwt-environment";
    }

    /** Above application.properties (250), below the environment's own MP_JWT_* names (300). */
    @Override
    public int getOrdinal() {
        return 275;
    }
}
