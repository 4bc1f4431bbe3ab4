package dev.encore.show.live;

import static dev.encore.show.live.Shows.T0;
import static dev.encore.show.live.Shows.at;
import static dev.encore.show.live.Shows.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.encore.show.Drop;
import dev.encore.show.PlannedSong;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Drops in the live show: opening on cue and on time, sales, clicks, closing, replay. */
class DropsTest {
    static final Drop VINYL = new Drop("vinyl", "Signed vinyl, tonight only", URI.create("https://shop.example.org/vinyl"), 3,
            Duration.ofMinutes(10), null);
    static final Drop VIP = new Drop("vip", "VIP bundle", URI.create("https://shop.example.org/vip"), null, null,
            Duration.ofMinutes(15));
    static final Drop TEE = new Drop("tee", "Tour tee", URI.create("https://shop.example.org/tee"), 1, Duration.ofMinutes(1),
            Duration.ofMinutes(30));
    /** Intro cues the tee; Wonderwall cues the vinyl; the VIP bundle comes 15 min into the set. */
    static final DropPlan PLAN = DropPlan.of(List.of(new PlannedSong("Intro", List.of("tee")),
            new PlannedSong("Wonderwall", List.of("vinyl")), new PlannedSong("Yesterday")), drops(VINYL, VIP, TEE));

    private final List<ShowEvent> log = new ArrayList<>();
    private final LiveShow show = LiveShow.open("rooftop-3", Shows.PLANNED, PLAN, ShowRules.defaults(), T0, log::add);

    static Map<String, Drop> drops(Drop... drops) {
        Map<String, Drop> map = new LinkedHashMap<>();
        for (Drop d : drops) {
            map.put(d.id(), d);
        }
        return map;
    }

    private static Instant min(double minutes) {
        return at(minutes * 60);
    }

    private List<String> names(List<ShowEvent> events) {
        return events.stream().map(e -> e.getClass().getSimpleName()).toList();
    }

    private ShowState.DropView view(String id) {
        return show.publicSnapshot().drops().stream().filter(d -> d.id().equals(id)).findFirst().orElse(null);
    }

    @Test
    void aCuedDropOpensWhenItsSongStartsOncePerRun() {
        List<ShowEvent> started = show.startSet(at(10));

        assertThat(started).containsExactly(new ShowEvent.SetStarted(at(10)), new ShowEvent.SongStarted(at(10), 0, "Intro"),
                new ShowEvent.DropOpened(at(10), "tee", at(70), 1));

        List<ShowEvent> next = show.nextSong(at(20));
        assertThat(next).containsExactly(new ShowEvent.SongStarted(at(20), 1, "Wonderwall"),
                new ShowEvent.DropOpened(at(20), "vinyl", at(620), 3));

        assertThat(show.previousSong(at(30))).containsExactly(new ShowEvent.SongStarted(at(30), 0, "Intro"));
        assertThat(show.jumpTo(1, at(40))).containsExactly(new ShowEvent.SongStarted(at(40), 1, "Wonderwall"));
        assertThat(show.publicSnapshot().drops()).extracting(ShowState.DropView::id).containsExactly("tee", "vinyl");
        assertThat(log).extracting(ShowEvent::at).isSorted();
    }

    @Test
    void theSnapshotShowsTheRedirectPathNotTheShop() {
        show.startSet(at(10));
        show.nextSong(at(20));

        assertThat(view("vinyl")).isEqualTo(new ShowState.DropView("vinyl", "Signed vinyl, tonight only",
                "/go/rooftop-3/vinyl", at(20), at(620), null, null, 3, 3, 0, 0));
        assertThat(view("vinyl").open()).isTrue();
        assertThat(show.publicSnapshot().toString()).doesNotContain("shop.example.org");
        assertThat(show.snapshot("a").drops()).isEqualTo(show.publicSnapshot().drops());
    }

    @Test
    void aTimedDropOpensOnTheTickAfterItsOffsetFromTheSetStart() {
        assertThat(show.tick(min(16))).isEmpty(); // the set has not started: nothing is timed yet
        show.startSet(min(20));

        assertThat(show.tick(min(34.99))).containsExactly(new ShowEvent.DropClosed(min(21), "tee", DropCloseReason.WINDOW));
        List<ShowEvent> due = show.tick(min(35));

        assertThat(due).containsExactly(new ShowEvent.DropOpened(min(35), "vip", null, -1));
        assertThat(show.tick(min(36))).isEmpty();
    }

    @Test
    void aCommandCatchesUpWithTimedDropsToo() {
        show.startSet(at(0));

        List<ShowEvent> events = show.submitRequest("a", "Hey Jude", min(15.5));

        assertThat(names(events)).containsExactly("DropClosed", "DropOpened", "RequestSubmitted");
        assertThat(events.get(1)).isEqualTo(new ShowEvent.DropOpened(min(15.5), "vip", null, -1));
    }

