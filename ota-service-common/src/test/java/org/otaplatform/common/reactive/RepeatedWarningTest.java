package org.otaplatform.common.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

/** A warning repeated every second while a fault lasts is logged once a minute, not ninety times. */
class RepeatedWarningTest {

    @Test
    void theFirstFailureIsLoggedAndTheRepeatsWithinAMinuteAreHeldBack() {
        List<String> logged = new ArrayList<>();
        RepeatedWarning warning = new RepeatedWarning(new Captured(logged), "the push pass");

        for (int i = 0; i < 90; i++) {
            warning.failed(new IllegalStateException("Connection refused"));
        }

        assertThat(logged).containsExactly("the push pass failed: Connection refused");
    }

    /** A logger that keeps what it would write. */
    private static final class Captured extends Logger {
        private final List<String> lines;

        Captured(List<String> lines) {
            super("test");
            this.lines = lines;
        }

        @Override
        public boolean isEnabled(Level level) {
            return true;
        }

        @Override
        protected void doLog(
                Level level, String loggerClassName, Object message, Object[] parameters, Throwable thrown) {
            lines.add(String.valueOf(message));
        }

        @Override
        protected void doLogf(
                Level level, String loggerClassName, String format, Object[] parameters, Throwable thrown) {
            lines.add(String.format(format, parameters));
        }
    }
}
