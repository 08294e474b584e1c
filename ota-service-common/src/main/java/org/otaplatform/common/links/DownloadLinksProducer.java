package org.otaplatform.common.links;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.nio.charset.StandardCharsets;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.otaplatform.contract.DownloadLinks;

/**
 * Download links keyed with {@code ota.download.link-secret} ({@code OTA_DOWNLOAD_LINK_SECRET}), the
 * secret device-gateway-service (which mints) and firmware-service (which checks) share. Only a
 * service that uses links needs the secret.
 */
public class DownloadLinksProducer {

    @Produces
    @ApplicationScoped
    DownloadLinks links(@ConfigProperty(name = "ota.download.link-secret") String secret) {
        return new DownloadLinks(secret.getBytes(StandardCharsets.UTF_8));
    }
}
