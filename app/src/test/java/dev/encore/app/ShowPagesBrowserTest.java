package dev.encore.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.encore.show.AccessMode;
import dev.encore.show.AudioSettings;
import dev.encore.show.Drop;
import dev.encore.show.PlannedSong;
import dev.encore.show.Secret;
import dev.encore.show.ShowConfig;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The show channel's pages end to end in headless Chromium: two listener pages (phone size) and the performer console
 * (laptop size) on a server with a 3-song set list; requests, polls, reactions and the set list move in every page
 * without a reload, and a late listener sees the poll as it stands. Two browsers: one holds both listeners (on two
 * origins, 127.0.0.1 and localhost, so each has its own localStorage and so its own listener id), the other the console
 * and the late listener. Fails (never skips) when chromium or chromedriver is missing.
 */
class ShowPagesBrowserTest {
    private static final String SHOW = "harbour";
    private static final String KEY = "harbour-performer-key-0123456789";
    private static final String MARKUP = "<b>x</b>";

    /** Both tests need Chromium and chromedriver (fail, never skip, without them) and no ice4j cloud probing. */
    @BeforeEach
    void browserAndNetwork() {
        ListenerPageBrowserTest.requireExecutable(ListenerPageBrowserTest.CHROMIUM);
        ListenerPageBrowserTest.requireExecutable(ListenerPageBrowserTest.CHROMEDRIVER);
        System.setProperty("ice4j.harvest.mapping.aws.enabled", "false");
        Logging.install();
    }

