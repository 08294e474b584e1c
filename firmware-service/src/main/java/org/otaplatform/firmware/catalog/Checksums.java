package org.otaplatform.firmware.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Size, SHA-256 and MD5 of a file, computed in one streaming pass. */
public record Checksums(long size, String sha256, String md5) {

    /** Blocking: call it on a worker thread. */
    public static Checksums of(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            byte[] buffer = new byte[256 * 1024];
            long size = 0;
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                sha.update(buffer, 0, n);
                md5.update(buffer, 0, n);
                size += n;
            }
            HexFormat hex = HexFormat.of();
            return new Checksums(size, hex.formatHex(sha.digest()), hex.formatHex(md5.digest()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
