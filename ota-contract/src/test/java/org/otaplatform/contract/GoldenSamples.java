package org.otaplatform.contract;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The golden JSON sample of every message, shared with every module's tests through this module's
 * test-jar. A sample's name is its topic suffix, optionally followed by {@code -variant}.
 */
public final class GoldenSamples {

    public static final List<String> UPLINK = List.of(
            "hello",
            "hello-signed",
            "offline",
            "offline-with-id",
            "topology",
            "hello-gateway-revision",
            "topology-signed",
            "status",
            "version",
            "request",
            "ack",
            "progress",
            "progress-failed");

    public static final List<String> DOWNLINK =
            List.of("upgrade", "gateway-upgrade", "cancel", "reply", "reply-no-upgrade", "error", "error-devices");

    private GoldenSamples() {}

    public static byte[] uplink(String name) {
        return load("golden/uplink/" + name + ".json");
    }

    public static byte[] downlink(String name) {
        return load("golden/downlink/" + name + ".json");
    }

    public static UplinkType uplinkType(String name) {
        return UplinkType.fromSuffix(name.split("-")[0]).orElseThrow();
    }

    /** The type a sample is of: its whole name when that is a type ({@code gateway-upgrade}), else its first part. */
    public static DownlinkType downlinkType(String name) {
        return DownlinkType.fromSuffix(name)
                .or(() -> DownlinkType.fromSuffix(name.split("-")[0]))
                .orElseThrow();
    }

    private static byte[] load(String resource) {
        try (InputStream in = GoldenSamples.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no golden sample " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