    @Test
    void requestsPollsAndTheSetListMoveInEveryPage(@TempDir Path dir) throws Exception {
        Drop vinyl = new Drop("vinyl", "<i>Signed</i> vinyl", URI.create("https://shop.example.org/vinyl"), 50,
                Duration.ofMinutes(10), null);
        ShowConfig show = new ShowConfig(null, SHOW, "Harbour <Nights>", Secret.of(KEY), AccessMode.OPEN,
                new AudioSettings(96_000, true), null, null, List.of(new PlannedSong("Opening"),
                new PlannedSong("Harbour Lights", List.of("vinyl")), new PlannedSong("Last Dance")), null, null,
                Map.of("vinyl", vinyl));
        try (EncoreServer server = EncoreServer.start(EncoreServer.Options.loopback(), List.of(show))) {
            int port = server.httpPort();
            ChromeDriver phones = startChromium(dir.resolve("phones"));
            ChromeDriver stage = startChromium(dir.resolve("stage"));
            try {
                Page anna = Page.open(phones, "http://127.0.0.1:" + port + "/l/" + SHOW, 390, 844, true, false);
                Page ben = Page.open(phones, "http://localhost:" + port + "/l/" + SHOW, 390, 844, true, true);
                Page console = Page.open(stage, "http://127.0.0.1:" + port + "/p/" + SHOW, 1280, 800, false, false);
                for (Page listener : List.of(anna, ben)) {
                    await(() -> "open".equals(listener.js("return window.encoreChannel().state")), "a listener's channel");
                }
                assertThat(anna.js("return window.encoreChannel().listenerId"))
                        .isNotEqualTo(ben.js("return window.encoreChannel().listenerId"));
                assertThat(anna.text("now-title")).isEqualTo("The show starts soon");
                assertThat(anna.text("now-detail")).isEqualTo("3 songs planned");

                console.find("key").sendKeys(KEY);
                console.find("unlock").click();
                await(() -> "open".equals(console.js("return window.encoreShow().channel")), "the console's channel");
                awaitEquals(() -> console.text("room-listeners"), "2", "the console to count 2 listeners in the room");
                assertThat(console.texts("#set-list .song-title")).containsExactly("Opening", "Harbour Lights", "Last Dance");

                // A request with markup: literal text in every page, no element made from it.
                anna.find("request-title").sendKeys(MARKUP);
                anna.find("request-send").click();
                await(() -> console.texts("#queue .request-title").contains(MARKUP), "the request on the console");
                await(() -> ben.texts("#queue .q-title").contains(MARKUP), "the request in the other listener's queue");
                awaitEquals(() -> anna.texts("#queue .badge:not([hidden])"), List.of("yours"), "the request marked as Anna's own");
                assertThat(anna.text("request-message")).isEqualTo("Requested! It is in the list below.");
                for (Page page : List.of(anna, ben, console)) {
                    assertThat(page.count("#queue b")).as("elements made from a title").isZero();
                }
                assertThat(ben.count("#queue .badge:not([hidden])")).isZero();
                assertThat(anna.attribute("#queue .upvote", "aria-pressed")).isEqualTo("true");
                assertThat(ben.attribute("#queue .upvote", "aria-pressed")).isEqualTo("false");
                ben.click("#queue .upvote");
                awaitEquals(() -> console.texts("#queue .votes"), List.of("2 votes"), "Ben's upvote on the console");
                await(() -> "true".equals(ben.attribute("#queue .upvote", "aria-pressed")), "Ben's upvote marked");

                // A second new request within 30 s is refused in plain words.
                anna.find("request-title").sendKeys("Wonderwall");
                anna.find("request-send").click();
                await(() -> anna.text("request-message").startsWith("Easy there: one new request every 30 seconds"),
                        "the rate limit in plain words");

                // The performer opens a poll; both listeners vote; the bars move in all three pages.
                console.find("poll-question").sendKeys("Encore song?");
                List<WebElement> options = console.driver.findElements(By.cssSelector("#poll-option-inputs input"));
                options.get(0).sendKeys("Hey Jude");
                options.get(1).sendKeys("Yesterday");
                console.find("poll-add-option").click();
                console.driver.findElements(By.cssSelector("#poll-option-inputs input")).get(2).sendKeys("Let It Be");
                console.find("poll-open").click();
                for (Page listener : List.of(anna, ben)) {
                    awaitEquals(() -> listener.texts("#poll-options .poll-label"), List.of("Hey Jude", "Yesterday", "Let It Be"),
                            "the poll on a listener's page");
                }
                assertThat(anna.text("poll-question")).isEqualTo("Encore song?");
                anna.clickNth("#poll-options .poll-choice", 0);
                ben.clickNth("#poll-options .poll-choice", 2);
                List<String> half = List.of("50%", "0%", "50%");
                for (Page page : List.of(anna, ben)) {
                    awaitEquals(() -> page.widths("#poll-options .poll-bar"), half, "the bars at 50/0/50 on a listener page");
                }
                awaitEquals(() -> console.widths("#poll-results .result-bar"), half, "the bars at 50/0/50 on the console");
                assertThat(console.texts("#poll-results .result-count")).containsExactly("1 · 50%", "0 · 0%", "1 · 50%");
                await(() -> anna.count("#poll-options .chosen") == 1, "Anna's vote highlighted");
                assertThat(anna.texts("#poll-options .chosen .poll-label")).containsExactly("Hey Jude");
                ListenerPageBrowserTest.screenshot(anna.focus(), "show-listener-poll.png");
                console.js("window.scrollTo(0, 0)");
                ListenerPageBrowserTest.screenshot(console.focus(), "show-console-poll.png");

                // Ben changes his mind.
                ben.clickNth("#poll-options .poll-choice", 0);
                List<String> all = List.of("100%", "0%", "0%");
                for (Page page : List.of(anna, ben)) {
                    awaitEquals(() -> page.widths("#poll-options .poll-bar"), all, "the bars at 100/0/0 on a listener page");
                }
                awaitEquals(() -> console.widths("#poll-results .result-bar"), all, "the bars at 100/0/0 on the console");
                assertThat(ben.texts("#poll-options .chosen .poll-label")).containsExactly("Hey Jude");

                // A listener who comes late sees the open poll and its tally.
                Page late = Page.open(stage, "http://127.0.0.1:" + port + "/l/" + SHOW, 390, 844, true, true);
                awaitEquals(() -> late.texts("#poll-options .poll-count"), List.of("100% · 2", "0% · 0", "0% · 0"),
                        "the late listener to see the tally");
                assertThat(late.count("#poll-options .chosen")).isZero();
                assertThat(late.texts("#queue .q-title")).containsExactly(MARKUP);

                // Reactions reach the console's room meter.
                anna.click(".react[data-reaction='applause']");
                await(() -> console.text("room-reactions").contains("👏 1"), "the applause on the console");
                awaitEquals(() -> console.text("room-listeners"), "3", "3 listeners in the room");

                // The set: start, next; now playing changes everywhere.
                console.find("set-start").click();
                for (Page page : List.of(anna, ben, late, console)) {
                    awaitEquals(() -> page.text("now-title"), "Opening", "Opening as now playing");
                }
                console.find("set-next").click();
                for (Page page : List.of(anna, ben, late, console)) {
                    awaitEquals(() -> page.text("now-title"), "Harbour Lights", "Harbour Lights as now playing");
                }
                assertThat(anna.text("now-detail")).isEqualTo("Song 2 of 3 · Next: Last Dance");

                // Harbour Lights cues the vinyl drop: a card with a Buy link to the server's redirect, as text.
                awaitEquals(() -> anna.texts("#drops .drop-text"), List.of("<i>Signed</i> vinyl"), "the drop's card");
                assertThat(anna.count("#drops i")).as("elements made from a drop's text").isZero();
                assertThat(anna.attribute("#drops .drop-buy", "href")).endsWith("/go/" + SHOW + "/vinyl?src=page");
                assertThat(anna.attribute("#drops .drop-buy", "target")).isEqualTo("_blank");
                assertThat(anna.texts("#drops .drop-left")).containsExactly("50 left");
                assertThat(anna.texts("#drops .drop-timer").get(0)).matches("Closes in (10:00|9:[0-5][0-9])");
                awaitEquals(() -> console.texts("#drops .drop-left"), List.of("50 of 50 left"), "the drop on the console");

                // The performer accepts the request and plays it: literal text as now playing; Anna sees her request's fate.
                console.click("#queue .small.ok");
                await(() -> console.texts("#set-list .song-title").size() == 4, "the request on the set list");
                awaitEquals(() -> anna.texts("#mine .mine-state"), List.of("accepted · coming up"), "Anna's request accepted");
                console.clickNth("#set-list .song button", 2); // the 4th song: the 3rd with a Play button
                for (Page page : List.of(anna, ben, late, console)) {
                    awaitEquals(() -> page.text("now-title"), MARKUP, "the request as now playing");
                    assertThat(page.count("#now-title b")).isZero();
                }
                awaitEquals(() -> anna.texts("#mine .mine-state"), List.of("playing now!"), "Anna's request playing");
                assertThat(console.find("set-next").isEnabled()).as("Next on the last song").isFalse();
                assertThat(console.find("set-prev").isEnabled()).isTrue();
                ListenerPageBrowserTest.screenshot(anna.focus(), "show-listener-phone.png");

                // A reload resumes Anna as the same listener: her request and her vote are still hers.
                Object annaId = anna.js("return window.encoreChannel().listenerId");
                anna.focus().navigate().refresh();
                await(() -> "open".equals(anna.js("return window.encoreChannel().state")), "Anna back on the channel");
                assertThat(anna.js("return window.encoreChannel().listenerId")).isEqualTo(annaId);
                awaitEquals(() -> anna.texts("#poll-options .chosen .poll-label"), List.of("Hey Jude"), "Anna's vote after reload");
                assertThat(anna.texts("#mine .q-title")).containsExactly(MARKUP);

                console.js("window.scrollTo(0, 0)");
                ListenerPageBrowserTest.screenshot(console.focus(), "show-console.png");

                // The poll closes: results everywhere.
                console.find("poll-close").click();
                awaitEquals(() -> ben.text("poll-heading"), "Poll results", "the closed poll's results on a listener page");
                await(() -> console.find("poll-last").isDisplayed(), "the last poll on the console");
                assertThat(ben.count("#poll-options .winner")).isEqualTo(1);

                // End set takes two clicks.
                console.find("set-end").click();
                assertThat(console.text("set-end")).isEqualTo("Click again to end the set");
                console.find("set-end").click();
                for (Page page : List.of(anna, ben, late)) {
                    awaitEquals(() -> page.text("now-title"), "That's the show!", "the end of the set");
                }
                awaitEquals(() -> console.text("set-phase"), "Ended", "the console to show the set ended");
                ListenerPageBrowserTest.screenshot(ben.focus(), "show-listener-ended.png");
                console.js("window.scrollTo(0, 0)");
                ListenerPageBrowserTest.screenshot(console.focus(), "show-console-ended.png");
                fullPage(anna, "show-listener-full.png");
            } finally {
                phones.quit();
                stage.quit();
            }
        }
    }