    @Test
    void aDropCuedAndTimedOpensWhicheverComesFirst() {
        show.startSet(at(0)); // Intro opens the tee at once
        show.tick(min(2)); // its window closed at 1 min

        assertThat(show.tick(min(31))).extracting(e -> e.getClass().getSimpleName()).containsExactly("DropOpened");
        assertThat(show.publicSnapshot().drops()).extracting(ShowState.DropView::id).containsExactly("tee", "vip");
    }

    @Test
    void theWindowClosesAtTheMomentItEnded() {
        show.startSet(at(10));
        show.nextSong(at(20));

        assertThat(show.tick(at(69))).isEmpty();
        List<ShowEvent> due = show.tick(at(700));

        assertThat(due).containsExactly(new ShowEvent.DropClosed(at(70), "tee", DropCloseReason.WINDOW),
                new ShowEvent.DropClosed(at(620), "vinyl", DropCloseReason.WINDOW));
        assertThat(view("vinyl").closedAt()).isEqualTo(at(620));
        assertThat(view("vinyl").closeReason()).isEqualTo(DropCloseReason.WINDOW);
        assertThat(view("vinyl").open()).isFalse();
        assertThat(show.tick(at(800))).isEmpty();
    }

    @Test
    void dueEventsOfDifferentKindsComeInTimeOrder() {
        show.startSet(at(10)); // tee closes at 70
        show.openPoll("Q?", List.of("x", "y"), Duration.ofMillis(54_700), at(11)); // closes at 65.7
        show.listenerConnected("a", Tier.GENERAL, at(12));
        show.react("a", ReactionKind.FIRE, at(65.5)); // burst at 66

        List<ShowEvent> due = show.tick(at(80));

        assertThat(names(due)).containsExactly("PollClosed", "ReactionBurst", "DropClosed");
        assertThat(due).extracting(ShowEvent::at).containsExactly(at(65.7), at(66), at(70));
    }

    @Test
    void salesCountDownAndTheLastOneClosesTheDrop() {
        show.startSet(at(10));
        show.nextSong(at(20));

        assertThat(show.dropSold("vinyl", 1, "order-1", at(30))).containsExactly(
                new ShowEvent.DropSold(at(30), "vinyl", 1, 2, "order-1"));
        assertThat(show.soldAnswer("vinyl", "order-1")).isEqualTo(2);
        assertThat(view("vinyl").remaining()).isEqualTo(2);

        List<ShowEvent> last = show.dropSold("vinyl", 5, "order-2", at(31));

        assertThat(last).containsExactly(new ShowEvent.DropSold(at(31), "vinyl", 5, 0, "order-2"),
                new ShowEvent.DropClosed(at(31), "vinyl", DropCloseReason.SOLD_OUT));
        assertThat(view("vinyl")).extracting(ShowState.DropView::remaining, ShowState.DropView::sold,
                ShowState.DropView::closeReason).containsExactly(0, 6, DropCloseReason.SOLD_OUT);
        assertThat(show.tick(at(700))).extracting(e -> e.getClass().getSimpleName()).containsExactly("DropClosed")
                .hasSize(1); // the tee's window; the vinyl is closed already
    }

    @Test
    void aRepeatedOrderCountsOnceAndGetsTheSameAnswer() {
        show.startSet(at(10));
        show.nextSong(at(20));
        show.dropSold("vinyl", 1, "A-1", at(30));
        show.dropSold("vinyl", 1, "A-2", at(31));

        assertThat(show.dropSold("vinyl", 1, "A-1", at(32))).isEmpty();
        assertThat(show.soldAnswer("vinyl", "A-1")).isEqualTo(2);
        assertThat(show.soldAnswer("vinyl", "A-2")).isEqualTo(1);
        assertThat(show.soldAnswer("vinyl", "A-3")).isNull();
        assertThat(show.soldAnswer("vip", "A-1")).isNull();
        assertThat(view("vinyl").remaining()).isEqualTo(1);
        // the same order id for another drop is another sale
        assertThat(show.dropSold("vip", 2, "A-1", at(33))).containsExactly(new ShowEvent.DropSold(at(33), "vip", 2, -1, "A-1"));
    }

    @Test
    void salesWithoutACounterAreCountedButCloseNothing() {
        show.startSet(at(0));
        show.tick(min(15));

        assertThat(show.dropSold("vip", 1000, "x", min(16))).containsExactly(new ShowEvent.DropSold(min(16), "vip", 1000, -1,
                "x"));
        assertThat(view("vip").open()).isTrue();
        assertThat(view("vip").sold()).isEqualTo(1000);
        assertThat(view("vip").remaining()).isEqualTo(-1);
    }

