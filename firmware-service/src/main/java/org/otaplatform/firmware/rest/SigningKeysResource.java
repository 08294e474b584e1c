package org.otaplatform.firmware.rest;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.otaplatform.firmware.signing.KeyRing;

/** The public keys gateways check firmware signatures with, by keyId. */
@Path("/api/v1/signing-keys")
@Produces(MediaType.APPLICATION_JSON)
@PermitAll
public class SigningKeysResource {

    private final KeyRing keys;

    SigningKeysResource(KeyRing keys) {
        this.keys = keys;
    }

    @GET
    public List<KeyRing.PublishedKey> keys() {
        return keys.published();
    }
}
