package org.otaplatform.firmware.storage;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.file.OpenOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.file.AsyncFile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import org.hibernate.reactive.mutiny.Mutiny;

/** Content in PostgreSQL: one {@code blob} row and 1 MiB {@code blob_chunk} rows. */
@ApplicationScoped
public class PostgresBlobStore implements BlobStore {

    static final int CHUNK_SIZE = 1024 * 1024;

    private final Vertx vertx;
    private final Pool pool;

    PostgresBlobStore(Vertx vertx, Pool pool) {
        this.vertx = vertx;
        this.pool = pool;
    }

    @Override
    public Uni<Boolean> store(String sha256, long size, Path source) {
        return Panache.getSession()
                .flatMap(session -> session.createNativeQuery(
                                "INSERT INTO blob (sha256, size, chunk_size) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING")
                        .setParameter(1, sha256)
                        .setParameter(2, size)
                        .setParameter(3, CHUNK_SIZE)
                        .executeUpdate()
                        .flatMap(inserted -> inserted == 0
                                ? Uni.createFrom().item(false)
                                : vertx.fileSystem()
                                        .open(source.toString(), new OpenOptions().setRead(true))
                                        .flatMap(file -> writeChunks(session, file, sha256, size, 0)
                                                .eventually(file::close))
                                        .replaceWith(true)));
    }

    private Uni<Void> writeChunks(Mutiny.Session session, AsyncFile file, String sha256, long size, int seq) {
        long position = (long) seq * CHUNK_SIZE;
        if (position >= size) {
            return Uni.createFrom().voidItem();
        }
        int length = (int) Math.min(CHUNK_SIZE, size - position);
        return file.read(Buffer.buffer(length), 0, position, length)
                .flatMap(chunk -> {
                    if (chunk.length() != length) {
                        return Uni.createFrom()
                                .failure(new IllegalStateException("the uploaded file changed while it was stored"));
                    }
                    return session.createNativeQuery("INSERT INTO blob_chunk (sha256, seq, data) VALUES (?1, ?2, ?3)")
                            .setParameter(1, sha256)
                            .setParameter(2, seq)
                            .setParameter(3, chunk.getBytes())
                            .executeUpdate();
                })
                .flatMap(ignored -> writeChunks(session, file, sha256, size, seq + 1));
    }

    @Override
    public Uni<Boolean> deleteIfUnreferenced(String sha256) {
        return Panache.getSession()
                .flatMap(session -> session.createNativeQuery("DELETE FROM blob b WHERE b.sha256 = ?1"
                                + " AND NOT EXISTS (SELECT 1 FROM firmware f WHERE f.sha256 = b.sha256)")
                        .setParameter(1, sha256)
                        .executeUpdate())
                .map(deleted -> deleted > 0);
    }

    @Override
    public Uni<java.util.Set<String>> existing(java.util.List<String> sha256s) {
        return pool.preparedQuery("SELECT sha256 FROM blob WHERE sha256 = ANY($1)")
                .execute(Tuple.of(sha256s.toArray(String[]::new)))
                .map(rows -> {
                    java.util.Set<String> found = new java.util.HashSet<>();
                    rows.forEach(row -> found.add(row.getString(0)));
                    return found;
                });
    }

    @Override
    public Uni<Void> copyTo(String sha256, Path target) {
        return pool.preparedQuery("SELECT size FROM blob WHERE sha256 = $1")
                .execute(Tuple.of(sha256))
                .flatMap(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().failure(new IllegalStateException("no content " + sha256));
                    }
                    long size = rows.iterator().next().getLong("size");
                    return vertx.fileSystem()
                            .open(
                                    target.toString(),
                                    new OpenOptions()
                                            .setWrite(true)
                                            .setCreate(true)
                                            .setTruncateExisting(true))
                            .flatMap(file -> readChunks(file, sha256, size, 0).eventually(file::close));
                });
    }

    private Uni<Void> readChunks(AsyncFile file, String sha256, long size, int seq) {
        long position = (long) seq * CHUNK_SIZE;
        if (position >= size) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery("SELECT data FROM blob_chunk WHERE sha256 = $1 AND seq = $2")
                .execute(Tuple.of(sha256, seq))
                .flatMap(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom()
                                .failure(new IllegalStateException("chunk " + seq + " of " + sha256 + " is missing"));
                    }
                    Row row = rows.iterator().next();
                    return file.write(row.getBuffer("data"), position);
                })
                .flatMap(ignored -> readChunks(file, sha256, size, seq + 1));
    }
}
