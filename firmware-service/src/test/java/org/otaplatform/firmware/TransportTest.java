package org.otaplatform.firmware;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

@QuarkusTest
class TransportTest {

    @Inject
    Vertx vertx;

    @Test
    void downloadsUseTheNativeTransportOnLinux() {
        assertThat(vertx.isNativeTransportEnabled())
                .as("native transport (unavailable because: %s)", vertx.unavailableNativeTransportCause())
                .isTrue();
    }
}
