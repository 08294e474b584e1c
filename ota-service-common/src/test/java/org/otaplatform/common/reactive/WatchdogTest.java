package org.otaplatform.common.reactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class WatchdogTest {

    @Test
    void workWithoutAnOutcomeFailsAsATimeoutNamingTheWork() {
        Uni<String> lost = Uni.createFrom().emitter(emitter -> {
            // never completed, as a transaction whose connection died
        });

        assertThatThrownBy(() -> Watchdog.limit(lost, Duration.ofMillis(50), "the push pass")
                        .await()
                        .atMost(Duration.ofSeconds(5)))
                .hasCauseInstanceOf(TimeoutException.class)
                .hasMessageContaining("the push pass");
    }

    @Test
    void workThatFinishesInTimeKeepsItsOutcome() {
        assertThat(Uni.createFrom()
                        .item("done")
                        .plug(Watchdog.limit("a pass"))
                        .await()
                        .atMost(Duration.ofSeconds(5)))
                .isEqualTo("done");
    }
}
