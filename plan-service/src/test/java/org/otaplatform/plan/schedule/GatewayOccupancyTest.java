package org.otaplatform.plan.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.otaplatform.plan.schedule.PushSelection.Candidate;

/**
 * One thing at a time on a gateway: beside its own upgrade nothing else is sent to it; its own goes only to a
 * gateway with nothing in flight; sub-devices share the rest up to the per-gateway limit.
 */
class GatewayOccupancyTest {

    @Test
    void theRuleInBothDirections() {
        assertThat(GatewayOccupancy.IDLE.admits(true, 3)).isTrue();
        assertThat(GatewayOccupancy.IDLE.admits(false, 3)).isTrue();
        GatewayOccupancy ownInFlight = GatewayOccupancy.IDLE.with(true);
        assertThat(ownInFlight.admits(false, 3))
                .as("a sub-device beside the gateway's own upgrade")
                .isFalse();
        assertThat(ownInFlight.admits(true, 3)).as("a second own upgrade").isFalse();
        GatewayOccupancy oneSubDevice = GatewayOccupancy.IDLE.with(false);
        assertThat(oneSubDevice.admits(true, 3))
                .as("the gateway's own beside a sub-device")
                .isFalse();
        assertThat(oneSubDevice.admits(false, 3)).isTrue();
        assertThat(oneSubDevice.with(false).with(false).admits(false, 3))
                .as("the per-gateway limit")
                .isFalse();
    }

    @Test
    void pickNeverPutsAGatewaysOwnUpgradeBesideAnythingElse() {
        Random random = new Random(33);
        for (int round = 0; round < 2_000; round++) {
            int max = 1 + random.nextInt(4);
            List<Candidate> candidates = new ArrayList<>();
            Map<String, GatewayOccupancy> busy = new HashMap<>();
            for (int g = 0; g < 4; g++) {
                String gw = "gw-" + g;
                switch (random.nextInt(3)) {
                    case 0 -> busy.put(gw, new GatewayOccupancy(1, true));
                    case 1 -> busy.put(gw, new GatewayOccupancy(random.nextInt(max + 1), false));
                    default -> {}
                }
                int n = random.nextInt(5);
                for (int i = 0; i < n; i++) {
                    boolean own = random.nextInt(4) == 0;
                    candidates.add(new Candidate(own ? "gwp" : "sub", own ? gw : gw + "-d" + i, gw, "1.0", 0, own));
                }
            }
            java.util.Collections.shuffle(candidates, random);
            int budget = random.nextInt(12);

            List<Candidate> chosen = PushSelection.pick(candidates, busy, max, budget);

            assertThat(chosen.size()).isLessThanOrEqualTo(budget);
            Map<String, Integer> total = new HashMap<>();
            Map<String, Boolean> own = new HashMap<>();
            busy.forEach((gw, o) -> {
                total.put(gw, o.inFlight());
                own.put(gw, o.ownUpgrade());
            });
            for (Candidate c : chosen) {
                int before = total.getOrDefault(c.gatewayId(), 0);
                assertThat(own.getOrDefault(c.gatewayId(), false))
                        .as("round %d: %s sent beside its gateway's own upgrade", round, c)
                        .isFalse();
                if (c.gateway()) {
                    assertThat(before)
                            .as("round %d: own upgrade of a busy gateway", round)
                            .isZero();
                    own.put(c.gatewayId(), true);
                } else {
                    assertThat(before).as("round %d: over the limit", round).isLessThan(max);
                }
                total.put(c.gatewayId(), before + 1);
            }
            // and nothing admissible was left out while the budget had room
            if (chosen.size() < budget) {
                for (Candidate c : candidates) {
                    if (chosen.contains(c)) {
                        continue;
                    }
                    GatewayOccupancy now = new GatewayOccupancy(
                            total.getOrDefault(c.gatewayId(), 0), own.getOrDefault(c.gatewayId(), false));
                    assertThat(now.admits(c.gateway(), max))
                            .as("round %d: %s was admissible and left out", round, c)
                            .isFalse();
                }
            }
        }
    }
}
