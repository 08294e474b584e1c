package org.otaplatform.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.otaplatform.testkit.PackageCycles;

/** The service's packages form layers: no package depends, directly or through others, on itself. */
class PackageLayersTest {

    @Test
    void noPackageCycles() {
        var uses = PackageCycles.dependencies(Path.of("src/main/java"), "org.otaplatform.plan");
        assertThat(uses).as("packages found").hasSizeGreaterThan(3);
        assertThat(PackageCycles.cycles(uses)).as("package cycles in %s", uses).isEmpty();
    }

    @Test
    void aCycleThroughOtherPackagesIsFoundOnce() {
        var uses = java.util.Map.of(
                "task", java.util.Set.of("plan", "device"),
                "plan", java.util.Set.of("config"),
                "device", java.util.Set.of("schedule"),
                "schedule", java.util.Set.of("task"),
                "config", java.util.Set.<String>of());
        assertThat(PackageCycles.cycles(uses)).containsExactly("device → schedule → task → device");
    }
}