    @Test
    void salesBeforeTheDropOpenedCountAndASoldOutDropClosesAsItOpens() {
        assertThat(show.dropSold("tee", 1, "early", at(1))).containsExactly(new ShowEvent.DropSold(at(1), "tee", 1, 0,
                "early"));
        assertThat(show.publicSnapshot().drops()).isEmpty(); // not opened yet: nothing to show

        List<ShowEvent> started = show.startSet(at(10));

        assertThat(started).endsWith(new ShowEvent.DropOpened(at(10), "tee", at(70), 0),
                new ShowEvent.DropClosed(at(10), "tee", DropCloseReason.SOLD_OUT));
        show.nextSong(at(20));
        assertThat(show.dropSold("vinyl", 1, "late", at(21))).hasSize(1);
        show.tick(at(700));
        assertThat(show.dropSold("vinyl", 1, "after-close", at(701))).containsExactly(new ShowEvent.DropSold(at(701), "vinyl",
                1, 1, "after-close"));
    }

    @Test
    void theSetEndClosesOpenDropsAndNothingOpensAfterIt() {
        show.startSet(at(10));
        show.nextSong(at(20));
        show.tick(at(100)); // the tee closed at 70

        List<ShowEvent> ended = show.endSet(at(200));

        assertThat(ended).containsExactly(new ShowEvent.SetEnded(at(200)),
                new ShowEvent.DropClosed(at(200), "vinyl", DropCloseReason.SET_ENDED));
        assertThat(show.tick(min(60))).isEmpty(); // the VIP bundle's 15 min passed after the end
        assertThat(show.publicSnapshot().drops()).allMatch(d -> !d.open());
    }

    @Test
    void salesAreRefusedForUnknownDropsBadQuantitiesAndOddOrderIds() {
        refused(() -> show.dropSold("vynil", 1, "o", at(1)), Refusal.NO_SUCH_DROP);
        assertThat(refused(() -> show.dropSold("vynil", 1, "o", at(1)), Refusal.NO_SUCH_DROP).getMessage()).isEqualTo(
                "drop: 'vynil' (expected: one of vinyl, vip, tee)");
        refused(() -> show.dropSold(null, 1, "o", at(1)), Refusal.MISSING);
        refused(() -> show.dropSold("vinyl", 0, "o", at(1)), Refusal.BAD_QUANTITY);
        refused(() -> show.dropSold("vinyl", -3, "o", at(1)), Refusal.BAD_QUANTITY);
        refused(() -> show.dropSold("vinyl", 1_000_001, "o", at(1)), Refusal.BAD_QUANTITY);
        refused(() -> show.dropSold("vinyl", 1, null, at(1)), Refusal.MISSING);
        refused(() -> show.dropSold("vinyl", 1, "", at(1)), Refusal.ORDER_INVALID);
        refused(() -> show.dropSold("vinyl", 1, "has space", at(1)), Refusal.ORDER_INVALID);
        refused(() -> show.dropSold("vinyl", 1, "x".repeat(101), at(1)), Refusal.ORDER_INVALID);
        refused(() -> show.dropSold("vinyl", 1, "é", at(1)), Refusal.ORDER_INVALID);
        assertThat(show.dropSold("vinyl", 1_000_000, "#1001/pi_3N", at(1))).hasSize(1);
        assertThat(Refusal.NO_SUCH_DROP.code()).isEqualTo("no_such_drop");
        assertThat(Refusal.BAD_QUANTITY.code()).isEqualTo("bad_quantity");
        LiveShow plain = Shows.open();
        assertThat(refused(() -> plain.dropSold("vinyl", 1, "o", at(1)), Refusal.NO_SUCH_DROP).getMessage()).isEqualTo(
                "drop: 'vinyl' (expected: a drop of the show file, which has none)");
    }

    @Test
    void clicksAreCountedAnyTimeWithASanitizedSource() {
        assertThat(show.dropClicked("vinyl", "telegram", at(1))).containsExactly(new ShowEvent.DropClicked(at(1), "vinyl",
                "telegram"));
        assertThat(show.dropClicked("vinyl", "page", at(2))).containsExactly(new ShowEvent.DropClicked(at(2), "vinyl", "page"));
        assertThat(show.dropClicked("vinyl", null, at(3))).extracting(e -> ((ShowEvent.DropClicked) e).source())
                .containsExactly("direct");
        for (String odd : new String[] {"Telegram", "<script>", "a b", "x".repeat(33), "tg/1", "é"}) {
            assertThat(show.dropClicked("vinyl", odd, at(4))).as(odd).extracting(e -> ((ShowEvent.DropClicked) e).source())
                    .containsExactly("other");
        }
        assertThat(show.dropClicked("vinyl", "a_b-1", at(5))).extracting(e -> ((ShowEvent.DropClicked) e).source())
                .containsExactly("a_b-1");
        refused(() -> show.dropClicked("nope", "page", at(6)), Refusal.NO_SUCH_DROP);
        show.startSet(at(10));
        show.nextSong(at(20));
        show.dropClicked("vinyl", "page", at(21));
        assertThat(view("vinyl").clicks()).isEqualTo(11);
    }

