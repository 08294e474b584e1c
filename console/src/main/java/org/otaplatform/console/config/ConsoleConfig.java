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
}
