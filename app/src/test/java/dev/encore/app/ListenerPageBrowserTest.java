package dev.encore.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.encore.show.ShowConfig;
import java.io.File;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The demo end to end in a real browser: headless Chromium opens {@code /l/demo} on a phone-sized window, taps the button,
 * and must receive and decode the synthetic performer's audio over WebRTC (ICE-lite, DTLS-SRTP) from the in-process server.
 * Uses Debian's chromium and chromedriver; fails (never skips) when they are missing.
 */
class ListenerPageBrowserTest {
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final String STATS_SCRIPT = "const done = arguments[arguments.length - 1];"
            + "window.encoreStats().then(done, e => done({error: String(e)}));";

    @Test
    void demoPlaysInHeadlessChromium(@TempDir Path profile) throws Exception {
        requireExecutable(CHROMIUM);
        requireExecutable(CHROMEDRIVER);
        System.setProperty("ice4j.harvest.mapping.aws.enabled", "false");
        Logging.install();
        ShowConfig show = DemoShow.config();
        try (EncoreServer server = EncoreServer.start(EncoreServer.Options.loopback(), List.of(show));
                SyntheticPerformer performer = DemoShow.startPerformer(show, server.router(show.id()).orElseThrow())) {
            WebDriver driver = startChromium(profile);
            try {
                driver.get("http://127.0.0.1:" + server.httpPort() + "/l/" + show.id());
                assertThat(driver.findElement(By.id("title")).getText()).isEqualTo(DemoShow.TITLE);
                screenshot(driver, "listener-page-idle.png");

                driver.findElement(By.id("listen")).click();
                String metricsUrl = "http://127.0.0.1:" + server.httpPort() + "/metrics";
                Map<String, Object> first = awaitStats(driver, metricsUrl,
                        s -> "live".equals(s.get("state")) && number(s, "packetsReceived") > 0,
                        "the page to be live and receiving packets");
                Map<String, Object> later = awaitStats(driver, metricsUrl,
                        s -> number(s, "packetsReceived") > number(first, "packetsReceived") + 25 && number(s, "audioLevel") > 0,
                        "packetsReceived to grow and audioLevel > 0");
                assertThat(number(later, "bytesReceived")).isGreaterThan(number(first, "bytesReceived"));
                assertThat(driver.findElement(By.id("status")).getText()).isEqualTo("Live");
                // The show channel is up too: the demo's set list is planned.
                assertThat(driver.findElement(By.id("now-detail")).getText()).isEqualTo(DemoShow.SONGS.size() + " songs planned");
                screenshot(driver, "listener-page-live.png");

                assertThat(server.router(show.id()).orElseThrow().consumerCount()).isEqualTo(1);
            } finally {
                driver.quit();
            }
        }
    }

    static void requireExecutable(String path) {
        if (!Files.isExecutable(Path.of(path))) {
            fail(path + " is missing (expected: Debian's chromium and chromium-driver; run scripts/install-test-deps.sh)");
        }
    }

    /** Headless Chromium with the Debian driver given explicitly, so Selenium Manager never downloads anything. */
    static WebDriver startChromium(Path profile) {
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        // A phone's viewport (headless windows are at least 500 px wide, so --window-size alone is not enough).
        options.setExperimentalOption("mobileEmulation", Map.of("deviceMetrics", Map.of("width", 390, "height", 844,
                "pixelRatio", 2, "touch", true)));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--autoplay-policy=no-user-gesture-required", "--use-fake-ui-for-media-stream",
                "--window-size=390,844", "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        return driver;
    }

    static void screenshot(WebDriver driver, String name) throws Exception {
        Path target = Path.of("target", name);
        Files.createDirectories(target.getParent());
        Files.write(target, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    private static Map<String, Object> awaitStats(WebDriver driver, String metricsUrl, Predicate<Map<String, Object>> done,
            String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Map<String, Object> stats = Map.of();
        while (System.nanoTime() < deadline) {
            stats = stats(driver);
            if (done.test(stats)) {
                return stats;
            }
            Thread.sleep(250);
        }
        return fail("waited 20 s for " + what + "; last encoreStats(): " + stats + "; server counters:\n" + mediaCounters(metricsUrl));
    }

    /** The server's non-zero media counters (drops by reason, handshakes, ...): what to look at when a browser can't connect. */
    private static String mediaCounters(String metricsUrl) throws Exception {
        try (InputStream in = URI.create(metricsUrl).toURL().openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> l.startsWith("encore_media_") || l.startsWith("encore_dropped"))
                    .filter(l -> !l.endsWith(" 0.0"))
                    .collect(Collectors.joining("\n"));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stats(WebDriver driver) {
        return (Map<String, Object>) ((JavascriptExecutor) driver).executeAsyncScript(STATS_SCRIPT);
    }

    private static double number(Map<String, Object> stats, String key) {
        Object value = stats.get(key);
        return value instanceof Number n ? n.doubleValue() : 0;
    }
}
