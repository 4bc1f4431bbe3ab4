package dev.encore.bot;

import static dev.encore.bot.BridgeRig.GROUP;
import static dev.encore.bot.BridgeRig.SHOW;
import static dev.encore.bot.BridgeRig.STAFF;
import static dev.encore.bot.BridgeRig.T0;
import static dev.encore.bot.BridgeRig.TOKEN;
import static dev.encore.bot.BridgeRig.TOPIC;
import static org.assertj.core.api.Assertions.assertThat;

import dev.encore.bot.telegram.PengradTelegramApi;
import dev.encore.bot.telegram.fake.FakeBotApi;
import dev.encore.bot.telegram.fake.FakeBotApi.ChatMessage;
import dev.encore.bot.telegram.fake.MutableClock;
import dev.encore.show.AccessMode;
import dev.encore.show.Secret;
import dev.encore.show.ShowConfig;
import dev.encore.show.live.ShowEvent;
import dev.encore.signaling.Role;
import dev.encore.signaling.ShowChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: the real show channel (its loop, its event store in the same {@code encore.db}) feeds the bridge, which
 * posts to the fake Bot API over HTTP; {@code /request} from the group lands in the show's real request queue. One fake
 * clock for the show, the bridge and the fake's rate limits; the show's loop ticks in real time.
 */
class ShowChannelBridgeTest {
    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.at(T0);
    private final LinkedBlockingQueue<Batch> feed = new LinkedBlockingQueue<>();
    private FakeBotApi telegram;
    private ShowChannel channel;
    private TelegramBridge bridge;
    private AutoCloseable subscription;

    private record Batch(long runId, List<ShowEvent> events) {
    }

    @BeforeEach
    void start() throws Exception {
        telegram = FakeBotApi.start(TOKEN, clock);
        telegram.addChat(GROUP);
        telegram.addChat(STAFF);
        ShowConfig show = BridgeRig.show(AccessMode.OPEN, STAFF, telegram.apiUrl());
        channel = ShowChannel.start(List.of(show), null, dir, clock);
        bridge = TelegramBridge.open(show, PengradTelegramApi.create(Secret.of(TOKEN), telegram.apiUrl()),
                ShowDesk.of(channel), dir, null, null, clock);
        // the bridge's own start() would subscribe the same way; here the test thread hands the batches over
        subscription = channel.subscribe(SHOW, (showId, runId, events, history) -> feed.add(new Batch(runId, events)));
    }

    @AfterEach
    void stop() throws Exception {
        subscription.close();
        bridge.close();
        channel.close();
        telegram.close();
    }

    private void perform(String type) throws Exception {
        String answer = channel.dispatch(SHOW, Role.ofPerformer(), "{\"type\":\"" + type + "\",\"v\":1}").get(5, TimeUnit.SECONDS);
        assertThat(answer).contains("\"ack\"");
    }

    /** Lets the show's loop tick (real time), hands what it committed to the bridge, and sends what is due. */
    private void settle() throws Exception {
        Thread.sleep(400);
        Batch batch;
        while ((batch = feed.poll(200, TimeUnit.MILLISECONDS)) != null) {
            bridge.handleEvents(batch.runId(), batch.events());
        }
        BridgeRig.drive(bridge, clock, clock::set, clock.instant().plusSeconds(30));
    }

    @Test
    void theShowRunsItselfInTheGroup() throws Exception {
        channel.onAir(SHOW, true);
        perform("set.start");
        settle();
        perform("set.next"); // Harbour Lights cues the vinyl
        settle();
        channel.dropSold(SHOW, "vinyl", 2, "A-1").get(5, TimeUnit.SECONDS);
        channel.dropSold(SHOW, "vinyl", 1, "A-2").get(5, TimeUnit.SECONDS);
        channel.dropSold(SHOW, "vinyl", 1, "A-2").get(5, TimeUnit.SECONDS); // the same order again counts once
        settle();
        telegram.addTextMessage(GROUP, TOPIC, 7, "Ann", "/request Wonderwall");
        telegram.addTextMessage(GROUP, TOPIC, 8, "Bob", "/request@otherbot Yesterday");
        telegram.addTextMessage(GROUP, TOPIC, 9, "Cy", "/now");
        bridge.pollUpdates(0);
        settle();
        clock.advance(Duration.ofMinutes(11)); // the vinyl's window ends; the VIP bundle is due 15 min into the set
        settle();
        clock.advance(Duration.ofMinutes(5));
        settle();
        perform("set.end");
        settle();

        List<ChatMessage> posts = telegram.botMessages(GROUP);
        assertThat(posts).extracting(ChatMessage::text).containsExactly(
                "🎶 Rooftop Acoustic #3 is live — tap to listen",
                "Signed vinyl, tonight only — offer closed",
                "“Wonderwall” added, #1 in the queue",
                "Now playing: Harbour Lights (2/3)",
                "VIP bundle: backstage Q&A + lossless recording — offer closed",
                "🙏 Thank you for listening to Rooftop Acoustic #3! The set has ended — see you at the next show.");
        assertThat(posts.get(1).earlierTexts()).containsExactly("Signed vinyl, tonight only — 50 left",
                "Signed vinyl, tonight only — 47 left");
        assertThat(channel.publicSnapshot(SHOW).get(5, TimeUnit.SECONDS).queue()).extracting(q -> q.title())
                .containsExactly("Wonderwall");
        assertThat(telegram.botMessages(STAFF)).isEmpty();
    }

    @Test
    void aRestartMidShowRepeatsNothingAndLosesNothing() throws Exception {
        channel.onAir(SHOW, true);
        perform("set.start");
        perform("set.next");
        settle();
        assertThat(telegram.botMessages(GROUP)).hasSize(2);

        // the whole server restarts: channel and bridge; the feed starts again with the run's history
        subscription.close();
        bridge.close();
        channel.close();
        ShowConfig show = BridgeRig.show(AccessMode.OPEN, STAFF, telegram.apiUrl());
        channel = ShowChannel.start(List.of(show), null, dir, clock);
        bridge = TelegramBridge.open(show, PengradTelegramApi.create(Secret.of(TOKEN), telegram.apiUrl()),
                ShowDesk.of(channel), dir, null, null, clock);
        subscription = channel.subscribe(SHOW, (showId, runId, events, history) -> feed.add(new Batch(runId, events)));
        settle();
        perform("set.end");
        settle();

        assertThat(telegram.botMessages(GROUP)).extracting(ChatMessage::text).containsExactly(
                "🎶 Rooftop Acoustic #3 is live — tap to listen",
                "Signed vinyl, tonight only — offer closed",
                "🙏 Thank you for listening to Rooftop Acoustic #3! The set has ended — see you at the next show.");
    }
}
