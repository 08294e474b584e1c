package org.otaplatform.common.rate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenBucketsTest {

    private static final long SECOND = 1_000_000_000L;

    /**
     * The buckets were all cleared once there were more keys than allowed: a flood of new keys (download links,
     * gateway ids) gave an abuser a full bucket again. Now only the least recently used go.
     */
    @Test
    void aFloodOfNewKeysEvictsTheLeastRecentlyUsedOnlyNotAnAbusersEmptyBucket() {
        TokenBuckets buckets = new TokenBuckets(1, 5, 1_000);
        long now = 0;
        for (int i = 0; i < 5; i++) {
            assertThat(buckets.waitFor("abuser", 1, now)).isZero();
        }
        assertThat(buckets.waitFor("abuser", 1, now)).isPositive();
        for (int i = 0; i < 5_000; i++) {
            now += 1_000; // a microsecond apart: the abuser's bucket refills by almost nothing meanwhile
            buckets.waitFor("flood-" + i, 1, now);
            if (i % 100 == 0) {
                // the abuser keeps trying, and so stays among the recently used
                assertThat(buckets.waitFor("abuser", 1, now))
                        .as("after %d new keys", i)
                        .isPositive();
            }
        }
        assertThat(buckets.size()).isLessThanOrEqualTo(1_001);
        assertThat(buckets.waitFor("abuser", 1, now)).isPositive();
    }

    @Test
    void bucketsThatAreFullAgainGoFirstAndLoseNothing() {
        TokenBuckets buckets = new TokenBuckets(10, 2, 10);
        buckets.waitFor("busy", 2, 0);
        for (int i = 0; i < 10; i++) {
            buckets.waitFor("idle-" + i, 1, 0);
        }
        // a second later every idle bucket is full again; the busy one is drained again now
        long later = SECOND;
        assertThat(buckets.waitFor("busy", 2, later)).isZero();
        buckets.waitFor("new", 1, later);
        assertThat(buckets.size()).isLessThanOrEqualTo(10);
        assertThat(buckets.waitFor("busy", 2, later))
                .as("the busy key keeps its empty bucket")
                .isPositive();
        assertThat(buckets.waitFor("idle-3", 2, later))
                .as("an evicted key comes back full")
                .isZero();
    }
}
