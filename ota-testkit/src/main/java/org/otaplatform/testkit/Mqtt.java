package org.otaplatform.testkit;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Waits for Vert.x MQTT client operations in tests. */
final class Mqtt {

    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private Mqtt() {}

    static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException("MQTT operation failed: " + e.getMessage(), e);
        }
    }
}
