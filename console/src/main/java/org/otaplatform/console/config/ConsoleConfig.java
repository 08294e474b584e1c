package org.otaplatform.console.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the console ({@code ota.console.*}). */
@ConfigMapping(prefix = "ota.console")
public interface ConsoleConfig {

    /** firmware-service as the console reaches it. */
    @WithDefault("http://127.0.0.1:8081")
    String firmwareUrl();

    /** plan-service as the console reaches it. */
    @WithDefault("http://127.0.0.1:8082")
    String planUrl();

    /** device-gateway-service as the console reaches it. */
    @WithDefault("http://127.0.0.1:8083")
    String deviceGatewayUrl();

    /** How often a plan's live figures are read, whatever the number of people watching it. */
    @WithDefault("2s")
    Duration liveInterval();

    /** How long a call to a service may take before the page says it is unavailable. */
    @WithDefault("15s")
    Duration callTimeout();

    /**
     * The console's public address ({@code OTA_CONSOLE_PUBLIC_URL}, e.g. https://ota.example.com): when it is
     * HTTPS, the session cookie is {@code Secure} and every answer carries HSTS. Configured, not guessed from a
     * request's headers (issue #35). Unset: plain HTTP, as on a development machine.
     */
    java.util.Optional<String> publicUrl();

    /** Whether the public address is HTTPS. */
    default boolean https() {
        return publicUrl().map(u -> u.regionMatches(true, 0, "https://", 0, 8)).orElse(false);
    }
}
