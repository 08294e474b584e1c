package org.otaplatform.console.config;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.Config;

/**
 * The console verifies every session's token itself: started without the platform's public key it would
 * turn every sign-in away as "not valid", so it refuses to start and says what to set instead.
 */
public class TokenKeyCheck {

    void onStart(@Observes StartupEvent event, Config config) {
        if (config.getOptionalValue("mp.jwt.verify.publickey", String.class).isEmpty()
                && config.getOptionalValue("mp.jwt.verify.publickey.location", String.class)
                        .isEmpty()) {
            throw new IllegalStateException("the console cannot verify sign-ins: set OTA_JWT_PUBLIC_KEY or"
                    + " OTA_JWT_PUBLIC_KEY_LOCATION to the key the services verify tokens with");
        }
    }
}
