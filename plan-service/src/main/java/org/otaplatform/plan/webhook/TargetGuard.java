package org.otaplatform.plan.webhook;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * Where a webhook may go (a guard against server-side request forgery): http or https, no user info,
 * and a host whose every address is public, unless the configuration allows it (an address or a CIDR):
 * loopback, link-local (a cloud's metadata service), private, unique-local, any-local and multicast
 * addresses are refused. Resolving is blocking: call it off the event loop.
 */
final class TargetGuard {

    private final List<byte[][]> allowed;

    TargetGuard(Optional<List<String>> allowedTargets) {
        this.allowed = allowedTargets.orElse(List.of()).stream()
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(TargetGuard::cidr)
                .toList();
    }

    /** Why {@code url} may not be a target; empty when it may. */
    Optional<String> refusal(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (Exception e) {
            return Optional.of("must be an absolute http or https URL");
        }
        if (uri.getScheme() == null
                || !(uri.getScheme().equalsIgnoreCase("https")
                        || uri.getScheme().equalsIgnoreCase("http"))
                || uri.getHost() == null) {
            return Optional.of("must be an absolute http or https URL");
        }
        if (uri.getRawUserInfo() != null) {
            return Optional.of("must not carry user info: the signature authenticates the platform");
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(uri.getHost());
        } catch (UnknownHostException e) {
            return Optional.of("names a host that does not resolve: " + uri.getHost());
        }
        for (InetAddress a : addresses) {
            if (internal(a) && !isAllowed(a)) {
                return Optional.of("resolves to " + a.getHostAddress()
                        + ", an internal address (loopback, link-local, private or multicast); allow it with"
                        + " OTA_PLAN_WEBHOOKS_ALLOWED_TARGETS if it is meant");
            }
        }
        return Optional.empty();
    }

    static boolean internal(InetAddress a) {
        if (a.isLoopbackAddress()
                || a.isLinkLocalAddress()
                || a.isSiteLocalAddress()
                || a.isAnyLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            return (b[0] & 0xfe) == 0xfc; // fc00::/7, unique local
        }
        // 100.64.0.0/10 (carrier-grade NAT) and 0.0.0.0/8
        return ((b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64) || b[0] == 0;
    }

    private boolean isAllowed(InetAddress a) {
        byte[] b = a.getAddress();
        for (byte[][] range : allowed) {
            byte[] network = range[0];
            int bits = range[1][0] & 0xff;
            if (network.length == b.length && matches(network, b, bits)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(byte[] network, byte[] address, int bits) {
        for (int i = 0; i < bits; i++) {
            int mask = 0x80 >> (i % 8);
            if ((network[i / 8] & mask) != (address[i / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** {@code [network bytes, [prefix length]]} of an address or CIDR. */
    private static byte[][] cidr(String value) {
        String[] parts = value.split("/", 2);
        try {
            byte[] network = InetAddress.getByName(parts[0]).getAddress();
            int bits = parts.length == 2 ? Integer.parseInt(parts[1]) : network.length * 8;
            if (bits < 0 || bits > network.length * 8) {
                throw new IllegalArgumentException("ota.plan.webhooks.allowed-targets: bad prefix in " + value);
            }
            return new byte[][] {network, {(byte) bits}};
        } catch (UnknownHostException | NumberFormatException e) {
            throw new IllegalArgumentException(
                    "ota.plan.webhooks.allowed-targets: " + value + " is not an address or a CIDR", e);
        }
    }
}