    /** A screenshot of the whole listener page (phone width, as tall as the page). */
    /**
     * A voter's bars move with the vote's own ack, which carries the tally with the vote in it (docs/protocol.md), not at
     * the room's next broadcast: on a server whose broadcast tick is an hour, no {@code poll} broadcast comes at all.
     */
    @Test
    void aVotersBarsMoveWithTheAckBeforeTheRoomsBroadcast(@TempDir Path dir) throws Exception {
        ShowConfig show = new ShowConfig(null, SHOW, "Harbour", Secret.of(KEY), AccessMode.OPEN,
                new AudioSettings(96_000, true), null);
        try (EncoreServer server = EncoreServer.start(EncoreServer.Options.loopback(), List.of(show),
                AccessOptions.ephemeralSecret(), null, null, Duration.ofHours(1))) {
            int port = server.httpPort();
            HttpResponse<String> open = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/shows/" + SHOW + "/actions"))
                    .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(10))
                    .POST(BodyPublishers.ofString("{\"type\":\"poll.open\",\"v\":1,\"question\":\"Encore song?\","
                            + "\"options\":[\"Hey Jude\",\"Yesterday\",\"Let It Be\"]}")).build(), BodyHandlers.ofString());
            assertThat(open.statusCode()).as(open.body()).isEqualTo(200);
            ChromeDriver phone = startChromium(dir.resolve("phone"));
            try {
                // The page joins after the poll opened: its state snapshot has the poll, with no votes.
                Page anna = Page.open(phone, "http://127.0.0.1:" + port + "/l/" + SHOW, 390, 844, true, false);
                awaitEquals(() -> anna.texts("#poll-options .poll-count"), List.of("0% · 0", "0% · 0", "0% · 0"),
                        "the open poll on the page");

                anna.clickNth("#poll-options .poll-choice", 2);
                awaitEquals(() -> anna.texts("#poll-options .poll-count"), List.of("0% · 0", "0% · 0", "100% · 1"),
                        "the tally from the vote's ack");
                assertThat(anna.texts("#poll-options .chosen .poll-label")).containsExactly("Let It Be");
                assertThat(anna.text("poll-note")).startsWith("1 vote · tap another answer");

                // A changed vote: the same total, the tally moved.
                anna.clickNth("#poll-options .poll-choice", 0);
                awaitEquals(() -> anna.texts("#poll-options .poll-count"), List.of("100% · 1", "0% · 0", "0% · 0"),
                        "the changed vote's tally from its ack");
                assertThat(anna.texts("#poll-options .chosen .poll-label")).containsExactly("Hey Jude");
            } finally {
                phone.quit();
            }
        }
    }

    private static void fullPage(Page page, String name) throws Exception {
        page.focus();
        Map<String, Object> metrics = page.driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
        @SuppressWarnings("unchecked")
        Map<String, Object> size = (Map<String, Object>) metrics.get("cssContentSize");
        int height = ((Number) size.get("height")).intValue();
        page.driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", 390, "height", height,
                "deviceScaleFactor", 1, "mobile", true));
        Path target = Path.of("target", name);
        Files.createDirectories(target.getParent());
        Files.write(target, page.driver.getScreenshotAs(OutputType.BYTES));
    }

    /** Headless Chromium; each window gets its viewport by {@link Page#open}. */
    private static ChromeDriver startChromium(Path profile) {
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(ListenerPageBrowserTest.CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(ListenerPageBrowserTest.CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--autoplay-policy=no-user-gesture-required", "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream", "--disable-background-timer-throttling",
                "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows",
                "--window-size=1280,800", "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        return driver;
    }

    private static <T> void awaitEquals(Supplier<T> actual, T expected, String what) throws InterruptedException {
        Object[] last = {null};
        try {
            await(() -> expected.equals(last[0] = actual.get()), what);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; expected " + expected + ", last seen " + last[0], e);
        }
    }

    private static void await(Supplier<Boolean> condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        WebDriverException last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (Boolean.TRUE.equals(condition.get())) {
                    return;
                }
            } catch (WebDriverException e) { // a list re-rendered under our feet: look again
                last = e;
            }
            Thread.sleep(100);
        }
        fail("waited 20 s for " + what + (last != null ? " (last: " + last.getMessage().lines().findFirst().orElse("") + ")" : ""));
    }

    /** One window of a browser. */
    private record Page(ChromeDriver driver, String handle) {
        static Page open(ChromeDriver driver, String url, int width, int height, boolean mobile, boolean newWindow) {
            if (newWindow) {
                driver.switchTo().newWindow(WindowType.WINDOW);
            }
            driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height,
                    "deviceScaleFactor", mobile ? 2 : 1, "mobile", mobile));
            driver.get(url);
            return new Page(driver, driver.getWindowHandle());
        }

        WebDriver focus() {
            if (!handle.equals(driver.getWindowHandle())) {
                driver.switchTo().window(handle);
            }
            return driver;
        }

        WebElement find(String id) {
            return focus().findElement(By.id(id));
        }

        String text(String id) {
            return (String) js("return document.getElementById(arguments[0]).textContent", id);
        }

        @SuppressWarnings("unchecked")
        List<String> texts(String css) {
            return (List<String>) js("return [...document.querySelectorAll(arguments[0])].map(e => e.textContent)", css);
        }

        @SuppressWarnings("unchecked")
        List<String> widths(String css) {
            return (List<String>) js("return [...document.querySelectorAll(arguments[0])].map(e => e.style.width)", css);
        }

        long count(String css) {
            return (Long) js("return document.querySelectorAll(arguments[0]).length", css);
        }

        String attribute(String css, String name) {
            return (String) js("const e = document.querySelector(arguments[0]); return e && e.getAttribute(arguments[1])",
                    css, name);
        }

        void click(String css) throws InterruptedException {
            clickNth(css, 0);
        }

        /** Clicks the n-th match, looking again if the list was re-rendered meanwhile. */
        void clickNth(String css, int n) throws InterruptedException {
            await(() -> {
                List<WebElement> found = focus().findElements(By.cssSelector(css));
                if (found.size() <= n) {
                    return false;
                }
                found.get(n).click();
                return true;
            }, "to click " + css + " #" + n);
        }

        Object js(String script, Object... args) {
            return ((JavascriptExecutor) focus()).executeScript(script, args);
        }
    }
}
