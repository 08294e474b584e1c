package org.otaplatform.console.backend;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiRoutesTest {

    private final ApiRoutes routes = new ApiRoutes(null);

    /** The webhooks went to device-gateway-service, which 404ed them; each service's own log had no address. */
    @Test
    void everyServicesPathsAndItsNamedPrefixReachIt() {
        assertThat(routes.serviceOf("/api/v1/webhooks")).isEqualTo(Service.PLAN);
        assertThat(routes.serviceOf("/api/v1/webhooks/x/deliveries")).isEqualTo(Service.PLAN);
        assertThat(routes.serviceOf("/api/plan-service/v1/audit")).isEqualTo(Service.PLAN);
        assertThat(routes.serviceOf("/api/firmware-service/v1/dead-letters")).isEqualTo(Service.FIRMWARE);
        assertThat(routes.serviceOf("/api/device-gateway-service/v1/audit")).isEqualTo(Service.DEVICE_GATEWAY);
        assertThat(routes.serviceOf("/api/v1/firmware/x/verification")).isEqualTo(Service.FIRMWARE);
        assertThat(routes.serviceOf("/api/v1/devices/p/d/history")).isEqualTo(Service.PLAN);
        assertThat(routes.serviceOf("/api/v1/devices/p/d")).isEqualTo(Service.DEVICE_GATEWAY);
        assertThat(routes.serviceOf("/api/other-service/v1/audit")).isEqualTo(Service.DEVICE_GATEWAY);
    }
}
