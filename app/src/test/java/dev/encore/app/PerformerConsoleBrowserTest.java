package dev.encore.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;

import dev.encore.audio.Frames;
import dev.encore.audio.ToneAnalysis;
import dev.encore.audio.ToneSynth;
import dev.encore.loadtest.client.ClientRuntime;
import dev.encore.loadtest.client.ListenerConfig;
import dev.encore.loadtest.client.WebRtcListener;
import dev.encore.media.Router;
import dev.encore.show.AccessMode;
import dev.encore.show.AudioSettings;
import dev.encore.show.Secret;
import dev.encore.show.ShowConfig;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The performer console end to end: headless Chromium captures a 440 Hz stereo WAV as its "microphone", opens
 * {@code /p/{show}}, unlocks it with the performer key and goes live over WHIP; the project's Java listener then joins over
 * WHEP and must decode the tone. Uses Debian's chromium and chromedriver; fails (never skips) when they are missing.
 */
class PerformerConsoleBrowserTest {
    private static final String SHOW = "stage";
    private static final String KEY = "stage-performer-key-0123456789";
    private static final double TONE_HZ = 440;
    private static final String STATE_SCRIPT = "const done = arguments[arguments.length - 1];"
            + "window.encorePerformer().then(done, e => done({error: String(e)}));";

    @Test
    void goesLiveFromChromiumAndAJavaListenerHearsTheTone(@TempDir Path dir) throws Exception {
        ListenerPageBrowserTest.requireExecutable(ListenerPageBrowserTest.CHROMIUM);
        ListenerPageBrowserTest.requireExecutable(ListenerPageBrowserTest.CHROMEDRIVER);
        System.setProperty("ice4j.harvest.mapping.aws.enabled", "false");
        Logging.install();
        Path wav = dir.resolve("tone-440.wav");
        writeToneWav(wav, TONE_HZ, 10);
        ShowConfig show = new ShowConfig(null, SHOW, "Rooftop <Acoustic> #3", Secret.of(KEY), AccessMode.OPEN,
                new AudioSettings(128_000, true), null);
        try (EncoreServer server = EncoreServer.start(EncoreServer.Options.loopback(), List.of(show));
                ClientRuntime runtime = ClientRuntime.create(new ClientRuntime.Options(1, 2, 1, Duration.ofSeconds(5), true))) {
            Router router = server.router(SHOW).orElseThrow();
            WebDriver driver = startChromium(dir.resolve("profile"), wav);
            try {
                driver.get("http://127.0.0.1:" + server.httpPort() + "/p/" + SHOW);
                assertThat(driver.findElement(By.id("title")).getText()).isEqualTo("Rooftop <Acoustic> #3");
                ListenerPageBrowserTest.screenshot(driver, "performer-console-locked.png");

                // A wrong key is refused and nothing starts.
                driver.findElement(By.id("key")).sendKeys("not-the-key-0123456789");
                driver.findElement(By.id("unlock")).click();
                await(() -> driver.findElement(By.id("lock-message")).getText().contains("isn't right"), "the wrong key refused");
                assertThat(driver.findElement(By.id("console")).isDisplayed()).isFalse();

                driver.findElement(By.id("key")).sendKeys(KEY);
                driver.findElement(By.id("unlock")).click();
                Map<String, Object> ready = awaitState(driver, s -> s.get("settings") instanceof Map<?, ?>
                        && ((List<?>) s.get("meterLevels")).stream().allMatch(l -> ((Number) l).doubleValue() > 0.8),
                        "the input captured and both meters near -6 dBFS");
                assertThat(driver.findElement(By.id("device")).findElements(By.tagName("option"))).isNotEmpty();
                assertThat(driver.findElement(By.id("state-text")).getText()).isEqualTo("Offline");
                assertThat(router.performerOnline()).isFalse();
                ListenerPageBrowserTest.screenshot(driver, "performer-console-offline.png");

                // Music mode: the track was made with echo cancellation, noise suppression and auto gain off.
                Map<?, ?> settings = (Map<?, ?>) ready.get("settings");
                assertThat(settings.get("echoCancellation")).isEqualTo(false);
                assertThat(settings.get("noiseSuppression")).isEqualTo(false);
                assertThat(settings.get("autoGainControl")).isEqualTo(false);
                Map<?, ?> constraints = (Map<?, ?>) ready.get("constraints");
                assertThat(constraints.get("echoCancellation")).isEqualTo(false);
                assertThat(constraints.get("noiseSuppression")).isEqualTo(false);
                assertThat(constraints.get("autoGainControl")).isEqualTo(false);

                driver.findElement(By.id("go-live")).click();
                Map<String, Object> live = awaitState(driver, s -> "live".equals(s.get("state")) && number(s, "packetsSent") > 50,
                        "the console to be live and sending");
                assertThat(driver.findElement(By.id("state-text")).getText()).isEqualTo("LIVE");
                assertThat((String) live.get("localSdp")).contains("a=sendonly").containsIgnoringCase("opus/48000/2");
                assertThat((String) live.get("remoteSdp")).contains("stereo=1").contains("maxaveragebitrate=128000");
                await(router::performerOnline, "the router to see the performer");

                WebRtcListener listener = WebRtcListener.create(runtime, ListenerConfig.builder(
                        URI.create("http://127.0.0.1:" + server.httpPort()), SHOW).decode(true, Duration.ofSeconds(1)).build());
                try {
                    listener.connect().get(15, TimeUnit.SECONDS);
                    await(() -> listener.stats().decodedFrames() >= 100, "100 frames decoded by the Java listener");
                    short[] pcm = listener.pcm().snapshot();
                    assertThat(ToneAnalysis.dominantFrequency(pcm, 2, Frames.SAMPLE_RATE)).isCloseTo(TONE_HZ, within(5.0));
                    assertThat(ToneAnalysis.rmsDbfs(pcm, 2, 1)).as("right channel level").isGreaterThan(-30);

                    await(() -> driver.findElement(By.id("listeners")).getText().equals("1"), "the console to count 1 listener");
                    assertThat(driver.findElement(By.id("out-bitrate")).getText()).matches("[1-9][0-9]* kbps");
                    ListenerPageBrowserTest.screenshot(driver, "performer-console-live.png");
                } finally {
                    listener.close();
                }

                // The server drops the session (as if the network had gone): the console makes a new WHIP session by itself.
                String first = (String) live.get("session");
                assertThat(first).contains("/whip/" + SHOW + "/");
                assertThat(server.mediaServer().whip().unpublish(SHOW, first.substring(first.lastIndexOf('/') + 1))).isTrue();
                awaitState(driver, s -> "reconnecting".equals(s.get("state")), "the console to notice and reconnect");
                ListenerPageBrowserTest.screenshot(driver, "performer-console-reconnecting.png");
                Map<String, Object> again = awaitState(driver, s -> "live".equals(s.get("state")) && !first.equals(s.get("session")),
                        "the console to be live again on a new session");
                long sent = (long) number(again, "packetsSent");
                awaitState(driver, s -> number(s, "packetsSent") > sent + 25, "packets on the new session");
                await(router::performerOnline, "the router to hear the performer again");

                // End takes two clicks; then the WHIP session is gone and the router no longer hears a performer.
                driver.findElement(By.id("end")).click();
                assertThat(driver.findElement(By.id("end")).getText()).isEqualTo("Click again to end");
                driver.findElement(By.id("end")).click();
                awaitState(driver, s -> "offline".equals(s.get("state")), "the console to be offline");
                await(() -> !router.performerOnline(), "the router to lose the performer after End");

                // The key was remembered: a reload unlocks by itself; "Forget key" locks and forgets.
                driver.navigate().refresh();
                await(() -> driver.findElement(By.id("console")).isDisplayed(), "the console unlocked from the saved key");
                driver.findElement(By.id("forget")).click();
                await(() -> driver.findElement(By.id("lock")).isDisplayed(), "the key form after Forget key");
                assertThat(((JavascriptExecutor) driver).executeScript("return localStorage.getItem('encore.performerKey.stage')"))
                        .isNull();
            } finally {
                driver.quit();
            }
        }
    }

