package dev.encore.bot;

import static dev.encore.bot.BridgeRig.GROUP;
import static dev.encore.bot.BridgeRig.STAFF;
import static dev.encore.bot.BridgeRig.T0;
import static dev.encore.bot.BridgeRig.TOPIC;
import static dev.encore.bot.BridgeRig.drive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.encore.bot.RecordingTelegram.Call;
import dev.encore.bot.telegram.Update;
import dev.encore.show.live.Refusal;
import dev.encore.show.live.SetPhase;
import dev.encore.show.live.ShowRuleException;
import dev.encore.signaling.RequestReceipt;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpdatePollerTest {
    @TempDir
    Path dir;

    private final TestClock clock = new TestClock(T0);
    private final RecordingTelegram telegram = new RecordingTelegram(clock, "Encore_Test_Bot");
    private final TestDesk desk = new TestDesk();
    private final List<TelegramBridge> bridges = new ArrayList<>();

    @AfterEach
    void closeBridges() {
        bridges.forEach(TelegramBridge::close);
    }

    private TelegramBridge bridge() throws SQLException {
        TelegramBridge bridge = BridgeRig.open(BridgeRig.show(), telegram, desk, dir, clock);
        bridges.add(bridge);
        return bridge;
    }

    private static Update message(long updateId, long chat, long from, String text) {
        return new Update(updateId, chat, (int) (1000 + updateId), TOPIC, from, "user" + from, text, null);
    }

    @Test
    void requestsReachTheQueueOnceAndAreAnsweredInTheThread() throws Exception {
        telegram.addUpdate(message(10, GROUP, 7, "/request Wonderwall"));
        telegram.addUpdate(message(10, GROUP, 7, "/request Wonderwall")); // the same update delivered twice
        telegram.addUpdate(message(11, GROUP, 8, "/request@otherbot Yesterday"));
        telegram.addUpdate(message(12, GROUP, 8, "/request@encore_test_bot   Yesterday "));
        telegram.addUpdate(message(13, GROUP, 9, "/request"));
        telegram.addUpdate(message(14, STAFF, 9, "/request From the wrong chat"));
        telegram.addUpdate(message(15, GROUP, 9, "nice set!"));
        telegram.addUpdate(message(16, GROUP, 9, "/now"));
        desk.answer(new RequestReceipt(3, 1, 3, false));
        desk.playing(new ShowDesk.NowPlaying(SetPhase.PLAYING, "Harbour Lights", 1, 3));
        TelegramBridge bridge = bridge();

        assertThat(bridge.pollUpdates(0)).isEqualTo(7);
        assertThat(bridge.pollUpdates(0)).isZero(); // Telegram repeats nothing past the stored offset

        assertThat(desk.requests()).containsExactly(new TestDesk.Request(BridgeRig.SHOW, "tg:7", "Wonderwall"),
                new TestDesk.Request(BridgeRig.SHOW, "tg:8", "Yesterday"));
        drive(bridge, clock, T0.plus(Duration.ofMinutes(1)));
        List<Call> replies = telegram.calls(GROUP);
        assertThat(replies).extracting(Call::text).containsExactly("“Wonderwall” added, #3 in the queue",
                "“Yesterday” added, #3 in the queue", "Usage: /request <song title>", "Now playing: Harbour Lights (2/3)");
        assertThat(replies).extracting(Call::replyTo).containsExactly(1010, 1012, 1013, 1016);
        assertThat(replies).allSatisfy(c -> assertThat(c.threadId()).isEqualTo(TOPIC));
        assertThat(telegram.calls(STAFF)).isEmpty();
    }

    @Test
    void theOffsetSurvivesARestartSoNoUpdateIsTakenTwice() throws Exception {
        telegram.addUpdate(message(20, GROUP, 7, "/request Wonderwall"));
        TelegramBridge first = bridge();
        assertThat(first.pollUpdates(0)).isEqualTo(1);
        first.close();

        telegram.addUpdate(message(21, GROUP, 8, "/request Yesterday"));
        TelegramBridge second = bridge();
        assertThat(second.pollUpdates(0)).isEqualTo(1);

        assertThat(desk.requests()).extracting(TestDesk.Request::title).containsExactly("Wonderwall", "Yesterday");
    }

    @Test
    void refusalsAndUpvotesAreAnsweredInPlainWords() throws Exception {
        TelegramBridge bridge = bridge();
        desk.answer(new RequestReceipt(2, 4, 1, true));
        telegram.addUpdate(message(30, GROUP, 7, "/request Wonderwall"));
        bridge.pollUpdates(0);
        desk.refuse(new ShowRuleException(Refusal.ALREADY_IN_SET, "request: 'Encore' is on the set list already"));
        telegram.addUpdate(message(31, GROUP, 7, "/request Encore"));
        bridge.pollUpdates(0);
        drive(bridge, clock, T0.plus(Duration.ofMinutes(1)));

        assertThat(telegram.calls(GROUP)).extracting(Call::text).containsExactly("+1 for “Wonderwall”, #1 in the queue (4 votes)",
                "“Encore” is coming up in the set anyway.");
    }

    @Test
    void anUpdateTheShowCouldNotTakeIsNotCommittedAndComesAgain() throws Exception {
        TelegramBridge bridge = bridge();
        TestDesk failing = new TestDesk() {
            @Override
            public synchronized CompletableFuture<RequestReceipt> submitRequest(String showId, String listenerId, String title) {
                super.submitRequest(showId, listenerId, title);
                return CompletableFuture.failedFuture(new IllegalStateException("show loop gone"));
            }
        };
        bridge.close();
        TelegramBridge down = BridgeRig.open(BridgeRig.show(), telegram, failing, dir, clock);
        bridges.add(down);
        telegram.addUpdate(message(40, GROUP, 7, "/request Wonderwall"));

        assertThatThrownBy(() -> down.pollUpdates(0)).isInstanceOf(UpdatePoller.ShowUnavailableException.class);
        down.close();
        TelegramBridge up = bridge();
        assertThat(up.pollUpdates(0)).isEqualTo(1);
        assertThat(desk.requests()).extracting(TestDesk.Request::title).containsExactly("Wonderwall");
    }

    @Test
    void aMigrationUpdateMovesTheGroup() throws Exception {
        long supergroup = -1005555555555L;
        TelegramBridge bridge = bridge();
        telegram.addUpdate(new Update(50, GROUP, 1050, null, 7, "user7", null, supergroup));
        telegram.addUpdate(message(51, supergroup, 7, "/now"));
        assertThat(bridge.pollUpdates(0)).isEqualTo(2);
        bridge.handleEvents(1, List.of(new dev.encore.show.live.ShowEvent.SetEnded(T0)));
        drive(bridge, clock, T0.plus(Duration.ofMinutes(1)));

        assertThat(telegram.calls(GROUP)).isEmpty();
        assertThat(telegram.calls(supergroup)).extracting(Call::text).containsExactly("The set hasn't started yet.",
                "🙏 Thank you for listening to Rooftop Acoustic #3! The set has ended — see you at the next show.");
    }

    @Test
    void commandsAreParsedForThisBotOnly() {
        assertThat(UpdatePoller.Command.parse("/request  Harbour   Lights ", "bot")).isEqualTo(
                new UpdatePoller.Command("request", "Harbour   Lights"));
        assertThat(UpdatePoller.Command.parse("/REQUEST@Bot x", "bot")).isEqualTo(new UpdatePoller.Command("request", "x"));
        assertThat(UpdatePoller.Command.parse("/request@other x", "bot")).isNull();
        assertThat(UpdatePoller.Command.parse("/now@bot", "bot")).isEqualTo(new UpdatePoller.Command("now", ""));
        assertThat(UpdatePoller.Command.parse("/requests x", "bot")).isNull();
        assertThat(UpdatePoller.Command.parse("please /request x", "bot")).isNull();
        assertThat(UpdatePoller.Command.parse(null, "bot")).isNull();
    }
}
