package org.otaplatform.testkit;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;

/**
 * Every {@code @QuarkusTest} of a service talks to its REST API as an administrator unless a test says
 * otherwise ({@code given().auth().none()} or {@code .auth().oauth2(JwtTokens...)}): the tests of what
 * each role may do live in each service's {@code AuthorizationTest}. Registered as a service for
 * Quarkus's test extension, so it runs in the class loader the test's RestAssured lives in.
 */
public class AdminTokenByDefault implements QuarkusTestBeforeEachCallback {

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        JwtTokens.restAssuredAsDevAdmin();
    }
}
