package org.otaplatform.firmware.download;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.nio.charset.StandardCharsets;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.otaplatform.contract.DownloadLinks;

/** The download-link checker, keyed with the secret shared with device-gateway-service. */
public class DownloadLinksProducer {

    @Produces
    @ApplicationScoped
    DownloadLinks links(@ConfigProperty(name = "ota.download.link-secret") String secret) {
        return new DownloadLinks(secret.getBytes(StandardCharsets.UTF_8));
    }
}
