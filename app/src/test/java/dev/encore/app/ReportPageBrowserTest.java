package dev.encore.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.encore.show.ShowConfig;
import dev.encore.show.live.ShowEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/**
 * Time to first audio end to end in headless Chromium: the demo's synthetic performer is on air, the listener page taps
 * Listen and plays over WebRTC, the media server records the page's AudioStarted, and the report page (unlocked with the
 * performer key) shows that listener's time to first audio. Fails (never skips) when chromium or chromedriver is missing.
 */
class ReportPageBrowserTest {

    @Test
    void aBrowserListenersTimeToFirstAudioIsOnTheReportPage(@TempDir Path profile) throws Exception {
        ListenerPageBrowserTest.requireExecutable(ListenerPageBrowserTest.CHROMIUM);
        ListenerPageBrowserTest.requireExecutable(ListenerPageBrowserTest.CHROMEDRIVER);
        System.setProperty("ice4j.harvest.mapping.aws.enabled", "false");
        Logging.install();
        ShowConfig show = DemoShow.config();
        try (EncoreServer server = EncoreServer.start(EncoreServer.Options.loopback(), List.of(show));
                SyntheticPerformer performer = DemoShow.startPerformer(show, server.router(show.id()).orElseThrow())) {
            List<ShowEvent> events = new CopyOnWriteArrayList<>();
            server.showChannel().subscribe(show.id(), (id, run, batch, history) -> events.addAll(batch));
            // A listener who joins before the audio is on air waits for the performer and is left out of the figure.
            await(() -> events.stream().anyMatch(e -> e instanceof ShowEvent.OnAir a && a.onAir()), "the performer on air");
            String base = "http://127.0.0.1:" + server.httpPort();
            WebDriver driver = ListenerPageBrowserTest.startChromium(profile);
            try {
                driver.get(base + "/l/" + show.id());
                driver.findElement(By.id("listen")).click();
                await(() -> events.stream().anyMatch(e -> e instanceof ShowEvent.AudioStarted), "the page's audio to start");
                long ttfa = events.stream().filter(e -> e instanceof ShowEvent.AudioStarted)
                        .mapToLong(e -> ((ShowEvent.AudioStarted) e).ttfaMillis()).findFirst().orElseThrow();

                driver.get(base + "/p/" + show.id() + "/report");
                driver.findElement(By.id("key")).sendKeys(show.performerKey().reveal());
                driver.findElement(By.cssSelector("#lock button")).click();
                await(() -> driver.findElement(By.id("report")).isDisplayed(), "the report to show");

                assertThat(driver.findElement(By.id("ttfa-text")).getText())
                        .isEqualTo("From the listener's offer to the first audio packet sent, over 1 listener session(s).");
                assertThat(driver.findElements(By.cssSelector("#ttfa svg rect.bar"))).hasSize(3);
                assertThat(driver.findElements(By.cssSelector("#ttfa svg text"))).extracting(e -> e.getText())
                        .contains("p50", "p99", "max");
                String card = driver.findElements(By.cssSelector("#cards .card")).stream()
                        .filter(c -> c.getText().contains("time to first audio")).findFirst().orElseThrow().getText();
                String shown = ttfa < 1000 ? ttfa + " ms" : String.format(java.util.Locale.ROOT, "%.1f s", ttfa / 1000.0);
                assertThat(card).as("server TTFA %d ms", ttfa).startsWith(shown + " / " + shown);
                assertThat(driver.findElement(By.id("summary")).getText()).contains("first audio in " + shown + " (p50)");
                ListenerPageBrowserTest.screenshot(driver, "report-page.png");
            } finally {
                driver.quit();
            }
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after 20 s waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
