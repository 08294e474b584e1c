package org.otaplatform.firmware.storage;

import io.smallrye.mutiny.Uni;
import java.nio.file.Path;

/**
 * Immutable package content addressed by its SHA-256, shared by every replica of the service. The
 * default lives in PostgreSQL, so scaling out needs no shared disk.
 */
public interface BlobStore {

    /**
     * Stores the content of {@code source} under {@code sha256} unless it is there already; runs in the
     * caller's transaction, so a failed upload leaves nothing. True when the bytes were new.
     */
    Uni<Boolean> store(String sha256, long size, Path source);

    /**
     * Removes the content when no package refers to it any more; in the caller's transaction. True when
     * it was removed.
     */
    Uni<Boolean> deleteIfUnreferenced(String sha256);

    /** Which of these contents are stored. */
    Uni<java.util.Set<String>> existing(java.util.List<String> sha256s);

    /** Writes the whole content into {@code target}, chunk by chunk, never holding it all in memory. */
    Uni<Void> copyTo(String sha256, Path target);
}
