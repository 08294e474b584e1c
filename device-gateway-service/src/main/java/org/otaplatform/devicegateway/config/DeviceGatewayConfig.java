package org.otaplatform.devicegateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of device-gateway-service ({@code ota.device-gateway.*}, or {@code OTA_DEVICE_GATEWAY_*}). */
@ConfigMapping(prefix = "ota.device-gateway")
public interface DeviceGatewayConfig {

    /** Downlink to gateways. */
    Downlink downlink();

    interface Downlink {
        /** How long to wait for the broker to accept a downlink message before the send counts as failed. */
        @WithDefault("10s")
        Duration sendTimeout();
    }
}
