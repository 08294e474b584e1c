package org.otaplatform.devicegateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Settings of device-gateway-service ({@code ota.device-gateway.*}, or {@code OTA_DEVICE_GATEWAY_*}). */
@ConfigMapping(prefix = "ota.device-gateway")
public interface DeviceGatewayConfig {

    Downlink downlink();

    RateLimit rateLimit();

    Registry registry();

    interface Downlink {
        /** How long to wait for the broker to accept a downlink message before the send counts as failed. */
        @WithDefault("10s")
        Duration sendTimeout();

        /** Where gateways download packages: firmware-service's public address. */
        @WithDefault("http://127.0.0.1:8081")
        String firmwareBaseUrl();

        /**
         * How long a download link is valid, never past the task's deadline: a link is a bearer credential for
         * the package until then (it was 24 h before issue #35).
         */
        @WithDefault("6h")
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

        /** A message costs one token more for every this many sub-devices it names (hello, topology, status). */
        @WithDefault("10")
        int subDevicesPerToken();
    }

    /** The registry of products and devices. */
    interface Registry {
        /**
         * The keys that seal product and device secrets at rest, as {@code keyId:base64(32 random bytes)},
         * comma-separated. A secret: from the environment ({@code OTA_REGISTRY_SECRET_KEYS}) only.
         */
        Optional<String> secretKeys();

        /** The key new secrets are sealed with; defaults to the first. Others only open older ones. */
        Optional<String> activeKeyId();

        /** The most devices one import may register. */
        @WithDefault("100000")
        int maxImportRows();
    }
}