    /** Headless Chromium at a laptop's size, its fake microphone playing {@code wav}. */
    static WebDriver startChromium(Path profile, Path wav) {
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(ListenerPageBrowserTest.CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(ListenerPageBrowserTest.CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--autoplay-policy=no-user-gesture-required", "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream", "--use-file-for-fake-audio-capture=" + wav.toAbsolutePath(),
                "--window-size=1280,800", "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        // The viewport itself 1280x800 (a window of that size has a smaller viewport, even headless).
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", 1280, "height", 800,
                "deviceScaleFactor", 1, "mobile", false));
        return driver;
    }

    /** A 16-bit PCM WAV (RIFF) of a stereo sine at 48 kHz. */
    static void writeToneWav(Path file, double frequency, int seconds) throws IOException {
        ToneSynth synth = new ToneSynth(frequency, 0.5, true);
        int frames = seconds * Frames.SAMPLE_RATE / 960;
        short[] frame = new short[960 * 2];
        int dataBytes = frames * frame.length * 2;
        ByteBuffer out = ByteBuffer.allocate(44 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        out.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(36 + dataBytes)
                .put("WAVEfmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .putInt(16).putShort((short) 1).putShort((short) 2).putInt(Frames.SAMPLE_RATE).putInt(Frames.SAMPLE_RATE * 4)
                .putShort((short) 4).putShort((short) 16)
                .put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(dataBytes);
        for (int i = 0; i < frames; i++) {
            synth.render(frame);
            for (short s : frame) {
                out.putShort(s);
            }
        }
        Files.write(file, out.array());
    }

    private static Map<String, Object> awaitState(WebDriver driver, Predicate<Map<String, Object>> done, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Map<String, Object> state = Map.of();
        while (System.nanoTime() < deadline) {
            state = state(driver);
            if (done.test(state)) {
                return state;
            }
            Thread.sleep(200);
        }
        return fail("waited 20 s for " + what + "; last encorePerformer(): " + state);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("waited 20 s for " + what);
            }
            Thread.sleep(100);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> state(WebDriver driver) {
        return (Map<String, Object>) ((JavascriptExecutor) driver).executeAsyncScript(STATE_SCRIPT);
    }

    private static double number(Map<String, Object> state, String key) {
        Object value = state.get(key);
        return value instanceof Number n ? n.doubleValue() : 0;
    }
}
