package org.otaplatform.devicegateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of device-gateway-service ({@code ota.device-gateway.*}, or {@code OTA_DEVICE_GATEWAY_*}). */
@ConfigMapping(prefix = "ota.device-gateway")
public interface DeviceGatewayConfig {

    Downlink downlink();

    RateLimit rateLimit();

    interface Downlink {
        /** How long to wait for the broker to accept a downlink message before the send counts as failed. */
        @WithDefault("10s")
        Duration sendTimeout();

        /** Where gateways download packages: firmware-service's public address. */
        @WithDefault("http://127.0.0.1:8081")
        String firmwareBaseUrl();

        /** How long a download link is valid (never past the task's deadline). */
        @WithDefault("24h")
        Duration linkTtl();
    }

    /** A token bucket per gateway (per replica of this service). */
    interface RateLimit {
        /** Messages per second a gateway may send on average. */
        @WithDefault("50")
        double perSecond();

        /** Messages a gateway may send in a burst. */
        @WithDefault("100")
        int burst();
    }
}
