package org.otaplatform.devicegateway;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import org.otaplatform.testkit.OtaServiceTestResource;

/** Every test of this module runs against a fresh database on the real PostgreSQL and the test broker. */
@QuarkusTestResource(
        value = OtaServiceTestResource.class,
        initArgs = @ResourceArg(name = "service", value = "device_gateway"))
public final class TestInfrastructure {

    private TestInfrastructure() {}
}
