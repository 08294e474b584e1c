package org.otaplatform.plan.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TargetGuardTest {

    private static boolean internal(String literal) throws Exception {
        return TargetGuard.internal(InetAddress.getByName(literal));
    }

    /** The ranges the first guard missed (issue #35): each internal, reserved or an IPv4 in IPv6 clothing. */
    @Test
    void theSsrfGuardRefusesReservedBenchmarkingIetfAndEmbeddedIpv4Ranges() throws Exception {
        for (String a : List.of(
                "240.0.0.1",
                "255.255.255.255",
                "198.18.0.1",
                "198.19.255.254",
                "192.0.0.8",
                "192.0.2.1",
                "198.51.100.7",
                "203.0.113.9",
                "64:ff9b::a9fe:a9fe", // NAT64 of 169.254.169.254
                "2002:a9fe:a9fe::1", // 6to4 of 169.254.169.254
                "::a9fe:a9fe", // IPv4-compatible 169.254.169.254
                "::ffff:169.254.169.254", // IPv4-mapped: Java makes it the IPv4 address
                "127.0.0.1",
                "10.1.2.3",
                "169.254.169.254",
                "100.64.0.1",
                "fd00::1",
                "::1",
                "::")) {
            assertThat(internal(a)).as(a).isTrue();
        }
        for (String a : List.of("93.184.216.34", "198.20.0.1", "192.0.3.1", "2606:4700::1111", "64:ff9c::1")) {
            assertThat(internal(a)).as(a).isFalse();
        }
    }

    /**
     * The guard hands over the address it checked, so that the request is made to it and the name is not
     * resolved again (DNS rebinding: public for the check, internal for the request).
     */
    @Test
    void theSsrfGuardConnectsToTheAddressItChecked() {
        TargetGuard guard = new TargetGuard(Optional.of(List.of("127.0.0.1", "::1")));
        TargetGuard.Target target = guard.check("http://localhost:8080/hook");
        assertThat(target.refusal()).isNull();
        assertThat(target.address().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(new TargetGuard(Optional.empty())
                        .check("http://localhost:8080/hook")
                        .refusal())
                .contains("internal");
        assertThat(guard.check("http://user:pw@localhost/").refusal()).contains("user info");
        assertThat(guard.check("ftp://localhost/").refusal()).contains("http or https");
    }
}
