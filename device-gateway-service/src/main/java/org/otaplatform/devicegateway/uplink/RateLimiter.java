package org.otaplatform.devicegateway.uplink;

import jakarta.enterprise.context.ApplicationScoped;
import org.otaplatform.common.rate.TokenBuckets;
import org.otaplatform.devicegateway.config.DeviceGatewayConfig;

/**
 * A token bucket per gateway, charged by cost: a message takes one token before it is read, and once read,
 * one more for every 10 sub-devices it names ({@code ota.device-gateway.rate-limit.sub-devices-per-token}) (a {@code hello}, {@code
 * topology} or {@code status}: each named sub-device is written), which the gateway pays back before its
 * next message is admitted. A {@code hello} of 600 sub-devices costs 61 tokens: within the default burst, so
 * a gateway that reconnects is not slowed, while one that floods maximum-size {@code hello}s gets one
 * through every second or so instead of 50. Each replica keeps its own buckets: with a shared subscription
 * a gateway's messages spread over the replicas, so N replicas admit up to N times the rate; the limit
 * protects the service, not an exact quota.
 */
@ApplicationScoped
public class RateLimiter {

    private static final int MAX_BUCKETS = 200_000;

    private final TokenBuckets buckets;
    private final int subDevicesPerToken;
    /** One answered refusal a second per gateway. */
    private final TokenBuckets answers = new TokenBuckets(1, 1, MAX_BUCKETS);

    RateLimiter(DeviceGatewayConfig config) {
        this.buckets = new TokenBuckets(
                config.rateLimit().perSecond(), config.rateLimit().burst(), MAX_BUCKETS);
        this.subDevicesPerToken = Math.max(1, config.rateLimit().subDevicesPerToken());
    }

    /** Takes a token for the gateway; false when its bucket is empty. */
    public boolean tryAcquire(String gatewayId) {
        return tryAcquire(gatewayId, System.nanoTime());
    }

    boolean tryAcquire(String gatewayId, long nowNanos) {
        return buckets.waitFor(gatewayId, 1, nowNanos) == 0;
    }

    /** Whether a refusal of this gateway is answered now: once a second at most. */
    public boolean answerRefusal(String gatewayId) {
        return answers.tryTake(gatewayId);
    }

    /** Charges an admitted message for the sub-devices it names. */
    public void charge(String gatewayId, int subDevices) {
        charge(gatewayId, subDevices, System.nanoTime());
    }

    void charge(String gatewayId, int subDevices, long nowNanos) {
        buckets.charge(gatewayId, subDevices / subDevicesPerToken, nowNanos);
    }
}
