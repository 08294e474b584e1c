package org.otaplatform.firmware.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Settings of firmware-service ({@code ota.firmware.*}; environment {@code OTA_FIRMWARE_*}). */
@ConfigMapping(prefix = "ota.firmware")
public interface FirmwareConfig {

    Upload upload();

    Signing signing();

    Download download();

    Verification verification();

    Release release();

    /**
     * Who releases a package (issue #35): with {@code approvals} 1 the upload releases it (signed at once, for
     * small installations); with 2 it is stored and checked but signed only when a second person with the
     * release right, not the uploader, approves it ({@code POST /api/v1/firmware/{id}/approve}). deploy/prod
     * sets 2.
     */
    interface Release {
        @WithDefault("1")
        int approvals();
    }

    interface Upload {
        /** The largest package accepted; larger uploads get 413. */
        @WithDefault("512M")
        MemorySize maxSize();
    }

    interface Signing {
        /**
         * Signing keys as {@code keyId:base64(PKCS#8 DER)}, comma-separated. A secret: set it from the
         * environment ({@code OTA_FIRMWARE_SIGNING_PRIVATE_KEYS}), never in a property file.
         */
        Optional<String> privateKeys();

        /** Retired keys still published for verification, as {@code keyId:base64(X.509 DER)}, comma-separated. */
        Optional<String> publicKeys();

        /** The key new packages are signed with; defaults to the first private key. */
        Optional<String> activeKeyId();

        /** Development only: without private keys, generate one at start (and say so loudly). */
        @WithDefault("false")
        boolean generateDevKey();
    }

    interface Download {
        /** Where hot packages are cached on local disk; content never changes, so the cache needs no invalidation. */
        @WithDefault("${java.io.tmpdir}/ota-firmware-cache")
        String cacheDir();

        /**
         * The most the cache holds on disk; keep it below the volume's size (least recently used files go
         * first, never one being served).
         */
        @WithDefault("1536M")
        MemorySize cacheMaxSize();

        /** Requests to {@code /download} per second, per replica; 429 with Retry-After above them. */
        RateLimit rateLimit();
    }

    interface RateLimit {
        /** Per link (one package for one gateway): a leaked link cannot be replayed at will. */
        @WithDefault("20")
        double perLink();

        @WithDefault("100")
        int perLinkBurst();

        /** Per gateway, over all its links. */
        @WithDefault("50")
        double perGateway();

        @WithDefault("200")
        int perGatewayBurst();
    }

    interface Verification {
        /** A verification run not finished by then ends FAILED. */
        @WithDefault("60m")
        Duration timeout();

        /** How often runs past their deadline are looked for. */
        @WithDefault("30s")
        Duration checkInterval();

        /** The most test devices one run may name. */
        @WithDefault("100")
        int maxDevices();
    }
}
