package org.otaplatform.testkit;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The management interface of the service under test (health, metrics, OpenAPI): its own port, chosen
 * freely in tests ({@code quarkus.management.test-port=0}) and known once the service listens.
 */
public final class Management {

    private Management() {}

    public static int port() {
        return ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class);
    }

    /** A rest-assured request to the management port. */
    public static RequestSpecification given() {
        return RestAssured.given().port(port());
    }
}
