package org.otaplatform.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository's root: {@code ota.repo.root}, or the nearest parent holding {@code deploy/}. */
public final class RepoRoot {

    private RepoRoot() {}

    public static Path find() {
        String configured = Env.get("ota.repo.root");
        if (configured != null && Files.isDirectory(Path.of(configured, "deploy"))) {
            return Path.of(configured);
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isDirectory(dir.resolve("deploy/broker")) && Files.exists(dir.resolve("pom.xml"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("cannot find the repository root (a folder with deploy/broker and pom.xml)");
    }
}
