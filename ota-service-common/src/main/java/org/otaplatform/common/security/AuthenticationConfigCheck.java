package org.otaplatform.common.security;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Refuses to start a service that could not verify a single token: without a public key every REST
 * call would be answered 401, which looks like an outage rather than a configuration mistake.
 */
public class AuthenticationConfigCheck {

    static final String KEY = "mp.jwt.verify.publickey";
    static final String KEY_LOCATION = "mp.jwt.verify.publickey.location";

    void check(@Observes StartupEvent event) {
        Config config = ConfigProvider.getConfig();
        boolean key = config.getOptionalValue(KEY, String.class).isPresent();
        boolean location = config.getOptionalValue(KEY_LOCATION, String.class).isPresent();
        if (!key && !location) {
            throw new IllegalStateException("no key to verify REST bearer tokens with: set OTA_JWT_PUBLIC_KEY (a PEM or"
                    + " JWK public key) or OTA_JWT_PUBLIC_KEY_LOCATION (a file or the JWKS URL of your identity"
                    + " provider); `./ota token` explains the local set-up");
        }
    }
}
