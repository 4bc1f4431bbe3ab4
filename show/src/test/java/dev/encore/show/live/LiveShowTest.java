package dev.encore.show.live;

import static dev.encore.show.live.Shows.T0;
import static dev.encore.show.live.Shows.at;
import static dev.encore.show.live.Shows.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class LiveShowTest {
    private static final List<String> VIEWERS = List.of("a", "b", "c", "tg:42", "nobody");

    private final List<ShowEvent> log = new ArrayList<>();
    private final LiveShow show = Shows.open(log);

    /** A show with a bit of everything, some of it refused. */
    private static void play(LiveShow s) {
        s.performerOnline(true, at(0));
        s.listenerConnected("a", Tier.GENERAL, at(1));
        s.listenerConnected("b", Tier.VIP, at(1));
        s.listenerConnected("c", Tier.GENERAL, at(2));
        s.submitRequest("a", "Hey Jude", at(3));
        s.submitRequest("b", "the hey jude", at(4));
        s.submitRequest("tg:42", "Let It Be", at(5));
        s.submitRequest("c", "Help!", at(5));
        s.upvote("c", 2, at(6));
        attempt(() -> s.submitRequest("a", "Yesterday!", at(7)));
        s.startSet(at(10));
        s.openPoll("Acoustic or electric?", List.of("Acoustic", "Electric"), Duration.ofSeconds(30), at(11));
        s.vote("a", 1, 0, at(12));
        s.vote("b", 1, 1, at(12));
        s.vote("a", 1, 1, at(13));
        for (int i = 0; i < 20; i++) {
            s.react(i % 2 == 0 ? "a" : "b", ReactionKind.values()[i % 5], at(14 + i * 0.3));
        }
        s.acceptRequest(1, at(20));
        s.dismissRequest(3, at(21));
        s.nextSong(at(45)); // closes the poll first (at 41)
        s.jumpTo(3, at(46));
        s.openPoll("Encore?", List.of("Yes", "No"), null, at(50));
        s.vote("c", 2, 0, at(51));
        s.listenerDisconnected("c", at(52));
        s.react("a", ReactionKind.APPLAUSE, at(52.5));
        s.submitRequest("a", "Yesterday", at(60));
        attempt(() -> s.vote("a", 1, 0, at(61)));
        s.tick(at(62));
    }

    private static void attempt(ThrowingCallable call) {
        assertThat(catchThrowable(call)).isInstanceOf(ShowRuleException.class);
    }

    private static void assertSameState(LiveShow expected, LiveShow actual) {
        assertThat(actual.publicSnapshot()).isEqualTo(expected.publicSnapshot());
        for (String viewer : VIEWERS) {
            assertThat(actual.snapshot(viewer)).as(viewer).isEqualTo(expected.snapshot(viewer));
        }
    }

    @Test
    void theListenerSeesWhatTheCommandsReturn() {
        List<ShowEvent> returned = new ArrayList<>(log);
        show.startSet(at(1));
        returned.addAll(show.submitRequest("a", "Hey Jude", at(2)));
        returned.addAll(show.openPoll("Q?", List.of("x", "y"), Duration.ofSeconds(5), at(3)));
        show.react("a", ReactionKind.WOW, at(3.5));
        returned.addAll(show.acceptRequest(1, at(9)));
        assertThat(log.subList(3, log.size())).isEqualTo(returned.subList(1, returned.size()));
        assertThat(returned).extracting(e -> e.getClass().getSimpleName()).containsExactly("ShowOpened", "RequestSubmitted",
                "PollOpened", "ReactionBurst", "PollClosed", "RequestAccepted", "SongAdded");
        assertThat(log).extracting(ShowEvent::at).isSorted();
    }

    @Test
    void replayingTheEventsRebuildsTheSameShow() {
        play(show);

        LiveShow restored = LiveShow.replay(List.copyOf(log), ShowRules.defaults(), ShowEventListener.NONE);

        assertThat(restored.showId()).isEqualTo("rooftop-3");
        assertThat(restored.now()).isEqualTo(log.get(log.size() - 1).at());
        restored.tick(show.now()); // the original saw a later time (a tick) that produced no event
        assertSameState(show, restored);
        ShowState a = restored.snapshot("a");
        assertThat(a.nowPlaying().title()).isEqualTo("Hey Jude");
        assertThat(a.lastClosedPoll().tally()).containsExactly(0, 2);
        assertThat(a.openPoll().tally()).containsExactly(1, 0);
        assertThat(a.room().listeners()).isEqualTo(2);
        assertThat(a.room().reactionsPerSecond()).isPositive();

        // Both go on the same way: rate limits and votes survived the restore.
        for (LiveShow s : List.of(show, restored)) {
            refused(() -> s.submitRequest("a", "Something", at(70)), Refusal.RATE_LIMITED);
            refused(() -> s.upvote("c", 2, at(70)), Refusal.ALREADY_VOTED);
            refused(() -> s.upvote("a", 3, at(70)), Refusal.REQUEST_NOT_OPEN);
            refused(() -> s.submitRequest("b", "help", at(70)), Refusal.REQUEST_DISMISSED);
        }
        assertThat(restored.submitRequest("b", "Something", at(90))).isEqualTo(show.submitRequest("b", "Something", at(90)));
        assertThat(restored.closePoll(at(91))).isEqualTo(show.closePoll(at(91)));
        assertSameState(show, restored);
    }

    @Test
    void audioStartedIsRecordedForTheReportChangesNothingAndReplays() {
        play(show);
        LiveShow without = Shows.open(new ArrayList<>());
        play(without);

        assertThat(show.audioStarted(184, at(63))).containsExactly(new ShowEvent.AudioStarted(at(63), 184));
        assertThat(show.audioStarted(0, at(63.5))).containsExactly(new ShowEvent.AudioStarted(at(63.5), 0));
        assertThat(catchThrowable(() -> show.audioStarted(-1, at(64)))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ttfaMillis: -1 (expected: >= 0)");
        assertThat(catchThrowable(() -> new ShowEvent.AudioStarted(at(64), -5))).isInstanceOf(IllegalArgumentException.class);

        without.tick(at(63.5));
        assertSameState(without, show);
        LiveShow restored = LiveShow.replay(List.copyOf(log), ShowRules.defaults(), ShowEventListener.NONE);
        assertSameState(show, restored);
        assertThat(log.get(log.size() - 1)).isEqualTo(new ShowEvent.AudioStarted(at(63.5), 0));
    }

    @Test
    void aRestoredShowDropsTheConnectionsItHad() {
        play(show);
        List<ShowEvent> more = new ArrayList<>();
        LiveShow restored = LiveShow.replay(log, ShowRules.defaults(), more::add);
        assertThat(more).isEmpty(); // replayed events are not announced again

        restored.disconnectEveryone(at(100));
        ShowState.Room room = restored.publicSnapshot().room();
        assertThat(room.listeners()).isZero();
        assertThat(room.performerOnline()).isFalse();
        assertThat(room.peakListeners()).isEqualTo(3);
        assertThat(more).hasSize(3);
    }

    @Test
    void aLogThatCannotHaveComeFromAShowIsRefused() {
        ShowEvent.ShowOpened opened = new ShowEvent.ShowOpened(T0, "s", List.of("One"));
        List<List<ShowEvent>> bad = List.of(
                List.of(),
                List.of(new ShowEvent.SetStarted(T0)),
                List.of(opened, opened),
                List.of(opened, new ShowEvent.SongStarted(at(1), 0, "One")),
                List.of(opened, new ShowEvent.SetStarted(at(2)), new ShowEvent.SongStarted(at(1), 0, "One")),
                List.of(opened, new ShowEvent.SetStarted(at(1)), new ShowEvent.SongStarted(at(1), 1, "Two")),
                List.of(opened, new ShowEvent.RequestUpvoted(at(1), 1, "a", 2)),
                List.of(opened, new ShowEvent.RequestSubmitted(at(1), 2, "a", "Hey")),
                List.of(opened, new ShowEvent.RequestSubmitted(at(1), 1, "a", "bad\u202Etitle")),
                List.of(opened, new ShowEvent.RequestSubmitted(at(1), 1, "a b", "Hey")),
                List.of(opened, new ShowEvent.RequestSubmitted(at(1), 1, "a", "Hey"), new ShowEvent.RequestUpvoted(at(1), 1, "a", 2)),
                List.of(opened, new ShowEvent.VoteCast(at(1), 1, "a", 0, -1)),
                List.of(opened, new ShowEvent.PollOpened(at(1), 1, "Q", List.of("x", "y"), null),
                        new ShowEvent.VoteCast(at(1), 1, "a", 2, -1)),
                List.of(opened, new ShowEvent.PollOpened(at(1), 1, "Q", List.of("x", "y"), null),
                        new ShowEvent.VoteCast(at(1), 1, "a", 0, 1)),
                List.of(opened, new ShowEvent.PollOpened(at(1), 1, "Q", List.of("x", "y"), null),
                        new ShowEvent.PollClosed(at(1), 1, List.of(5, 0), PollCloseReason.TIME_LIMIT)),
                List.of(opened, new ShowEvent.PollOpened(at(1), 1, "Q", List.of("x"), null)),
                List.of(opened, new ShowEvent.ListenerDisconnected(at(1), "a")),
                List.of(opened, new ShowEvent.SongAdded(at(1), 5, "Two", 0)));
        for (List<ShowEvent> events : bad) {
            refused(() -> LiveShow.replay(events, ShowRules.defaults(), ShowEventListener.NONE), Refusal.LOG_INVALID);
        }
        refused(() -> LiveShow.replay(null, ShowRules.defaults(), ShowEventListener.NONE), Refusal.LOG_INVALID);
        refused(() -> LiveShow.replay(Arrays.asList(opened, null), ShowRules.defaults(), ShowEventListener.NONE),
                Refusal.LOG_INVALID);
    }

    @Test
    void nullsAreRefusedNotThrown() {
        show.openPoll("Q?", List.of("x", "y"), null, at(1));
        show.submitRequest("a", "Hey Jude", at(1));
        List<ThrowingCallable> calls = List.of(
                () -> show.submitRequest(null, "Hey", at(2)),
                () -> show.submitRequest("a", null, at(2)),
                () -> show.submitRequest("a", "Hey", null),
                () -> show.upvote(null, 1, at(2)),
                () -> show.vote(null, 1, 0, at(2)),
                () -> show.vote("a", 1, 0, null),
                () -> show.openPoll(null, null, null, at(2)),
                () -> show.addSong(null, at(2)),
                () -> show.react(null, ReactionKind.WOW, at(2)),
                () -> show.react("a", null, at(2)),
                () -> show.listenerConnected(null, null, at(2)),
                () -> show.tick(null),
                () -> show.startSet(null),
                () -> show.snapshot(null),
                () -> LiveShow.open(null, List.of(), ShowRules.defaults(), T0, ShowEventListener.NONE),
                () -> LiveShow.open("s", null, ShowRules.defaults(), T0, ShowEventListener.NONE),
                () -> LiveShow.open("s", Arrays.asList("a", null), ShowRules.defaults(), T0, ShowEventListener.NONE),
                () -> LiveShow.open("s", List.of(), ShowRules.defaults(), null, ShowEventListener.NONE));
        for (ThrowingCallable call : calls) {
            assertThat(catchThrowable(call)).isInstanceOf(ShowRuleException.class);
        }
        assertThat(log).hasSize(3);
    }

    @Test
    void hostileTitles() {
        String huge = "A".repeat(10 * 1024);
        ShowRuleException e = refused(() -> show.submitRequest("a", huge, at(1)), Refusal.TITLE_INVALID);
        assertThat(e.getMessage()).isEqualTo("title: 10240 characters (expected: 1..80 characters without control characters)");
        refused(() -> show.submitRequest("a", "Hey\u0000Jude", at(1)), Refusal.TITLE_INVALID);
        refused(() -> show.submitRequest("a", "\u202Eeduj yeh", at(1)), Refusal.TITLE_INVALID);
        refused(() -> show.submitRequest("a", "Hey\r\nJude", at(1)), Refusal.TITLE_INVALID);
        refused(() -> show.submitRequest("a", "\uDE00lone", at(1)), Refusal.TITLE_INVALID);
        refused(() -> show.submitRequest("a", " \u3000 ", at(1)), Refusal.TITLE_INVALID);
        assertThat(log).hasSize(1);

        assertThat(show.submitRequest("a", "🎸 Riff 🔥", at(1))).singleElement()
                .isEqualTo(new ShowEvent.RequestSubmitted(at(1), 1, "a", "🎸 Riff 🔥"));
        assertThat(show.submitRequest("b", "<img src=x onerror=alert(1)>", at(1))).singleElement()
                .isEqualTo(new ShowEvent.RequestSubmitted(at(1), 2, "b", "<img src=x onerror=alert(1)>"));
        assertThat(show.submitRequest("c", "a" + "\u0336".repeat(79), at(1))).hasSize(1); // zalgo, but 80 code points
        refused(() -> show.submitRequest("d", "a" + "\u0336".repeat(80), at(1)), Refusal.TITLE_INVALID);
    }

    @Test
    void fuzzedCommandsOnlyEverThrowRefusalsAndTheirEventsReplay() {
        Random random = new Random(20250601);
        String[] ids = {"a", "b", "c", "tg:1", "", null, "x y", "\u202E"};
        for (int step = 0; step < 4000; step++) {
            Instant now = random.nextInt(50) == 0 ? null : at(step * 0.4 - random.nextInt(3));
            String id = ids[random.nextInt(ids.length)];
            int n = random.nextInt(8) - 2;
            String text = nasty(random);
            ReactionKind kind = random.nextBoolean() ? null : ReactionKind.values()[random.nextInt(5)];
            Tier tier = random.nextBoolean() ? Tier.GENERAL : Tier.VIP;
            Duration limit = random.nextBoolean() ? null : Duration.ofSeconds(random.nextInt(20));
            List<String> options = random.nextBoolean() ? List.of("yes", "no", "maybe")
                    : List.of(String.valueOf(nasty(random)), String.valueOf(nasty(random)), "ok");
            int option = random.nextInt(4) - 1;
            ShowState.PollView open = show.publicSnapshot().openPoll();
            int poll = open != null && random.nextInt(4) > 0 ? open.pollId() : n;
            List<ShowState.QueuedRequest> queue = show.publicSnapshot().queue();
            int request = !queue.isEmpty() && random.nextInt(4) > 0 ? queue.get(random.nextInt(queue.size())).requestId() : n;
            int pick = random.nextInt(18);
            ThrowingCallable call = switch (pick) {
                case 0 -> () -> show.submitRequest(id, text, now);
                case 1 -> () -> show.submitRequest(id, "Song " + n, now);
                case 2 -> () -> show.upvote(id, request, now);
                case 3 -> () -> show.acceptRequest(request, now);
                case 4 -> () -> show.markPlayed(request, now);
                case 5 -> () -> show.dismissRequest(request, now);
                case 6 -> () -> show.openPoll(random.nextBoolean() ? "Q?" : text, options, limit, now);
                case 7 -> () -> show.vote(id, poll, option, now);
                case 8 -> () -> show.closePoll(now);
                case 9 -> () -> show.react(id, kind, now);
                case 10 -> () -> show.listenerConnected(id, tier, now);
                case 11 -> () -> show.listenerDisconnected(id, now);
                case 12 -> () -> show.jumpTo(n, now);
                case 13 -> () -> show.addSong(text, now);
                case 14 -> () -> show.snapshot(id);
                case 15 -> () -> show.nextSong(now);
                case 16 -> () -> show.startSet(now);
                default -> () -> show.previousSong(now);
            };
            Throwable thrown = catchThrowable(call);
            if (thrown != null) {
                assertThat(thrown).as("step " + step).isInstanceOf(ShowRuleException.class);
                assertThat(thrown.getMessage()).contains("(expected: ").hasSizeLessThan(400);
            }
        }
        assertThat(log.size()).isGreaterThan(200);
        assertThat(log).extracting(e -> e.getClass().getSimpleName()).contains("RequestSubmitted", "RequestUpvoted",
                "RequestAccepted", "RequestPlayed", "RequestDismissed", "SetStarted", "SongStarted", "SongAdded", "PollOpened",
                "VoteCast", "PollClosed", "ReactionBurst", "ListenerConnected", "ListenerDisconnected");
        assertThat(log).extracting(ShowEvent::at).isSorted();

        LiveShow restored = LiveShow.replay(log, ShowRules.defaults(), ShowEventListener.NONE);
        show.tick(show.now());
        restored.tick(show.now());
        assertSameState(show, restored);
    }

    /** Text that is sometimes fine and often not: controls, bidi, surrogates, emoji, marks, huge. */
    private static String nasty(Random random) {
        int kind = random.nextInt(10);
        if (kind == 0) {
            return null;
        }
        if (kind == 1) {
            return "x".repeat(10 * 1024);
        }
        String[] parts = {"a", "Song", " ", "\u00A0", "é", "e\u0301", "🎸", "\u200D", "\u202E", "\u0000", "\n", "\uD800",
            "<b>", "&amp;", "ß", "The ", "\u3000", "\uFEFF", "Ω", "!", "9"};
        StringBuilder b = new StringBuilder();
        int length = random.nextInt(kind < 5 ? 6 : 60);
        for (int i = 0; i < length; i++) {
            b.append(parts[random.nextInt(kind < 5 ? 8 : parts.length)]);
        }
        return b.toString();
    }
}
