package org.otaplatform.devicegateway.uplink;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.otaplatform.devicegateway.config.DeviceGatewayConfig;

/**
 * A token bucket per gateway. Each replica keeps its own buckets: with a shared subscription a
 * gateway's messages spread over the replicas, so N replicas admit up to N times the rate; the limit
 * protects the service, not an exact quota.
 */
@ApplicationScoped
public class RateLimiter {

    private static final int MAX_BUCKETS = 200_000;

    private final double perSecond;
    private final double burst;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    RateLimiter(DeviceGatewayConfig config) {
        this.perSecond = config.rateLimit().perSecond();
        this.burst = config.rateLimit().burst();
    }

    /** Takes a token for the gateway; false when its bucket is empty. */
    public boolean tryAcquire(String gatewayId) {
        return tryAcquire(gatewayId, System.nanoTime());
    }

    boolean tryAcquire(String gatewayId, long nowNanos) {
        if (buckets.size() > MAX_BUCKETS) {
            buckets.clear(); // idle gateways come back with a full bucket, which is what they would have
        }
        Bucket bucket = buckets.computeIfAbsent(gatewayId, id -> new Bucket(burst, nowNanos));
        synchronized (bucket) {
            double elapsed = (nowNanos - bucket.at) / 1e9;
            bucket.tokens = Math.min(burst, bucket.tokens + elapsed * perSecond);
            bucket.at = nowNanos;
            if (bucket.tokens < 1) {
                return false;
            }
            bucket.tokens -= 1;
            return true;
        }
    }
}
