package org.otaplatform.e2e;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The machine's Chromium (Debian's {@code chromium} package) driven by Playwright for Java, which never
 * downloads a browser of its own here. Without Chromium a browser test fails and says how to install it:
 * it is never skipped.
 */
final class Chromium implements AutoCloseable {

    /** Where Debian installs it; {@code OTA_CHROMIUM} names another binary. */
    private static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser");

    final Playwright playwright;
    final Browser browser;

    private Chromium(Playwright playwright, Browser browser) {
        this.playwright = playwright;
        this.browser = browser;
    }

    static Chromium launch() {
        Path binary = binary();
        Playwright playwright = Playwright.create(
                new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        Browser browser = playwright
                .chromium()
                .launch(new BrowserType.LaunchOptions()
                        .setExecutablePath(binary)
                        .setHeadless(true)
                        // root in a container has no user namespace for Chromium's sandbox
                        .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage")));
        return new Chromium(playwright, browser);
    }

    static Path binary() {
        String configured = System.getenv("OTA_CHROMIUM");
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            if (!Files.isExecutable(path)) {
                throw new IllegalStateException("OTA_CHROMIUM=" + configured + " is not an executable Chromium");
            }
            return path;
        }
        return CANDIDATES.stream()
                .map(Path::of)
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("The console's browser tests need Chromium, and none is"
                        + " installed: run `sudo apt-get install chromium` (Debian/Ubuntu; .ci/run does it), or set"
                        + " OTA_CHROMIUM to a Chromium binary. These tests are never skipped."));
    }

    @Override
    public void close() {
        browser.close();
        playwright.close();
    }
}
