package org.otaplatform.devicegateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.otaplatform.contract.message.Ack;
import org.otaplatform.contract.message.Progress;
import org.otaplatform.contract.wire.ProgressState;
import org.otaplatform.devicegateway.downlink.GatewayTaskState;

/** The gateway task machine: forward only, and the SQL made from its table says the same. */
class GatewayTaskStateTest {

    @Test
    void movesOnlyForward() {
        assertThat(GatewayTaskState.SENT.canMoveTo(GatewayTaskState.ACKED)).isTrue();
        assertThat(GatewayTaskState.SENT.canMoveTo(GatewayTaskState.ENDED)).isTrue();
        assertThat(GatewayTaskState.ACKED.canMoveTo(GatewayTaskState.ENDED)).isTrue();
        assertThat(GatewayTaskState.ACKED.canMoveTo(GatewayTaskState.SENT)).isFalse();
        assertThat(GatewayTaskState.ENDED.canMoveTo(GatewayTaskState.ACKED)).isFalse();
        assertThat(GatewayTaskState.ACKED.canMoveTo(GatewayTaskState.ACKED)).isFalse();
        assertThat(GatewayTaskState.furthest(GatewayTaskState.ENDED, GatewayTaskState.ACKED))
                .isEqualTo(GatewayTaskState.ENDED);
    }

    @Test
    void reportsMoveTasksAsTheProtocolSays() {
        assertThat(GatewayTaskState.after(new Ack("m", 1L, "t", true, null))).isEqualTo(GatewayTaskState.ACKED);
        assertThat(GatewayTaskState.after(new Ack("m", 1L, "t", false, "busy"))).isEqualTo(GatewayTaskState.ENDED);
        for (ProgressState state : ProgressState.values()) {
            GatewayTaskState expected = state == ProgressState.SUCCEEDED || state == ProgressState.FAILED
                    ? GatewayTaskState.ENDED
                    : GatewayTaskState.ACKED;
            assertThat(GatewayTaskState.after(new Progress("m", 1L, "t", state, null, null, null)))
                    .as(state.name())
                    .isEqualTo(expected);
        }
    }

    @Test
    void theSqlListsExactlyTheTablesMoves() {
        assertThat(GatewayTaskState.advanceSql("t.state", "i.state"))
                .isEqualTo("CASE WHEN (t.state, i.state) IN (('SENT', 'ACKED'), ('SENT', 'ENDED'), ('ACKED', 'ENDED'))"
                        + " THEN i.state ELSE t.state END");
    }
}
