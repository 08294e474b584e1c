package org.otaplatform.common.rate;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per key (a gateway, a download link): {@code perSecond} tokens flow in, up to {@code
 * burst}. Each replica keeps its own buckets, so the limit protects a replica, not an exact quota. Work
 * may cost more than one token; work that costs more than the whole burst is admitted when the bucket is
 * full and leaves it empty, so it is slowed, never starved. Past {@code maxBuckets} keys the least recently
 * used go (first those full again, which lose nothing): a flood of new keys cannot empty an abuser's bucket.
 */
public final class TokenBuckets {

    private final double perSecond;
    private final double burst;
    private final int maxBuckets;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    public TokenBuckets(double perSecond, double burst, int maxBuckets) {
        if (perSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("a token bucket needs a positive rate and a burst of at least 1");
        }
        this.perSecond = perSecond;
        this.burst = burst;
        this.maxBuckets = maxBuckets;
    }

    /** Takes one token for {@code key}; false when its bucket is empty. */
    public boolean tryTake(String key) {
        return waitFor(key, 1, System.nanoTime()) == 0;
    }

    /**
     * Charges {@code cost} more tokens for work already admitted, whatever the bucket holds: it may go into
     * debt (at most ten bursts deep), which the key pays back before anything more of it is admitted. For a
     * cost known only once the work was looked at.
     */
    public void charge(String key, double cost, long nowNanos) {
        if (cost <= 0) {
            return;
        }
        Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(burst, nowNanos));
        synchronized (bucket) {
            double elapsed = Math.max(0, nowNanos - bucket.at) / 1e9;
            bucket.tokens = Math.max(-10 * burst, Math.min(burst, bucket.tokens + elapsed * perSecond) - cost);
            bucket.at = nowNanos;
        }
    }

    /**
     * Takes {@code cost} tokens for {@code key} when it has them and answers 0; otherwise takes nothing
     * and answers how many whole seconds (at least 1) until it would have them: a {@code Retry-After}.
     */
    public long waitFor(String key, double cost, long nowNanos) {
        if (buckets.size() > maxBuckets) {
            evict(nowNanos);
        }
        double needed = Math.min(cost, burst);
        Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(burst, nowNanos));
        synchronized (bucket) {
            double elapsed = Math.max(0, nowNanos - bucket.at) / 1e9;
            bucket.tokens = Math.min(burst, bucket.tokens + elapsed * perSecond);
            bucket.at = nowNanos;
            if (bucket.tokens + 1e-9 < needed) {
                return Math.max(1, (long) Math.ceil((needed - bucket.tokens) / perSecond));
            }
            bucket.tokens -= needed;
            return 0;
        }
    }

    /**
     * Brings the buckets down to nine tenths of {@code maxBuckets} (so that this runs once per tenth of new
     * keys, not on every one): first the buckets that are full again (a key that comes back gets a full one,
     * which is what it would have), then the least recently used.
     */
    private synchronized void evict(long nowNanos) {
        int keep = Math.max(1, maxBuckets - maxBuckets / 10);
        if (buckets.size() <= maxBuckets) {
            return; // another caller evicted meanwhile
        }
        buckets.entrySet().removeIf(e -> {
            Bucket b = e.getValue();
            synchronized (b) {
                return b.tokens + Math.max(0, nowNanos - b.at) / 1e9 * perSecond >= burst;
            }
        });
        int over = buckets.size() - keep;
        if (over <= 0) {
            return;
        }
        // each bucket's last use read once: other threads go on using them while this sorts
        record Use(String key, long at) {}
        buckets.entrySet().stream()
                .map(e -> new Use(e.getKey(), e.getValue().at))
                .sorted(java.util.Comparator.comparingLong(Use::at))
                .limit(over)
                .forEach(u -> buckets.remove(u.key()));
    }

    /** How many keys have a bucket now (for tests and metrics). */
    public int size() {
        return buckets.size();
    }
}
