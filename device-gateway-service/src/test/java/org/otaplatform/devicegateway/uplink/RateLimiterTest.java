package org.otaplatform.devicegateway.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.otaplatform.devicegateway.config.DeviceGatewayConfig;

/** The per-gateway token bucket at its boundaries: burst, refill rate, and one bucket per gateway. */
class RateLimiterTest {

    private static final long START = 1_000_000_000L;
    private final RateLimiter limiter = new RateLimiter(config(20, 40));

    @Test
    void admitsExactlyTheBurstAtOnceAndRefusesTheNextMessage() {
        for (int i = 0; i < 40; i++) {
            assertThat(limiter.tryAcquire("gw-a", START))
                    .as("message %d of the burst", i + 1)
                    .isTrue();
        }

        assertThat(limiter.tryAcquire("gw-a", START)).isFalse();
    }

    @Test
    void refillsAtTheConfiguredRate() {
        for (int i = 0; i < 40; i++) {
            limiter.tryAcquire("gw-a", START);
        }

        // 20 per second: one message every 50 ms, not one sooner
        assertThat(limiter.tryAcquire("gw-a", START + 49_000_000L)).isFalse();
        assertThat(limiter.tryAcquire("gw-a", START + 50_000_000L)).isTrue();
        assertThat(limiter.tryAcquire("gw-a", START + 50_000_000L)).isFalse();
    }

    @Test
    void neverHoldsMoreThanTheBurstHoweverLongAGatewayWasQuiet() {
        limiter.tryAcquire("gw-a", START);
        long anHourLater = START + 3_600_000_000_000L;

        int admitted = 0;
        while (limiter.tryAcquire("gw-a", anHourLater)) {
            admitted++;
        }

        assertThat(admitted).isEqualTo(40);
    }

    @Test
    void oneChattyGatewayDoesNotSpendAnothersBudget() {
        while (limiter.tryAcquire("gw-chatty", START)) {
            // empty its bucket
        }

        assertThat(limiter.tryAcquire("gw-quiet", START)).isTrue();
    }

    @Test
    void aMessageNamingManySubDevicesCostsOneTokenForEveryTenWhichTheGatewayPaysBackFirst() {
        assertThat(limiter.tryAcquire("gw-big", START)).isTrue(); // 39 left
        limiter.charge("gw-big", 600, START); // a hello of 600: 60 more, 21 in debt

        // 20 per second: 22 tokens after 1.1 s, not before
        assertThat(limiter.tryAcquire("gw-big", START + 1_090_000_000L)).isFalse();
        assertThat(limiter.tryAcquire("gw-big", START + 1_100_000_000L)).isTrue();
        assertThat(limiter.tryAcquire("gw-quiet", START)).isTrue();
    }

    @Test
    void aGatewayFloodingMaximumHellosGetsOneThroughEveryFewSecondsNotTwentyASecond() {
        int admitted = 0;
        for (long ms = 0; ms < 30_000; ms += 50) { // a hello every 50 ms for 30 s
            if (limiter.tryAcquire("gw-flood", START + ms * 1_000_000L)) {
                admitted++;
                limiter.charge("gw-flood", 600, START + ms * 1_000_000L);
            }
        }

        // 40 tokens at first, then 20 a second for 61-token hellos
        assertThat(admitted).isBetween(10, 12);
    }

    private static DeviceGatewayConfig config(double perSecond, int burst) {
        return new DeviceGatewayConfig() {
            @Override
            public Downlink downlink() {
                throw new UnsupportedOperationException();
            }

            @Override
            public Registry registry() {
                throw new UnsupportedOperationException();
            }

            @Override
            public RateLimit rateLimit() {
                return new RateLimit() {
                    @Override
                    public double perSecond() {
                        return perSecond;
                    }

                    @Override
                    public int burst() {
                        return burst;
                    }

                    @Override
                    public int subDevicesPerToken() {
                        return 10;
                    }
                };
            }
        };
    }
}
