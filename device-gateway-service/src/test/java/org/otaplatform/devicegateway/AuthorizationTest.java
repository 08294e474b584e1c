package org.otaplatform.devicegateway;

import static org.otaplatform.testkit.AccessCheck.assertAdmits;
import static org.otaplatform.testkit.AccessCheck.assertRejectsInvalidTokens;
import static org.otaplatform.testkit.JwtTokens.ADMIN;
import static org.otaplatform.testkit.JwtTokens.OPERATOR;
import static org.otaplatform.testkit.JwtTokens.VIEWER;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.otaplatform.testkit.AccessCheck.Endpoint;

/** Who may call what: real tokens of each role against each endpoint. */
@QuarkusTest
class AuthorizationTest {

    @Test
    void gatewaysAndDevicesAreReadByAdminsOperatorsAndViewers() {
        for (Endpoint read : new Endpoint[] {
            Endpoint.get("/api/v1/gateways"),
            Endpoint.get("/api/v1/gateways/gw-access-check"),
            Endpoint.get("/api/v1/gateways/gw-access-check/sub-devices"),
            Endpoint.get("/api/v1/devices/pk-access/dk-access")
        }) {
            assertAdmits(read, ADMIN, OPERATOR, VIEWER);
        }
    }

    @Test
    void refusesExpiredForgedForeignAndRolelessTokens() throws Exception {
        assertRejectsInvalidTokens(Endpoint.get("/api/v1/gateways"));
    }
}
