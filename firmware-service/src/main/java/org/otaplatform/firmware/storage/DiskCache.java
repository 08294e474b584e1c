package org.otaplatform.firmware.storage;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.file.CopyOptions;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;
import org.otaplatform.firmware.config.FirmwareConfig;

/**
 * Packages on this replica's local disk, named by their SHA-256, so that downloads are served with
 * sendfile. Content never changes, so a cached file never goes stale; a file is only published (by an
 * atomic rename) after its SHA-256 was checked, and concurrent first requests fetch it once.
 */
@ApplicationScoped
public class DiskCache {

    private static final Logger LOG = Logger.getLogger(DiskCache.class);

    private final Vertx vertx;
    private final BlobStore blobs;
    private final Path dir;
    private final Map<String, Uni<Path>> inFlight = new ConcurrentHashMap<>();
    /** Files known to be in place: spares the event loop a file-system look-up per download. */
    private final Map<String, Path> ready = new ConcurrentHashMap<>();

    DiskCache(Vertx vertx, BlobStore blobs, FirmwareConfig config) {
        this.vertx = vertx;
        this.blobs = blobs;
        this.dir = Path.of(config.download().cacheDir());
    }

    /** The local file holding this content, fetched from the blob store on first use. */
    public Uni<Path> file(String sha256, long size) {
        Path known = ready.get(sha256);
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        Path target = dir.resolve(sha256);
        if (Files.isRegularFile(target) && sizeOf(target) == size) {
            ready.put(sha256, target);
            return Uni.createFrom().item(target);
        }
        return inFlight.computeIfAbsent(
                sha256,
                key -> fetch(key, target)
                        .eventually(() -> {
                            inFlight.remove(key); // a Runnable: the removed Uni must not be awaited
                        })
                        .memoize()
                        .indefinitely());
    }

    private Uni<Path> fetch(String sha256, Path target) {
        Path part = dir.resolve(sha256 + "." + UUID.randomUUID() + ".part");
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
                .replaceWith(target)
                .invoke(path -> ready.put(sha256, path))
                .onFailure()
                .call(() ->
                        vertx.fileSystem().delete(part.toString()).onFailure().recoverWithNull());
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
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
