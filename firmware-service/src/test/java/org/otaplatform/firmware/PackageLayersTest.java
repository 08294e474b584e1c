package org.otaplatform.firmware;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.otaplatform.testkit.PackageCycles;

/** The service's packages form layers: no package depends, directly or through others, on itself. */
class PackageLayersTest {

    @Test
    void noPackageCycles() {
        var uses = PackageCycles.dependencies(Path.of("src/main/java"), "org.otaplatform.firmware");
        assertThat(uses).as("packages found").hasSizeGreaterThan(3);
        assertThat(PackageCycles.cycles(uses)).as("package cycles in %s", uses).isEmpty();
    }
}
