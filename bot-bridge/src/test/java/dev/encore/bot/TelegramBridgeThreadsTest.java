package dev.encore.bot;

import static dev.encore.bot.BridgeRig.GROUP;
import static org.assertj.core.api.Assertions.assertThat;

import dev.encore.bot.RecordingTelegram.Call;
import dev.encore.bot.telegram.Update;
import dev.encore.show.live.ShowEvent;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bridge on its own threads with the real clock: fed by the show's feed, sending and polling by itself. */
class TelegramBridgeThreadsTest {
    @TempDir
    Path dir;

    @Test
    void startedBridgePostsFromTheFeedAndTakesRequestsUntilClosed() throws Exception {
        Clock clock = Clock.systemUTC();
        RecordingTelegram telegram = new RecordingTelegram(clock, "encore_test_bot");
        TestDesk desk = new TestDesk();
        Instant now = clock.instant();
        try (LogCapture logs = new LogCapture()) {
            TelegramBridge bridge = TelegramBridge.open(BridgeRig.show(), telegram, desk, dir, null, null, clock);
            try {
                bridge.start();
                assertThat(desk.feeds()).hasSize(1);
                desk.feeds().get(0).onEvents(BridgeRig.SHOW, 1, List.of(new ShowEvent.ShowOpened(now, BridgeRig.SHOW,
                        List.of("Opening")), new ShowEvent.OnAir(now, true)), true);
                desk.feeds().get(0).onEvents(BridgeRig.SHOW, 1, List.of(new ShowEvent.DropOpened(now, "vinyl", null, 50)),
                        false);
                telegram.addUpdate(new Update(5, GROUP, 77, null, 9, "nine", "/request Wonderwall", null));

                await(() -> telegram.calls(GROUP).size() == 3);
                assertThat(telegram.calls(GROUP)).extracting(Call::text).containsExactly(
                        "🎶 Rooftop Acoustic #3 is live — tap to listen", "Signed vinyl, tonight only — 50 left",
                        "“Wonderwall” added, #1 in the queue");
                assertThat(desk.requests()).hasSize(1);
            } finally {
                long started = System.nanoTime();
                bridge.close();
                assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(5000);
            }
            assertThat(desk.feeds()).isEmpty(); // unsubscribed
            assertThat(logs.text()).doesNotContain(BridgeRig.TOKEN).doesNotContain(BridgeRig.TOKEN.substring(11));
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within 10 s");
            }
            Thread.sleep(20);
        }
    }
}
