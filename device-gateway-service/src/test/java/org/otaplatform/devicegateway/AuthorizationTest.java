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
    void gatewaysDevicesAndProductsAreReadByAdminsOperatorsAndViewers() {
        for (Endpoint read : new Endpoint[] {
            Endpoint.get("/api/v1/gateways"),
            Endpoint.get("/api/v1/gateways/gw-access-check"),
            Endpoint.get("/api/v1/gateways/gw-access-check/sub-devices"),
            Endpoint.get("/api/v1/devices"),
            Endpoint.get("/api/v1/devices/pk-access/dk-access"),
            Endpoint.get("/api/v1/products"),
            Endpoint.get("/api/v1/products/pk-access")
        }) {
            assertAdmits(read, ADMIN, OPERATOR, VIEWER);
        }
    }

    @Test
    void theRegistryIsWrittenByAdminsOnly() {
        for (Endpoint write : new Endpoint[] {
            Endpoint.postJson("/api/v1/products"),
            Endpoint.patchJson("/api/v1/products/pk-access"),
            Endpoint.delete("/api/v1/products/pk-access"),
            Endpoint.postJson("/api/v1/products/pk-access/secret:rotate"),
            Endpoint.postJson("/api/v1/products/pk-access/devices"),
            Endpoint.postJson("/api/v1/products/pk-access/devices:import"),
            Endpoint.delete("/api/v1/devices/pk-access/dk-access"),
            Endpoint.postJson("/api/v1/devices/pk-access/dk-access/secret:rotate")
        }) {
            assertAdmits(write, ADMIN);
        }
    }

    @Test
    void subDevicesAreBoundAndUnboundByAdminsAndOperators() {
        for (Endpoint bind : new Endpoint[] {
            Endpoint.putJson("/api/v1/gateways/gw-access-check/sub-devices/pk-access/dk-access"),
            Endpoint.delete("/api/v1/gateways/gw-access-check/sub-devices/pk-access/dk-access")
        }) {
            assertAdmits(bind, ADMIN, OPERATOR);
        }
    }

    @Test
    void refusesExpiredForgedForeignAndRolelessTokens() throws Exception {
        assertRejectsInvalidTokens(Endpoint.get("/api/v1/gateways"));
        assertRejectsInvalidTokens(Endpoint.postJson("/api/v1/products"));
    }

    @Test
    void theAuditLogIsReadByAdminsAndViewers() {
        assertAdmits(Endpoint.get("/api/v1/audit"), ADMIN, VIEWER);
        assertAdmits(Endpoint.get("/api/v1/audit/verify"), ADMIN, VIEWER);
    }
}
