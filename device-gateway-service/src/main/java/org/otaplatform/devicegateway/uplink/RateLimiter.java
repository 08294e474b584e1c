package org.otaplatform.devicegateway.uplink;

import jakarta.enterprise.context.ApplicationScoped;
import org.otaplatform.common.rate.TokenBuckets;
import org.otaplatform.devicegateway.config.DeviceGatewayConfig;

/**
 * A token bucket per gateway. Each replica keeps its own buckets: with a shared subscription a
 * gateway's messages spread over the replicas, so N replicas admit up to N times the rate; the limit
 * protects the service, not an exact quota.
 */
@ApplicationScoped
public class RateLimiter {

    private static final int MAX_BUCKETS = 200_000;

    private final TokenBuckets buckets;

    RateLimiter(DeviceGatewayConfig config) {
        this.buckets = new TokenBuckets(
                config.rateLimit().perSecond(), config.rateLimit().burst(), MAX_BUCKETS);
    }

    /** Takes a token for the gateway; false when its bucket is empty. */
    public boolean tryAcquire(String gatewayId) {
        return tryAcquire(gatewayId, System.nanoTime());
    }

    boolean tryAcquire(String gatewayId, long nowNanos) {
        return buckets.waitFor(gatewayId, 1, nowNanos) == 0;
    }
}
