package org.otaplatform.devicegateway.rest;

import jakarta.ws.rs.core.Response;

/** Answers that carry a secret are never stored by a cache on the way. */
final class Secrets {

    private Secrets() {}

    static Response.ResponseBuilder noStore(Response.ResponseBuilder response) {
        return response.header("Cache-Control", "no-store").header("Pragma", "no-cache");
    }
}
