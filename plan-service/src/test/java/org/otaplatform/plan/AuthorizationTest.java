package org.otaplatform.plan;

import static org.otaplatform.testkit.AccessCheck.assertAdmits;
import static org.otaplatform.testkit.AccessCheck.assertRejectsInvalidTokens;
import static org.otaplatform.testkit.JwtTokens.ADMIN;
import static org.otaplatform.testkit.JwtTokens.APP;
import static org.otaplatform.testkit.JwtTokens.OPERATOR;
import static org.otaplatform.testkit.JwtTokens.VIEWER;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.otaplatform.testkit.AccessCheck.Endpoint;

/** Who may call what: real tokens of each role against each endpoint group. */
@QuarkusTest
class AuthorizationTest {

    private static final String PLAN = "/api/v1/plans/00000000-0000-4000-8000-000000000001";
    private static final String DEVICE = "/api/v1/devices/pk-access/dk-access/upgrade";

    @Test
    void creatingChangingAndDeletingPlansIsForAdminsOnly() {
        assertAdmits(Endpoint.postJson("/api/v1/plans"), ADMIN);
        assertAdmits(Endpoint.putJson(PLAN), ADMIN);
        assertAdmits(Endpoint.delete(PLAN), ADMIN);
    }

    @Test
    void plansTasksAndHistoriesAreReadByAdminsOperatorsAndViewers() {
        for (Endpoint read : new Endpoint[] {
            Endpoint.get("/api/v1/plans"),
            Endpoint.get(PLAN),
            Endpoint.get(PLAN + "/tasks"),
            Endpoint.get(PLAN + "/tasks/00000000-0000-4000-8000-000000000001"),
            Endpoint.get(PLAN + "/history"),
            Endpoint.get(PLAN + "/failures"),
            Endpoint.get(PLAN + "/progress"),
            Endpoint.get(PLAN + "/waves"),
            Endpoint.get("/api/v1/devices/pk-access/dk-access/history")
        }) {
            assertAdmits(read, ADMIN, OPERATOR, VIEWER);
        }
    }

    @Test
    void planActionsAndRetriesAreForAdminsAndOperators() {
        for (String action : new String[] {"activate", "suspend", "resume", "terminate"}) {
            assertAdmits(Endpoint.postJson(PLAN + "/" + action), ADMIN, OPERATOR);
        }
        assertAdmits(Endpoint.postJson(PLAN + "/devices/pk-access/dk-access/retry"), ADMIN, OPERATOR);
        assertAdmits(Endpoint.postJson(PLAN + "/waves/1/approve"), ADMIN, OPERATOR);
    }

    @Test
    void applicationsAnswerManualUpgradesAndNothingElse() {
        assertAdmits(Endpoint.get(DEVICE), ADMIN, OPERATOR, VIEWER, APP);
        assertAdmits(Endpoint.postJson(DEVICE + "/confirm"), ADMIN, APP);
        assertAdmits(Endpoint.postJson(DEVICE + "/reject"), ADMIN, APP);
    }

    @Test
    void refusesExpiredForgedForeignAndRolelessTokens() throws Exception {
        assertRejectsInvalidTokens(Endpoint.get("/api/v1/plans"));
        assertRejectsInvalidTokens(Endpoint.postJson(DEVICE + "/confirm"));
    }

    @Test
    void theAuditLogIsReadByAdminsAndViewers() {
        assertAdmits(Endpoint.get("/api/v1/audit"), ADMIN, VIEWER);
        assertAdmits(Endpoint.get("/api/v1/audit/verify"), ADMIN, VIEWER);
    }

    @Test
    void webhooksAreSubscribedByAdminsAndWatchedAndRedeliveredByOperatorsToo() {
        assertAdmits(Endpoint.postJson("/api/v1/webhooks"), ADMIN);
        assertAdmits(Endpoint.delete("/api/v1/webhooks/00000000-0000-4000-8000-000000000001"), ADMIN);
        // the URLs carry receivers' tokens: admins only (issue #35)
        assertAdmits(Endpoint.get("/api/v1/webhooks"), ADMIN);
        assertAdmits(Endpoint.get("/api/v1/webhooks/00000000-0000-4000-8000-000000000001"), ADMIN);
        assertAdmits(Endpoint.get("/api/v1/webhooks/00000000-0000-4000-8000-000000000001/deliveries"), ADMIN, OPERATOR);
        assertAdmits(
                Endpoint.postJson("/api/v1/webhooks/00000000-0000-4000-8000-000000000001/deliveries/"
                        + "00000000-0000-4000-8000-000000000002/redeliver"),
                ADMIN,
                OPERATOR);
    }
}
