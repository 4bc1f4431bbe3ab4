package dev.encore.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.encore.show.AccessMode;
import dev.encore.show.AudioSettings;
import dev.encore.show.Capacity;
import dev.encore.show.Secret;
import dev.encore.show.ShowConfig;
import dev.encore.show.access.ServerSecret;
import dev.encore.show.access.Tier;
import dev.encore.show.access.TokenAuthority;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * The listener page with join tokens in headless Chromium: the link's {@code ?t=} is sent as the WHEP Bearer (and leaves
 * the address bar), refusals read as plain words, and a full room counts down to its next try.
 */
class ListenerTokenBrowserTest {
    private static final String SECRET = "browser-test-secret-0123456789abcdef0123";
    private static final TokenAuthority AUTHORITY = new TokenAuthority(ServerSecret.ofValue(SECRET));

    @Test
    void tokenLinksInChromium(@TempDir Path profile) throws Exception {
        ListenerPageBrowserTest.requireExecutable(ListenerPageBrowserTest.CHROMIUM);
        ListenerPageBrowserTest.requireExecutable(ListenerPageBrowserTest.CHROMEDRIVER);
        System.setProperty("ice4j.harvest.mapping.aws.enabled", "false");
        Logging.install();
        List<ShowConfig> shows = List.of(show("stage", null), show("tiny", new Capacity(1, 0)));
        try (EncoreServer server = EncoreServer.start(EncoreServer.Options.loopback(), shows, ServerSecret.ofValue(SECRET), null)) {
            String base = "http://127.0.0.1:" + server.httpPort();
            WebDriver driver = ListenerPageBrowserTest.startChromium(profile);
            try {
                // a valid link: connected, and the token is kept for the tab but gone from the address bar
                driver.get(base + "/l/stage?t=" + token("stage", Duration.ofHours(1), Clock.systemUTC()));
                assertThat(driver.getCurrentUrl()).isEqualTo(base + "/l/stage");
                assertThat(((JavascriptExecutor) driver).executeScript("return sessionStorage.getItem('encore.token.stage')"))
                        .asString().startsWith("v1.");
                driver.findElement(By.id("listen")).click();
                awaitState(driver, s -> s.equals("live"), "the page to connect with the link's token");
                assertThat(server.router("stage").orElseThrow().consumerCount()).isEqualTo(1);
                driver.findElement(By.id("listen")).click(); // stop

                // an expired link
                String expired = token("stage", Duration.ofMinutes(1), Clock.fixed(Instant.now().minusSeconds(3600), ZoneOffset.UTC));
                assertThat(statusAfterTap(driver, base + "/l/stage?t=" + expired))
                        .isEqualTo("This link has expired — ask for a new one in the group");

                // a link for another show
                assertThat(statusAfterTap(driver, base + "/l/stage?t=" + token("tiny", Duration.ofHours(1), Clock.systemUTC())))
                        .isEqualTo("This link is for another show");

                // no link at all (the refusals above forgot the stored token)
                assertThat(statusAfterTap(driver, base + "/l/stage"))
                        .isEqualTo("This show needs a personal link — ask for one in the group");

                // a full room: someone else holds the only seat
                String tinyToken = token("tiny", Duration.ofHours(1), Clock.systemUTC());
                HttpResponse<String> holder = holdSeat(base, tinyToken);
                assertThat(holder.statusCode()).isEqualTo(201);
                driver.get(base + "/l/tiny?t=" + tinyToken);
                driver.findElement(By.id("listen")).click();
                String waiting = awaitStatus(driver, s -> s.startsWith("The room is full right now"), "the full-room countdown");
                assertThat(waiting).matches("The room is full right now — trying again in [0-9]+ s…");
                assertThat(state(driver)).isEqualTo("waiting");
            } finally {
                driver.quit();
            }
        }
    }

    private static ShowConfig show(String id, Capacity capacity) {
        return new ShowConfig(null, id, "Show " + id, Secret.of("performer-key-for-tests-only"), AccessMode.TOKEN,
                new AudioSettings(64_000, false), null, capacity);
    }

    private static String token(String show, Duration ttl, Clock clock) {
        return AUTHORITY.mint(show, Tier.GENERAL, ttl, null, clock).encoded();
    }

    private static String statusAfterTap(WebDriver driver, String url) throws Exception {
        driver.get(url);
        driver.findElement(By.id("listen")).click();
        awaitState(driver, s -> s.equals("error"), "a refusal at " + url.replaceAll("t=.*", "t=…"));
        return driver.findElement(By.id("status")).getText();
    }

    private static HttpResponse<String> holdSeat(String base, String token) throws Exception {
        String offer;
        try (InputStream in = ListenerTokenBrowserTest.class.getResourceAsStream("/sdp/chrome-whep-recvonly.sdp")) {
            offer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return client.send(HttpRequest.newBuilder(URI.create(base + "/whep/tiny")).header("Content-Type", "application/sdp")
                .header("Authorization", "Bearer " + token).POST(BodyPublishers.ofString(offer)).build(), BodyHandlers.ofString());
    }

    private static String state(WebDriver driver) {
        return String.valueOf(((JavascriptExecutor) driver).executeScript("return document.body.dataset.state"));
    }

    private static void awaitState(WebDriver driver, Predicate<String> done, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String state = "";
        while (System.nanoTime() < deadline) {
            state = state(driver);
            if (done.test(state)) {
                return;
            }
            Thread.sleep(100);
        }
        fail("waited 20 s for " + what + "; state " + state + ", status: " + driver.findElement(By.id("status")).getText());
    }

    private static String awaitStatus(WebDriver driver, Predicate<String> done, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String status = "";
        while (System.nanoTime() < deadline) {
            status = driver.findElement(By.id("status")).getText();
            if (done.test(status)) {
                return status;
            }
            Thread.sleep(100);
        }
        return fail("waited 20 s for " + what + "; status: " + status);
    }
}
