package org.otaplatform.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * Fetches one package as a careful gateway does: streams it through SHA-256 (a real gateway would also
 * keep the bytes; the simulator needs only their digest), resumes after a broken connection with
 * {@code Range} and {@code If-Range}, caps its speed when asked, and gives up after a few failed tries.
 */
final class Downloader {

    /** How a download ended: the digest of what arrived, or why nothing usable did. */
    record Result(String sha256, long bytes, String failure) {
        boolean ok() {
            return failure == null;
        }
    }

    private static final int CHUNK = 64 * 1024;
    private static final int TRIES = 5;

    private final HttpClient http;
    private final Stats stats;

    Downloader(HttpClient http, Stats stats) {
        this.http = http;
        this.stats = stats;
    }

    /**
     * Blocking. {@code url} is asked again before each try, so a newer link replaces an expired one.
     *
     * @param interruptOnce cut the connection once half-way, to exercise resuming
     * @param percent told 0..100 as bytes arrive
     */
    Result fetch(Supplier<String> url, long size, long bytesPerSecond, boolean interruptOnce, IntConsumer percent) {
        MessageDigest digest = sha256();
        long have = 0;
        String etag = null;
        boolean interrupted = false;
        int lastPercent = -1;
        long started = System.nanoTime();
        for (int tries = 0; tries < TRIES && (have < size || size == 0); tries++) {
            HttpRequest.Builder request =
                    HttpRequest.newBuilder(URI.create(url.get())).timeout(Duration.ofSeconds(60));
            if (have > 0) {
                request.header("Range", "bytes=" + have + "-");
                if (etag != null) {
                    request.header("If-Range", etag);
                }
                stats.resumes.incrementAndGet();
            }
            try {
                HttpResponse<InputStream> response =
                        http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
                int status = response.statusCode();
                if (status == 200 && have > 0) {
                    digest.reset(); // the package changed or the server ignored the range: start over
                    have = 0;
                } else if (status != 200 && status != 206) {
                    response.body().close();
                    if (status == 403 || status == 404 || status == 410) {
                        return new Result(null, have, "HTTP " + status);
                    }
                    sleep(500);
                    continue;
                }
                etag = response.headers().firstValue("ETag").orElse(etag);
                try (InputStream in = response.body()) {
                    byte[] buffer = new byte[CHUNK];
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        digest.update(buffer, 0, n);
                        have += n;
                        stats.bytesDownloaded.addAndGet(n);
                        int p = size == 0 ? 100 : (int) (have * 100 / size);
                        if (p != lastPercent) {
                            lastPercent = p;
                            percent.accept(p);
                        }
                        if (bytesPerSecond > 0) {
                            long due = started + have * 1_000_000_000L / bytesPerSecond;
                            long wait = due - System.nanoTime();
                            if (wait > 0) {
                                sleep(wait / 1_000_000L);
                            }
                        }
                        if (interruptOnce && !interrupted && have >= size / 2 && have < size) {
                            interrupted = true;
                            break; // the connection "breaks": closing the stream mid-body
                        }
                    }
                }
                if (size == 0) {
                    break;
                }
            } catch (IOException e) {
                sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Result(null, have, "interrupted");
            }
        }
        if (have != size) {
            return new Result(null, have, "got " + have + " of " + size + " bytes");
        }
        return new Result(HexFormat.of().formatHex(digest.digest()), have, null);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(Math.max(0, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
