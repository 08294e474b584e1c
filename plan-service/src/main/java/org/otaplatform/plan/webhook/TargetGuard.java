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
 * loopback, link-local (a cloud's metadata service), private, unique-local, any-local, multicast, reserved
 * (240.0.0.0/4), benchmarking (198.18.0.0/15), IETF (192.0.0.0/24) and documentation addresses are refused,
 * and so are IPv6 forms that carry an IPv4 address (NAT64 64:ff9b::/96, 6to4 2002::/16, IPv4-compatible).
 * The caller connects to the address that was checked ({@link Target#address()}), never resolving the name
 * again: a name that resolves to a public address for the check and to an internal one for the request (DNS
 * rebinding) reaches nothing. Resolving is blocking: call it off the event loop.
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

    /** A checked target: the address to connect to, or why {@code url} may not be one. */
    record Target(InetAddress address, String refusal) {
        static Target refused(String why) {
            return new Target(null, why);
        }
    }

    /** Why {@code url} may not be a target; empty when it may. */
    Optional<String> refusal(String url) {
        return Optional.ofNullable(check(url).refusal());
    }

    /** The address {@code url} is to be reached at, every address of its host checked; or why it may not be. */
    Target check(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (Exception e) {
            return Target.refused("must be an absolute http or https URL");
        }
        if (uri.getScheme() == null
                || !(uri.getScheme().equalsIgnoreCase("https")
                        || uri.getScheme().equalsIgnoreCase("http"))
                || uri.getHost() == null) {
            return Target.refused("must be an absolute http or https URL");
        }
        if (uri.getRawUserInfo() != null) {
            return Target.refused("must not carry user info: the signature authenticates the platform");
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(uri.getHost());
        } catch (UnknownHostException e) {
            return Target.refused("names a host that does not resolve: " + uri.getHost());
        }
        for (InetAddress a : addresses) {
            if (internal(a) && !isAllowed(a)) {
                return Target.refused("resolves to " + a.getHostAddress()
                        + ", an internal address (loopback, link-local, private, multicast or reserved);"
                        + " allow it with OTA_PLAN_WEBHOOKS_ALLOWED_TARGETS if it is meant");
            }
        }
        // every address was checked; the request goes to one of them (IPv4 first: the one most receivers serve)
        for (InetAddress a : addresses) {
            if (a instanceof java.net.Inet4Address) {
                return new Target(a, null);
            }
        }
        return new Target(addresses[0], null);
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
            boolean zeros96 = true;
            for (int i = 0; i < 12; i++) {
                zeros96 &= b[i] == 0;
            }
            boolean nat64 =
                    (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
            for (int i = 4; nat64 && i < 12; i++) {
                nat64 = b[i] == 0;
            }
            return (b[0] & 0xfe) == 0xfc // fc00::/7, unique local
                    || ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) // 2002::/16, 6to4: an IPv4 inside
                    || nat64 // 64:ff9b::/96, NAT64: an IPv4 inside
                    || zeros96; // ::a.b.c.d, IPv4-compatible (deprecated), :: and ::1 with it
        }
        int b0 = b[0] & 0xff;
        int b1 = b[1] & 0xff;
        int b2 = b[2] & 0xff;
        return (b0 == 100 && (b1 & 0xc0) == 64) // 100.64.0.0/10, carrier-grade NAT
                || b0 == 0 // 0.0.0.0/8
                || b0 >= 240 // 240.0.0.0/4, reserved, and the broadcast address
                || (b0 == 198 && (b1 & 0xfe) == 18) // 198.18.0.0/15, benchmarking
                || (b0 == 192 && b1 == 0 && (b2 == 0 || b2 == 2)) // 192.0.0.0/24 IETF, 192.0.2.0/24 TEST-NET-1
                || (b0 == 198 && b1 == 51 && b2 == 100) // TEST-NET-2
                || (b0 == 203 && b1 == 0 && b2 == 113); // TEST-NET-3
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
