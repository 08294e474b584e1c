package org.otaplatform.firmware.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.otaplatform.firmware.config.FirmwareConfig;

/** The firmware disk cache stays within its bound, least recently used first, never under a reader. */
class DiskCacheTest {

    private static final int KB = 1024;

    @TempDir
    Path dir;

    private Vertx vertx;
    private final Blobs blobs = new Blobs();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() {
        vertx.closeAndAwait();
    }

    @Test
    void pastItsBoundTheLeastRecentlyUsedPackageGoes() throws Exception {
        DiskCache cache = cache(3 * KB);
        String a = blobs.add(KB, 1), b = blobs.add(KB, 2), c = blobs.add(KB, 3), d = blobs.add(KB, 4);
        for (String sha : List.of(a, b, c, a)) { // a is used again: b is now the least recently used
            read(cache, sha);
        }

        read(cache, d);

        awaitCached(Set.of(a, c, d));
        assertThat(cache.usage()[0]).isEqualTo(3 * KB);
        read(cache, a);
        assertThat(blobs.fetches(a)).isEqualTo(1); // a never left
    }

    @Test
    void aPackageBeingServedIsNeverEvicted() throws Exception {
        DiskCache cache = cache(2 * KB);
        String a = blobs.add(KB, 1), b = blobs.add(KB, 2), c = blobs.add(KB, 3);
        DiskCache.Lease servingA = cache.lease(a, KB).await().indefinitely();
        read(cache, b);

        read(cache, c); // over the bound: a is the oldest but is being served, so b goes

        awaitCached(Set.of(a, c));
        assertThat(Files.readAllBytes(servingA.path())).isEqualTo(blobs.bytes(a));
        servingA.close();
        assertThat(cache.usage()[0]).isEqualTo(2 * KB);
    }

    @Test
    void aPackageLargerThanTheWholeBoundIsServedThenEvicted() throws Exception {
        DiskCache cache = cache(KB);
        String small = blobs.add(KB / 2, 1), huge = blobs.add(3 * KB, 2);
        read(cache, small);

        DiskCache.Lease lease = cache.lease(huge, 3 * KB).await().indefinitely();
        assertThat(Files.readAllBytes(lease.path())).isEqualTo(blobs.bytes(huge));
        awaitCached(Set.of(huge)); // the small one made room, in vain
        lease.close();

        awaitCached(Set.of());
        assertThat(cache.usage()[0]).isZero();
        read(cache, huge);
        assertThat(blobs.fetches(huge)).isEqualTo(2);
    }

    @Test
    void aDeletedPackageLeavesTheDiskOnceItsLastReaderIsDone() throws Exception {
        DiskCache cache = cache(10 * KB);
        String a = blobs.add(KB, 1);
        DiskCache.Lease serving = cache.lease(a, KB).await().indefinitely();

        cache.forget(a);

        assertThat(Files.exists(serving.path())).isTrue();
        serving.close();
        awaitCached(Set.of());
        read(cache, a);
        assertThat(blobs.fetches(a)).isEqualTo(2);
    }

    @Test
    void packagesDeletedThroughAnotherReplicaAreSweptAway() throws Exception {
        DiskCache cache = cache(10 * KB);
        String kept = blobs.add(KB, 1), deleted = blobs.add(KB, 2);
        read(cache, kept);
        read(cache, deleted);
        blobs.remove(deleted);

        cache.sweep().await().indefinitely();

        awaitCached(Set.of(kept));
    }

    @Test
    void filesLeftByAnEarlierRunAreCountedAndPartialOnesDropped() throws Exception {
        String a = blobs.add(KB, 1), b = blobs.add(KB, 2), c = blobs.add(KB, 3);
        Files.write(dir.resolve(a), blobs.bytes(a)); // the name before this cache was bounded
        Files.write(dir.resolve(b + ".0b9f4d8e-1c2a-4c33-9a41-5d6e7f8a9b0c"), blobs.bytes(b));
        Files.write(dir.resolve(c + ".0b9f4d8e-1c2a-4c33-9a41-5d6e7f8a9b0c.part"), new byte[10]);

        DiskCache cache = cache(KB); // a restart with a smaller bound

        awaitCached(Set.of(b)); // a was taken stock of first, so it is the older
        assertThat(cache.usage()[0]).isEqualTo(KB);
        read(cache, b);
        assertThat(blobs.fetches(b)).isZero();
    }

    private DiskCache cache(long maxBytes) throws IOException {
        FirmwareConfig config = new FirmwareConfig() {
            public Upload upload() {
                return null;
            }

            public Signing signing() {
                return null;
            }

            public Verification verification() {
                return null;
            }

            public Release release() {
                return null;
            }

            public Download download() {
                return new Download() {
                    public String cacheDir() {
                        return dir.toString();
                    }

                    public MemorySize cacheMaxSize() {
                        return new MemorySize(BigInteger.valueOf(maxBytes));
                    }

                    public RateLimit rateLimit() {
                        return null;
                    }
                };
            }
        };
        DiskCache cache = new DiskCache(vertx, blobs, config);
        cache.onStart(null);
        return cache;
    }

    private void read(DiskCache cache, String sha) throws IOException {
        try (DiskCache.Lease lease =
                cache.lease(sha, blobs.bytes(sha).length).await().indefinitely()) {
            assertThat(Files.readAllBytes(lease.path())).isEqualTo(blobs.bytes(sha));
        }
    }

    /** Exactly these contents are on disk (deletions run asynchronously), each once, nothing partial. */
    private void awaitCached(Set<String> expected) {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            try (Stream<Path> files = Files.list(dir)) {
                List<String> names = files.map(f -> f.getFileName().toString()).toList();
                assertThat(names).noneMatch(n -> n.endsWith(".part"));
                assertThat(names.stream().map(n -> n.substring(0, 64)).collect(Collectors.toList()))
                        .containsExactlyInAnyOrderElementsOf(expected);
            }
        });
    }

    /** Contents by SHA-256, counting how often each is copied out. */
    private static final class Blobs implements BlobStore {
        private final Map<String, byte[]> contents = new HashMap<>();
        private final Map<String, AtomicInteger> fetches = new HashMap<>();

        synchronized String add(int size, int seed) throws Exception {
            byte[] bytes = new byte[size];
            for (int i = 0; i < size; i++) {
                bytes[i] = (byte) (i * 31 + seed);
            }
            String sha = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            contents.put(sha, bytes);
            fetches.put(sha, new AtomicInteger());
            return sha;
        }

        synchronized byte[] bytes(String sha) {
            return contents.get(sha);
        }

        synchronized void remove(String sha) {
            contents.remove(sha);
        }

        synchronized int fetches(String sha) {
            return fetches.get(sha).get();
        }

        @Override
        public Uni<Boolean> store(String sha256, long size, Path source) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Uni<Boolean> deleteIfUnreferenced(String sha256) {
            throw new UnsupportedOperationException();
        }

        @Override
        public synchronized Uni<Set<String>> existing(List<String> sha256s) {
            return Uni.createFrom()
                    .item(sha256s.stream().filter(contents::containsKey).collect(Collectors.toSet()));
        }

        @Override
        public Uni<Void> copyTo(String sha256, Path target) {
            return Uni.createFrom().item(() -> {
                try {
                    synchronized (this) {
                        fetches.get(sha256).incrementAndGet();
                        Files.write(target, contents.get(sha256));
                    }
                    return null;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
    }
}
