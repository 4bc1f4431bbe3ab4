package dev.encore.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;

import dev.encore.recording.RecordingStatus;
import dev.encore.show.ShowConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * The console's Highlights panel in headless Chromium: after a two-song set played through the real server by the
 * synthetic performer, the panel lists the recording's songs; "Make clip" for song 2 renders a clip on the server that
 * becomes ready, and "Play" loads the MP4 (fetched with the key) into the page's video element, which Chromium opens
 * with the clip's length. Uses Debian's chromium and chromedriver; fails (never skips) when they are missing.
 */
class HighlightsPanelBrowserTest {
    private static final String STATE = "return window.encoreHighlights();";

    @Test
    void theHighlightsPanelListsTheSongsAndMakesAClipThatPlays(@TempDir Path dir) throws Exception {
        ListenerPageBrowserTest.requireExecutable(ListenerPageBrowserTest.CHROMIUM);
        ListenerPageBrowserTest.requireExecutable(ListenerPageBrowserTest.CHROMEDRIVER);
        System.setProperty("ice4j.harvest.mapping.aws.enabled", "false");
        Logging.install();
        ShowConfig demo = DemoShow.config();
        String key = demo.performerKey().reveal();
        Path wav = dir.resolve("tone.wav");
        PerformerConsoleBrowserTest.writeToneWav(wav, 440, 2);
        try (EncoreServer server = EncoreServer.start(new EncoreServer.Options("127.0.0.1", 0, 0, null, dir.resolve("data")),
                List.of(demo))) {
            String base = "http://127.0.0.1:" + server.httpPort();
            try (SyntheticPerformer performer = DemoShow.startPerformer(demo, server.router(DemoShow.ID).orElseThrow())) {
                action(base, key, "set.start");
                Thread.sleep(2000);
                action(base, key, "set.next");
                Thread.sleep(2000);
                action(base, key, "set.end");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (server.recording(DemoShow.ID).orElseThrow().state() != RecordingStatus.State.CLOSED
                        && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
            }

            WebDriver driver = PerformerConsoleBrowserTest.startChromium(dir.resolve("profile"), wav);
            try {
                driver.get(base + "/p/" + DemoShow.ID);
                driver.findElement(By.id("key")).sendKeys(key);
                driver.findElement(By.id("unlock")).click();
                Map<String, Object> listed = await(driver, s -> ((List<?>) s.get("songs")).size() == 3,
                        "the panel to list the recording's two songs and the span choice");
                assertThat(listed.get("songs")).isEqualTo(List.of("1", "2", "span"));
                // The live figures show the set's recording, closed when the set ended.
                long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (!driver.findElement(By.id("recording")).getText().equals("Saved") && System.nanoTime() < until) {
                    Thread.sleep(200);
                }
                assertThat(driver.findElement(By.id("recording")).getText()).isEqualTo("Saved");
                assertThat(driver.findElement(By.id("recording-detail")).getText()).matches("0:0[2-9] · [0-9]+\\.[0-9] MB");
                assertThat(driver.findElement(By.id("clip-song")).getText()).contains("1. " + DemoShow.SONGS.get(0))
                        .contains("2. " + DemoShow.SONGS.get(1));
                assertThat(driver.findElement(By.id("highlights-state")).getText()).isEqualTo("No clips yet");

                new Select(driver.findElement(By.id("clip-song"))).selectByValue("2");
                driver.findElement(By.id("clip-make")).click();
                Map<String, Object> ready = await(driver, s -> clips(s).size() == 1
                        && "ready".equals(clips(s).get(0).get("state")), "the clip to be ready");
                assertThat(driver.findElement(By.id("clip-message")).getText()).isEmpty();
                assertThat(driver.findElement(By.id("clips")).getText()).contains("2. " + DemoShow.SONGS.get(1))
                        .contains("ready");
                double seconds = ((Number) clips(ready).get(0).get("durationSeconds")).doubleValue();

                driver.findElement(By.cssSelector("#clips .clip-item.ready button.ok")).click();
                Map<String, Object> playing = await(driver, s -> ((Map<?, ?>) s.get("video")).get("loaded") != null
                        && ((Number) ((Map<?, ?>) s.get("video")).get("readyState")).intValue() >= 1,
                        "the video element to open the clip");
                Map<?, ?> video = (Map<?, ?>) playing.get("video");
                assertThat(video.get("error")).as("a media error code").isNull();
                assertThat(((Number) video.get("duration")).doubleValue()).isCloseTo(seconds, within(0.25));
                assertThat(driver.findElement(By.id("clip-video")).isDisplayed()).isTrue();
                ListenerPageBrowserTest.screenshot(driver, "performer-console-highlights.png");
            } finally {
                driver.quit();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> clips(Map<String, Object> state) {
        return (List<Map<String, Object>>) state.get("clips");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> await(WebDriver driver, Predicate<Map<String, Object>> done, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<String, Object> state = Map.of();
        while (System.nanoTime() < deadline) {
            state = (Map<String, Object>) ((JavascriptExecutor) driver).executeScript(STATE);
            if (done.test(state)) {
                return state;
            }
            Thread.sleep(200);
        }
        return fail("waited 30 s for " + what + "; last encoreHighlights(): " + state);
    }

    private static void action(String base, String key, String type) throws Exception {
        var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/api/shows/demo/actions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"" + type + "\",\"v\":1}")).build(),
                BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }
}
