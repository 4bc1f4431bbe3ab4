package dev.encore.bot;

import static dev.encore.bot.BridgeRig.GROUP;
import static dev.encore.bot.BridgeRig.LISTEN_URL;
import static dev.encore.bot.BridgeRig.STAFF;
import static dev.encore.bot.BridgeRig.T0;
import static dev.encore.bot.BridgeRig.TOPIC;
import static dev.encore.bot.BridgeRig.VINYL_URL;
import static dev.encore.bot.BridgeRig.VIP_URL;
import static dev.encore.bot.BridgeRig.drive;
import static org.assertj.core.api.Assertions.assertThat;

import dev.encore.bot.RecordingTelegram.Call;
import dev.encore.bot.telegram.TelegramException;
import dev.encore.bot.telegram.UrlButton;
import dev.encore.show.AccessMode;
import dev.encore.show.Drop;
import dev.encore.show.ShowConfig;
import dev.encore.show.live.DropCloseReason;
import dev.encore.show.live.ShowEvent;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TelegramBridgeTest {
    private static final long RUN = 1;

    @TempDir
    Path dir;

    private final TestClock clock = new TestClock(T0);
    private final RecordingTelegram telegram = new RecordingTelegram(clock, "encore_test_bot");
    private final TestDesk desk = new TestDesk();
    private final List<TelegramBridge> bridges = new ArrayList<>();
    private final List<ShowEvent> history = new ArrayList<>();

    @AfterEach
    void closeBridges() {
        bridges.forEach(TelegramBridge::close);
    }

    private TelegramBridge bridge(ShowConfig show) throws SQLException {
        TelegramBridge bridge = BridgeRig.open(show, telegram, desk, dir, clock);
        bridges.add(bridge);
        return bridge;
    }

    private static Instant at(Duration offset) {
        return T0.plus(offset);
    }

    /** Moves to {@code at} (sending what falls due on the way), then hands the bridge {@code event} as committed. */
    private void event(TelegramBridge bridge, ShowEvent event) throws SQLException {
        drive(bridge, clock, event.at());
        history.add(event);
        bridge.handleEvents(RUN, List.of(event));
    }

    private void fullSet(TelegramBridge bridge) throws SQLException {
        history.addAll(BridgeRig.fullSet());
        BridgeRig.play(bridge, clock, clock::set, RUN, BridgeRig.fullSet());
    }

    @Test
    void aFullSetPostsEachThingOnItsCueInOrderWithTheRightButtons() throws SQLException {
        TelegramBridge bridge = bridge(BridgeRig.show());
        fullSet(bridge);

        List<Call> group = telegram.calls(GROUP);
        List<Call> posts = group.stream().filter(c -> c.method().equals("sendMessage")).toList();
        assertThat(posts).extracting(Call::text).containsExactly(
                "🎶 Rooftop Acoustic #3 is live — tap to listen",
                "Signed vinyl, tonight only — 50 left",
                "VIP bundle: backstage Q&A + lossless recording",
                "🙏 Thank you for listening to Rooftop Acoustic #3! The set has ended — see you at the next show.");
        assertThat(posts).allSatisfy(c -> assertThat(c.threadId()).isEqualTo(TOPIC));
        assertThat(posts.get(0).buttons()).containsExactly(new UrlButton("Tap to listen", LISTEN_URL));
        assertThat(posts.get(0).at()).isEqualTo(at(Duration.ofSeconds(5)));
        assertThat(posts.get(1).buttons()).containsExactly(new UrlButton("Buy", VINYL_URL));
        assertThat(posts.get(1).at()).isEqualTo(at(Duration.ofMinutes(4)));
        assertThat(posts.get(2).buttons()).containsExactly(new UrlButton("Buy", VIP_URL));
        assertThat(posts.get(2).at()).isEqualTo(at(Duration.ofSeconds(10)).plus(Duration.ofMinutes(15)));
        assertThat(posts.get(3).buttons()).isEmpty();

        int vinylId = posts.get(1).messageId();
        List<Call> vinylEdits = group.stream().filter(c -> c.method().equals("editMessageText") && c.messageId() == vinylId)
                .toList();
        List<Call> countEdits = vinylEdits.stream().filter(c -> c.text().endsWith("left")).toList();
        // eleven sales, but at most one count edit per 10 s: 49 at once, then the latest after 10 s, then 38
        assertThat(countEdits).extracting(Call::text).containsExactly("Signed vinyl, tonight only — 49 left",
                "Signed vinyl, tonight only — 40 left", "Signed vinyl, tonight only — 38 left");
        for (int i = 1; i < countEdits.size(); i++) {
            assertThat(Duration.between(countEdits.get(i - 1).at(), countEdits.get(i).at())).isGreaterThanOrEqualTo(
                    TelegramBridge.COUNT_EDIT_INTERVAL);
        }
        assertThat(countEdits).allSatisfy(c -> assertThat(c.buttons()).containsExactly(new UrlButton("Buy", VINYL_URL)));
        Call vinylClosed = vinylEdits.get(vinylEdits.size() - 1);
        assertThat(vinylClosed.text()).isEqualTo("Signed vinyl, tonight only — offer closed");
        assertThat(vinylClosed.buttons()).isEmpty();
        assertThat(vinylClosed.at()).isEqualTo(at(Duration.ofMinutes(14)));
        assertThat(telegram.message(vinylId).text()).isEqualTo("Signed vinyl, tonight only — offer closed");
        assertThat(telegram.message(posts.get(2).messageId()).text())
                .isEqualTo("VIP bundle: backstage Q&A + lossless recording — offer closed");
        assertThat(telegram.message(posts.get(2).messageId()).buttons()).isEmpty();

        // the chat's limits: at least a second apart, at most 20 in any minute
        for (int i = 1; i < group.size(); i++) {
            assertThat(Duration.between(group.get(i - 1).at(), group.get(i).at())).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        }
        assertThat(telegram.calls(STAFF)).isEmpty();
        assertThat(bridge.entries()).allSatisfy(e -> assertThat(e.state()).isIn(OutboxState.SENT, OutboxState.SKIPPED));
    }

    @Test
    void replayingTheHistoryPostsNothingTwiceInTheSameOrANewBridge() throws SQLException {
        TelegramBridge first = bridge(BridgeRig.show());
        fullSet(first);
        int calls = telegram.calls().size();

        first.handleEvents(RUN, List.copyOf(history)); // the same history again, as one batch
        drive(first, clock, clock.instant().plus(Duration.ofMinutes(5)));
        first.close();
        TelegramBridge second = bridge(BridgeRig.show()); // a restart: the feed starts with the run's history
        second.handleEvents(RUN, List.copyOf(history));
        drive(second, clock, clock.instant().plus(Duration.ofMinutes(5)));

        assertThat(telegram.calls()).hasSize(calls);
    }

    @Test
    void aTokenShowsAnnouncementCarriesTheGroupsJoinToken() throws SQLException {
        TelegramBridge bridge = bridge(BridgeRig.show(AccessMode.TOKEN, STAFF, URI.create("http://127.0.0.1:9")));
        event(bridge, new ShowEvent.SetStarted(at(Duration.ofSeconds(1))));
        drive(bridge, clock, at(Duration.ofSeconds(10)));

        assertThat(telegram.calls().get(0).buttons()).containsExactly(new UrlButton("Tap to listen", LISTEN_URL + "&t=group-token"));
    }

    @Test
    void aRateLimitStormDelaysEverythingButPostsItOnceInOrder() throws SQLException {
        Drop[] extra = new Drop[25];
        for (int i = 0; i < extra.length; i++) {
            extra[i] = new Drop("d" + i, "Offer " + i, URI.create("https://shop.example.org/" + i), null, null, null);
        }
        TelegramBridge bridge = bridge(BridgeRig.show(AccessMode.OPEN, STAFF, URI.create("http://127.0.0.1:9"), extra));
        telegram.enforceGroupLimits();
        telegram.failNext(RecordingTelegram.rateLimited(30), RecordingTelegram.rateLimited(30), RecordingTelegram.rateLimited(5));
        List<ShowEvent> burst = new ArrayList<>();
        burst.add(new ShowEvent.OnAir(T0, true));
        for (int i = 0; i < extra.length; i++) {
            burst.add(new ShowEvent.DropOpened(T0, "d" + i, null, -1));
        }
        bridge.handleEvents(RUN, burst);
        drive(bridge, clock, at(Duration.ofMinutes(10)));

        List<Call> calls = telegram.calls(GROUP);
        assertThat(calls).extracting(Call::text).first().isEqualTo("🎶 Rooftop Acoustic #3 is live — tap to listen");
        List<String> expected = new ArrayList<>();
        expected.add("🎶 Rooftop Acoustic #3 is live — tap to listen");
        for (int i = 0; i < extra.length; i++) {
            expected.add("Offer " + i);
        }
        assertThat(calls).extracting(Call::text).containsExactlyElementsOf(expected);
        // the three 429s paused the chat: 30 + 30 + 5 s before anything went out
        assertThat(calls.get(0).at()).isEqualTo(at(Duration.ofSeconds(65)));
        // 26 messages at 20 a minute: the 21st waits until the first has left the window
        assertThat(Duration.between(calls.get(0).at(), calls.get(20).at())).isGreaterThanOrEqualTo(Duration.ofSeconds(60));
        assertThat(telegram.rateLimitHits()).isZero(); // after the scripted storm, the pacer never hit the fake's limits
    }

    @Test
    void aServerErrorBurstRetriesWithBackoffAndKeepsTheOrder() throws SQLException {
        TelegramBridge bridge = bridge(BridgeRig.show());
        telegram.failNext(RecordingTelegram.serverError(), RecordingTelegram.serverError(), RecordingTelegram.serverError(),
                new TelegramException(TelegramException.Kind.NOT_SENT, 0, "connection refused", 0, null, null));
        bridge.handleEvents(RUN, List.of(new ShowEvent.OnAir(T0, true), new ShowEvent.DropOpened(T0, "vinyl", null, 50),
                new ShowEvent.DropOpened(T0, "vip", null, -1)));
        drive(bridge, clock, at(Duration.ofMinutes(2)));

        List<Call> calls = telegram.calls(GROUP);
        assertThat(calls).extracting(Call::text).containsExactly("🎶 Rooftop Acoustic #3 is live — tap to listen",
                "Signed vinyl, tonight only — 50 left", "VIP bundle: backstage Q&A + lossless recording");
        assertThat(calls.get(0).at()).isEqualTo(at(Duration.ofSeconds(1 + 2 + 4 + 8)));
        assertThat(bridge.entries()).allSatisfy(e -> assertThat(e.state()).isEqualTo(OutboxState.SENT));
    }

    @Test
    void aPostLeftSendingByAKilledProcessIsReportedNotResent() throws Exception {
        TelegramBridge before = bridge(BridgeRig.show());
        before.handleEvents(RUN, List.of(new ShowEvent.OnAir(T0, true), new ShowEvent.DropOpened(T0, "vinyl", null, 50)));
        before.close();
        // the process was killed after the announcement became "sending" and before the answer was stored
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("encore.db"));
                Statement s = db.createStatement()) {
            assertThat(s.executeUpdate("UPDATE tg_outbox SET state = 'sending' WHERE key = 'announce'")).isEqualTo(1);
        }

        TelegramBridge after = bridge(BridgeRig.show());
        after.handleEvents(RUN, List.of(new ShowEvent.OnAir(T0, true), new ShowEvent.DropOpened(T0, "vinyl", null, 50)));
        after.handleEvents(RUN, List.of(new ShowEvent.SetEnded(T0.plusSeconds(5))));
        drive(after, clock, at(Duration.ofMinutes(1)));

        assertThat(telegram.calls(GROUP)).extracting(Call::text).containsExactly("Signed vinyl, tonight only — 50 left",
                "🙏 Thank you for listening to Rooftop Acoustic #3! The set has ended — see you at the next show.");
        assertThat(telegram.calls(STAFF)).singleElement().satisfies(alert -> {
            assertThat(alert.text()).contains("announce").contains("may or may not").contains("will not be sent again");
            assertThat(alert.threadId()).isNull();
        });
        assertThat(after.entries()).filteredOn(e -> e.key().equals("announce")).singleElement()
                .satisfies(e -> assertThat(e.state()).isEqualTo(OutboxState.UNKNOWN));
    }

    @Test
    void aLostAnswerMarksThePostUnknownSkipsItsEditsAndTellsTheStaff() throws SQLException {
        TelegramBridge bridge = bridge(BridgeRig.show());
        telegram.actThenDropNext();
        bridge.handleEvents(RUN, List.of(new ShowEvent.DropOpened(T0, "vinyl", null, 50)));
        drive(bridge, clock, at(Duration.ofSeconds(5)));
        bridge.handleEvents(RUN, List.of(new ShowEvent.DropSold(clock.instant(), "vinyl", 1, 49, "A-1")));
        drive(bridge, clock, at(Duration.ofSeconds(30)));

        assertThat(telegram.calls(GROUP)).hasSize(1); // posted once by the fake, never again
        assertThat(telegram.calls(STAFF)).extracting(Call::text).satisfiesExactly(
                t -> assertThat(t).contains("drop:vinyl").contains("may or may not"),
                t -> assertThat(t).contains("skipped the edit").contains("drop:vinyl:count"));
        assertThat(bridge.entries()).extracting(OutboxEntry::key, OutboxEntry::state).contains(
                org.assertj.core.groups.Tuple.tuple("drop:vinyl", OutboxState.UNKNOWN),
                org.assertj.core.groups.Tuple.tuple("drop:vinyl:count", OutboxState.SKIPPED));
    }

    @Test
    void aRefusedPostFailsAndIsReportedWhileTheRestGoesOn() throws SQLException {
        TelegramBridge bridge = bridge(BridgeRig.show());
        telegram.failNext(new TelegramException(TelegramException.Kind.REFUSED, 400, "Bad Request: BUTTON_TYPE_INVALID", 0, null,
                null));
        bridge.handleEvents(RUN, List.of(new ShowEvent.OnAir(T0, true), new ShowEvent.SetEnded(T0)));
        drive(bridge, clock, at(Duration.ofSeconds(30)));

        assertThat(telegram.calls(GROUP)).extracting(Call::text).singleElement().asString().startsWith("🙏");
        assertThat(telegram.calls(STAFF)).extracting(Call::text).singleElement().asString().contains("refused")
                .contains("BUTTON_TYPE_INVALID");
    }

    @Test
    void aGroupThatBecameASupergroupIsFollowedAcrossRestarts() throws SQLException {
        long supergroup = -1005555555555L;
        TelegramBridge bridge = bridge(BridgeRig.show());
        telegram.failNext(new TelegramException(TelegramException.Kind.MIGRATED, 400,
                "Bad Request: group chat was upgraded to a supergroup chat", 0, supergroup, null));
        bridge.handleEvents(RUN, List.of(new ShowEvent.OnAir(T0, true), new ShowEvent.DropOpened(T0, "vinyl", null, 50)));
        drive(bridge, clock, at(Duration.ofSeconds(10)));
        bridge.close();
        TelegramBridge after = bridge(BridgeRig.show());
        after.handleEvents(RUN, List.of(new ShowEvent.SetEnded(at(Duration.ofSeconds(10)))));
        drive(after, clock, at(Duration.ofSeconds(30)));

        assertThat(telegram.calls(GROUP)).isEmpty();
        assertThat(telegram.calls(supergroup)).hasSize(3);
    }

    @Test
    void aSoldOutDropClosesOnceWithoutTheButton() throws SQLException {
        TelegramBridge bridge = bridge(BridgeRig.show());
        bridge.handleEvents(RUN, List.of(new ShowEvent.DropOpened(T0, "vinyl", null, 2)));
        drive(bridge, clock, at(Duration.ofSeconds(2)));
        bridge.handleEvents(RUN, List.of(new ShowEvent.DropSold(clock.instant(), "vinyl", 1, 1, "A-1"),
                new ShowEvent.DropSold(clock.instant(), "vinyl", 1, 0, "A-2"),
                new ShowEvent.DropClosed(clock.instant(), "vinyl", DropCloseReason.SOLD_OUT)));
        drive(bridge, clock, at(Duration.ofMinutes(1)));

        List<Call> calls = telegram.calls(GROUP);
        assertThat(calls).extracting(Call::text).containsExactly("Signed vinyl, tonight only — 2 left",
                "Signed vinyl, tonight only — sold out");
        assertThat(calls.get(1).buttons()).isEmpty();
    }

    @Test
    void anOfferThatClosedBeforeItsPostCouldGoOutIsNotPosted() throws SQLException {
        TelegramBridge bridge = bridge(BridgeRig.show());
        telegram.failNext(RecordingTelegram.rateLimited(120));
        bridge.handleEvents(RUN, List.of(new ShowEvent.OnAir(T0, true), new ShowEvent.DropOpened(T0, "vinyl", null, 50)));
        drive(bridge, clock, at(Duration.ofSeconds(30)));
        bridge.handleEvents(RUN, List.of(new ShowEvent.DropSold(clock.instant(), "vinyl", 50, 0, "A-1"),
                new ShowEvent.DropClosed(clock.instant(), "vinyl", DropCloseReason.SOLD_OUT)));
        drive(bridge, clock, at(Duration.ofMinutes(5)));

        assertThat(telegram.calls(GROUP)).extracting(Call::text).containsExactly("🎶 Rooftop Acoustic #3 is live — tap to listen");
        assertThat(bridge.entries()).filteredOn(e -> e.key().startsWith("drop:vinyl")).singleElement()
                .satisfies(e -> assertThat(e.state()).isEqualTo(OutboxState.SKIPPED));
        assertThat(telegram.calls(STAFF)).isEmpty(); // nothing went wrong
    }
}
