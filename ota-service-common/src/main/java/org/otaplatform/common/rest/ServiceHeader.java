package org.otaplatform.common.rest;

import io.quarkus.vertx.http.runtime.filters.Filters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every answer names the service that gave it ({@code X-OTA-Service: plan-service}): behind the console's one
 * {@code /api} address an operator, and the test that walks every service's OpenAPI document through the
 * console, can tell which service served a path. It names a service, nothing more.
 */
@ApplicationScoped
public class ServiceHeader {

    public static final String NAME = "X-OTA-Service";

    void register(@Observes Filters filters, @ConfigProperty(name = "quarkus.application.name") String service) {
        filters.register(
                ctx -> {
                    ctx.response().putHeader(NAME, service);
                    ctx.next();
                },
                1000);
    }
}
