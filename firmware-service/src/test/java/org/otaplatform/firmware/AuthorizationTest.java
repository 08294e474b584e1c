package org.otaplatform.firmware;

import static org.otaplatform.testkit.AccessCheck.assertAdmits;
import static org.otaplatform.testkit.AccessCheck.assertPublic;
import static org.otaplatform.testkit.AccessCheck.assertRejectsInvalidTokens;
import static org.otaplatform.testkit.JwtTokens.ADMIN;
import static org.otaplatform.testkit.JwtTokens.OPERATOR;
import static org.otaplatform.testkit.JwtTokens.VIEWER;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.otaplatform.testkit.AccessCheck.Endpoint;

/** Who may call what: real tokens of each role against each endpoint group. */
@QuarkusTest
class AuthorizationTest {

    private static final String PACKAGE = "/api/v1/firmware/00000000-0000-4000-8000-000000000001";

    @Test
    void readingTheCatalogueIsForAdminsOperatorsAndViewers() {
        for (Endpoint read : new Endpoint[] {
            Endpoint.get("/api/v1/firmware"), Endpoint.get(PACKAGE), Endpoint.get(PACKAGE + "/downloads")
        }) {
            assertAdmits(read, ADMIN, OPERATOR, VIEWER);
        }
    }

    @Test
    void uploadingDeletingAndFetchingFirmwareIsForAdminsOnly() {
        assertAdmits(Endpoint.postMultipart("/api/v1/firmware"), ADMIN);
        assertAdmits(Endpoint.delete(PACKAGE), ADMIN);
        assertAdmits(Endpoint.get(PACKAGE + "/content"), ADMIN);
    }

    @Test
    void verificationRunsAreForAdminsOnly() {
        // a run upgrades its devices at once, without a plan's review: not an operator's right (issue #35)
        assertAdmits(Endpoint.postJson(PACKAGE + "/verification"), ADMIN);
    }

    @Test
    void refusesExpiredForgedForeignAndRolelessTokens() throws Exception {
        assertRejectsInvalidTokens(Endpoint.get("/api/v1/firmware"));
        assertRejectsInvalidTokens(Endpoint.postMultipart("/api/v1/firmware"));
    }

    @Test
    void gatewaysFetchKeysAndDownloadsWithoutATokenAsBefore() {
        assertPublic(Endpoint.get("/api/v1/signing-keys"));
        // a download needs its signed link, not a bearer token: without one it is a 403 either way
        assertPublic(Endpoint.get("/download/00000000-0000-4000-8000-000000000001"));
        // health is on the management port (no Ingress publishes it), and needs no token there
        org.otaplatform.testkit.Management.given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void theAuditLogIsReadByAdminsAndViewers() {
        assertAdmits(Endpoint.get("/api/v1/audit"), ADMIN, VIEWER);
        assertAdmits(Endpoint.get("/api/v1/audit/verify"), ADMIN, VIEWER);
    }
}
