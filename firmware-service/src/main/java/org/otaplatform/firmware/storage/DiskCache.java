package org.otaplatform.firmware.storage;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.file.CopyOptions;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.otaplatform.firmware.config.FirmwareConfig;

/**
 * Packages on this replica's local disk, so that downloads are served with sendfile. A file is only
 * published (by an atomic rename) after its SHA-256 was checked, concurrent first requests fetch it
 * once, and content never changes, so a cached file never goes stale.
 *
 * <p>The cache is bounded ({@code ota.firmware.download.cache-max-size}, below the volume it lives on):
 * past the bound, the least recently used files go, but never one that is being served — a reader holds a
 * {@link Lease} until its response is written. A package larger than the whole bound is still served: it
 * is fetched, served, and evicted when its last reader is done. A deleted package's file goes with it on
 * this replica at once ({@link #forget}); the other replicas find out by sweeping ({@link #sweep}). Each
 * fetch writes a file of its own name ({@code <sha256>.<uuid>}), so evicting an old copy never removes a
 * new one.
 */
@ApplicationScoped
public class DiskCache {

    private static final Logger LOG = Logger.getLogger(DiskCache.class);
    private static final Pattern CACHED = Pattern.compile("([0-9a-f]{64})(\\.[0-9a-f-]{36})?");
    private static final int MAX_FETCH_ATTEMPTS = 3;

    private final Vertx vertx;
    private final BlobStore blobs;
    private final Path dir;
    private final long maxBytes;
    private final Map<String, Uni<Entry>> inFlight = new ConcurrentHashMap<>();

    /** Files in place, by SHA-256; guarded by {@code this}, as are {@link #total} and each entry's fields. */
    private final Map<String, Entry> entries = new HashMap<>();

    private long total;
    private long clock;

    DiskCache(Vertx vertx, BlobStore blobs, FirmwareConfig config) {
        this.vertx = vertx;
        this.blobs = blobs;
        this.dir = Path.of(config.download().cacheDir());
        this.maxBytes = config.download().cacheMaxSize().asLongValue();
    }

    /** One reader of a cached file: the file stays until {@link #close} (idempotent). */
    public final class Lease implements AutoCloseable {
        private final Entry entry;
        private boolean closed;

        private Lease(Entry entry) {
            this.entry = entry;
        }

        public Path path() {
            return entry.path;
        }

        @Override
        public void close() {
            List<Entry> gone;
            synchronized (DiskCache.this) {
                if (closed) {
                    return;
                }
                closed = true;
                entry.users--;
                gone = entry.doomed && entry.users == 0 ? List.of(released(entry)) : evict(null);
            }
            delete(gone);
        }
    }

    private static final class Entry {
        final String sha256;
        final Path path;
        final long size;
        long lastUsed;
        int users;
        boolean doomed;

        Entry(String sha256, Path path, long size) {
            this.sha256 = sha256;
            this.path = path;
            this.size = size;
        }
    }

