package dev.encore.bot.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.encore.bot.telegram.fake.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class DryRunTelegramApiTest {
    private static final long GROUP = -1001234567890L;

    private final MutableClock clock = MutableClock.startingNow();
    private final DryRunTelegramApi api = new DryRunTelegramApi(clock);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(DryRunTelegramApi.class);
    private Level previous;

    @BeforeEach
    void capture() {
        previous = logger.getLevel();
        logger.setLevel(Level.INFO);
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void release() {
        logger.detachAppender(logs);
        logger.setLevel(previous);
        api.close();
    }

    @Test
    void aVideoIsRecordedWithItsCaptionAndLoggedWithItsFile(@TempDir Path dir) throws Exception {
        Path clip = Files.write(dir.resolve("demo-run4.mp4"), new byte[1234]);
        SentMessage post = api.sendMessage(new OutgoingMessage(GROUP, null, "live", List.of(), null));

        SentMessage video = api.sendVideo(new OutgoingVideo(GROUP, null, clip, "🎬 Tonight's highlight",
                List.of(new UrlButton("Buy", "https://live.example.org/go/demo/tee?src=clip")), 30, 640, 360));

        assertThat(video.messageId()).isEqualTo(post.messageId() + 1);
        assertThat(api.recent()).last().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(DryRunPost.Kind.VIDEO);
            assertThat(p.text()).isEqualTo("🎬 Tonight's highlight");
            assertThat(p.buttons()).extracting(UrlButton::url).containsExactly("https://live.example.org/go/demo/tee?src=clip");
        });
        assertThat(logs.list).last().satisfies(e -> assertThat(e.getFormattedMessage())
                .contains("would post the video " + clip).contains("1234 bytes, 30 s").contains("🎬 Tonight's highlight"));
    }

    @Test
    void postsAreLoggedAndKeptWithIncreasingIds() {
        SentMessage first = api.sendMessage(new OutgoingMessage(GROUP, null, "We're live: \"Harbour Lights\" tour",
                List.of(new UrlButton("Tap to listen", "https://live.example.org/s/stage")), null));
        clock.advance(Duration.ofMinutes(3));
        SentMessage second = api.sendMessage(new OutgoingMessage(GROUP, 7, "Signed vinyl\n50 left", List.of(), null));
        api.editMessage(new MessageEdit(GROUP, second.messageId(), "Signed vinyl: the offer closed", List.of()));

        assertThat(first).isEqualTo(new SentMessage(GROUP, 1));
        assertThat(second).isEqualTo(new SentMessage(GROUP, 2));
        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "[dry-run] chat -1001234567890 would post: \"We're live: \\\"Harbour Lights\\\" tour\""
                        + " [button: Tap to listen → https://live.example.org/s/stage]",
                "[dry-run] chat -1001234567890 topic 7 would post: \"Signed vinyl\\n50 left\"",
                "[dry-run] chat -1001234567890 would edit message 2: \"Signed vinyl: the offer closed\" [no buttons]");
        assertThat(logs.list).allSatisfy(e -> assertThat(e.getLevel()).isEqualTo(Level.INFO));
        assertThat(api.recent()).containsExactly(
                new DryRunPost(Instant.parse("2025-06-01T20:00:00Z"), DryRunPost.Kind.POST, GROUP, null, 1,
                        "We're live: \"Harbour Lights\" tour", List.of(new UrlButton("Tap to listen",
                        "https://live.example.org/s/stage"))),
                new DryRunPost(Instant.parse("2025-06-01T20:03:00Z"), DryRunPost.Kind.POST, GROUP, 7, 2, "Signed vinyl\n50 left",
                        List.of()),
                new DryRunPost(Instant.parse("2025-06-01T20:03:00Z"), DryRunPost.Kind.EDIT, GROUP, null, 2,
                        "Signed vinyl: the offer closed", List.of()));
    }

    @Test
    void recentKeepsTheLastHundredAndListenersSeeEach() {
        List<DryRunPost> seen = new ArrayList<>();
        api.onPost(seen::add);

        for (int i = 0; i < 130; i++) {
            api.sendMessage(new OutgoingMessage(GROUP, null, "post " + i, List.of(), null));
        }

        assertThat(api.recent()).hasSize(DryRunTelegramApi.RECENT);
        assertThat(api.recent().get(0).text()).isEqualTo("post 30");
        assertThat(api.recent().get(99).text()).isEqualTo("post 129");
        assertThat(seen).hasSize(130);
    }

    @Test
    void getUpdatesWaitsItsTimeoutAndReturnsNothing() {
        long started = System.nanoTime();

        assertThat(api.getUpdates(0, 1, 100)).isEmpty();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
    }

    @Test
    void getUpdatesEndsOnInterruptAndOnClose() throws Exception {
        Thread self = Thread.currentThread();
        CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS).execute(self::interrupt);
        long started = System.nanoTime();

        assertThat(api.getUpdates(0, 30, 100)).isEmpty();

        assertThat(Thread.interrupted()).as("the interrupt stays set").isTrue();
        CompletableFuture<List<Update>> poll = CompletableFuture.supplyAsync(() -> api.getUpdates(0, 30, 100));
        Thread.sleep(100);
        api.close();
        assertThat(poll.get(5, TimeUnit.SECONDS)).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void getMeIsAPlaceholderBot() {
        assertThat(api.getMe().username()).isEqualTo("encore_dry_run_bot");
    }
}