    @Test
    void onAirIsRecordedOnlyOnChange() {
        assertThat(show.onAir(false, at(1))).isEmpty();
        assertThat(show.onAir(true, at(2))).containsExactly(new ShowEvent.OnAir(at(2), true));
        assertThat(show.onAir()).isTrue();
        assertThat(show.onAir(true, at(3))).isEmpty();
        assertThat(show.onAir(false, at(4))).containsExactly(new ShowEvent.OnAir(at(4), false));
        show.onAir(true, at(5));

        assertThat(show.disconnectEveryone(at(6))).contains(new ShowEvent.OnAir(at(6), false));
        assertThat(show.onAir()).isFalse();
    }

    @Test
    void replayRebuildsTheSameDropsAndNeverReopensOne() {
        show.onAir(true, at(1));
        show.dropClicked("vip", "telegram", at(2));
        show.dropSold("tee", 1, "early", at(3));
        show.startSet(at(10));
        show.nextSong(at(20));
        show.dropSold("vinyl", 2, "o-1", at(30));
        show.dropClicked("vinyl", "page", at(31));
        show.tick(min(16));

        List<ShowEvent> more = new ArrayList<>();
        LiveShow restored = LiveShow.replay(List.copyOf(log), PLAN, ShowRules.defaults(), more::add);

        assertThat(restored.publicSnapshot()).isEqualTo(show.publicSnapshot());
        assertThat(restored.snapshot("a")).isEqualTo(show.snapshot("a"));
        assertThat(restored.onAir()).isTrue();
        assertThat(restored.soldAnswer("vinyl", "o-1")).isEqualTo(1);
        assertThat(restored.dropSold("vinyl", 2, "o-1", min(17))).isEmpty();
        assertThat(restored.jumpTo(1, min(18))).hasSize(1); // no second DropOpened
        assertThat(restored.dropSold("vinyl", 1, "o-2", min(19))).containsExactly(
                new ShowEvent.DropSold(min(19), "vinyl", 1, 0, "o-2")); // the window had closed: no sold-out close
        assertThat(more).hasSize(2);
    }

    @Test
    void aReplayWithoutThePlanKeepsTheHistoryButShowsNoCard() {
        show.startSet(at(10));
        show.nextSong(at(20));

        LiveShow restored = LiveShow.replay(List.copyOf(log), ShowRules.defaults(), ShowEventListener.NONE);

        assertThat(restored.publicSnapshot().drops()).isEmpty();
        assertThat(restored.publicSnapshot().setList()).isEqualTo(show.publicSnapshot().setList());
    }

    @Test
    void aLogThatOpensADropTwiceOrClosesAClosedOneIsInvalid() {
        ShowEvent.ShowOpened opened = (ShowEvent.ShowOpened) log.get(0);
        ShowEvent.DropOpened drop = new ShowEvent.DropOpened(at(1), "vinyl", null, 3);
        refused(() -> LiveShow.replay(List.of(opened, drop, drop), PLAN, ShowRules.defaults(), ShowEventListener.NONE),
                Refusal.LOG_INVALID);
        refused(() -> LiveShow.replay(List.of(opened, new ShowEvent.DropClosed(at(1), "vinyl", DropCloseReason.WINDOW)), PLAN,
                ShowRules.defaults(), ShowEventListener.NONE), Refusal.LOG_INVALID);
    }

    @Test
    void aPlanMustNameItsDrops() {
        assertThatThrownBy(() -> DropPlan.of(List.of(new PlannedSong("A", List.of("nope"))), drops(VINYL)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("song 0 cues drop 'nope' (expected: one of vinyl)");
        assertThat(DropPlan.NONE.isEmpty()).isTrue();
        assertThat(PLAN.cuesOf(1)).containsExactly("vinyl");
        assertThat(PLAN.cuesOf(7)).isEmpty();
        assertThat(PLAN.cuesOf(-1)).isEmpty();
    }

    @Test
    void anAddedSongCuesNothing() {
        show.startSet(at(10));
        show.addSong("Encore", at(11));

        assertThat(show.jumpTo(3, at(12))).containsExactly(new ShowEvent.SongStarted(at(12), 3, "Encore"));
    }
}