    /** Takes stock of the files a previous run left (the volume may outlive the process); drops partial ones. */
    void onStart(@Observes StartupEvent start) throws IOException {
        Files.createDirectories(dir);
        List<Path> stale = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                var name = CACHED.matcher(file.getFileName().toString());
                synchronized (this) {
                    if (name.matches() && !entries.containsKey(name.group(1)) && Files.isRegularFile(file)) {
                        Entry entry = new Entry(name.group(1), file, Files.size(file));
                        entry.lastUsed = ++clock;
                        entries.put(entry.sha256, entry);
                        total += entry.size;
                    } else {
                        stale.add(file);
                    }
                }
            }
        }
        for (Path file : stale) {
            Files.deleteIfExists(file);
        }
        List<Entry> gone;
        synchronized (this) {
            gone = evict(null);
        }
        delete(gone);
        LOG.infof("firmware cache %s: %d files, %d of %d bytes", dir, entries.size(), total, maxBytes);
    }

    /** The local file holding this content, fetched from the blob store on first use, held until closed. */
    public Uni<Lease> lease(String sha256, long size) {
        return lease(sha256, size, 1);
    }

    private Uni<Lease> lease(String sha256, long size, int attempt) {
        Lease held = acquire(sha256, size);
        if (held != null) {
            return Uni.createFrom().item(held);
        }
        Uni<Entry> fetching = inFlight.computeIfAbsent(
                sha256,
                key -> fetch(key, size)
                        .eventually(() -> {
                            inFlight.remove(key); // a Runnable: the removed Uni must not be awaited
                        })
                        .memoize()
                        .indefinitely());
        return fetching.flatMap(fetched -> {
            Lease lease = acquire(sha256, size);
            if (lease != null) {
                return Uni.createFrom().item(lease);
            }
            if (attempt >= MAX_FETCH_ATTEMPTS) {
                return Uni.createFrom()
                        .failure(new IllegalStateException("cached content " + sha256 + " was evicted as it arrived"));
            }
            return lease(sha256, size, attempt + 1); // evicted between its arrival and this reader
        });
    }

    private synchronized Lease acquire(String sha256, long size) {
        Entry entry = entries.get(sha256);
        if (entry == null || entry.size != size) {
            return null;
        }
        entry.users++;
        entry.lastUsed = ++clock;
        return new Lease(entry);
    }

    /** Drops the content of a deleted package from this replica's disk, once no reader holds it. */
    public void forget(String sha256) {
        Entry entry;
        synchronized (this) {
            entry = entries.remove(sha256);
            if (entry == null) {
                return;
            }
            entry.doomed = true;
            if (entry.users > 0) {
                return; // deleted by the last reader's close
            }
            released(entry);
        }
        delete(List.of(entry));
    }

    /** Forgets cached content whose package was deleted through another replica. */
    @Scheduled(every = "5m", delayed = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        List<String> cached;
        synchronized (this) {
            cached = List.copyOf(entries.keySet());
        }
        if (cached.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return blobs.existing(cached)
                .invoke(kept ->
                        cached.stream().filter(sha -> !kept.contains(sha)).forEach(this::forget))
                .replaceWithVoid();
    }

    /** Bytes on disk now, and the bound. */
    public synchronized long[] usage() {
        return new long[] {total, maxBytes};
    }

    private Uni<Entry> fetch(String sha256, long size) {
        String name = sha256 + "." + UUID.randomUUID();
        Path part = dir.resolve(name + ".part");
        Path target = dir.resolve(name);
        return vertx.fileSystem()
                .mkdirs(dir.toString())
                .flatMap(v -> blobs.copyTo(sha256, part))
                .flatMap(v -> Uni.createFrom()
                        .item(() -> sha256Of(part))
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                .flatMap(actual -> {
                    if (!actual.equals(sha256)) {
                        LOG.errorf("stored content %s reads back as %s: refusing to serve it", sha256, actual);
                        return Uni.createFrom().failure(new IllegalStateException("stored content is corrupt"));
                    }
                    return vertx.fileSystem()
                            .move(
                                    part.toString(),
                                    target.toString(),
                                    new CopyOptions().setReplaceExisting(true).setAtomicMove(true));
                })
                .map(v -> added(new Entry(sha256, target, size)))
                .onFailure()
                .call(() ->
                        vertx.fileSystem().delete(part.toString()).onFailure().recoverWithNull());
    }

    /** Puts a fetched file in place, replacing any older copy, and makes room for it. */
    private Entry added(Entry entry) {
        List<Entry> gone = new ArrayList<>();
        synchronized (this) {
            Entry old = entries.put(entry.sha256, entry);
            if (old != null) {
                old.doomed = true;
                if (old.users == 0) {
                    gone.add(released(old));
                }
            }
            entry.lastUsed = ++clock;
            total += entry.size;
            // not the new file: the readers that fetched it take it next (one larger than the whole bound
            // is evicted when its last reader is done)
            gone.addAll(evict(entry));
        }
        delete(gone);
        return entry;
    }

    /**
     * Removes least recently used entries no reader holds until the cache is within its bound; the
     * caller deletes their files outside the lock.
     */
    private List<Entry> evict(Entry keep) {
        if (total <= maxBytes) {
            return List.of();
        }
        List<Entry> idle = entries.values().stream()
                .filter(e -> e.users == 0 && e != keep)
                .sorted(Comparator.comparingLong(e -> e.lastUsed))
                .toList();
        List<Entry> gone = new ArrayList<>();
        for (Entry e : idle) {
            if (total <= maxBytes) {
                break;
            }
            entries.remove(e.sha256);
            e.doomed = true;
            gone.add(released(e));
        }
        return gone;
    }

    /** An entry whose file is about to be deleted no longer counts; under the lock. */
    private Entry released(Entry entry) {
        total -= entry.size;
        return entry;
    }

    /** Deletes the files of entries that left the cache (outside the lock). */
    private void delete(List<Entry> gone) {
        for (Entry e : gone) {
            vertx.fileSystem()
                    .delete(e.path.toString())
                    .subscribe()
                    .with(
                            v -> LOG.debugf("firmware cache: %s evicted (%d bytes)", e.sha256, e.size),
                            failure -> LOG.warnf("firmware cache: deleting %s failed: %s", e.path, failure));
        }
    }

    static String sha256Of(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[256 * 1024];
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
