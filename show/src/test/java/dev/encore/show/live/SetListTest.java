package dev.encore.show.live;

import static dev.encore.show.live.Shows.T0;
import static dev.encore.show.live.Shows.at;
import static dev.encore.show.live.Shows.refused;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SetListTest {
    private final List<ShowEvent> log = new ArrayList<>();
    private final LiveShow show = Shows.open(log);

    @Test
    void aShowOpensWithItsPlannedSongs() {
        assertThat(log).containsExactly(new ShowEvent.ShowOpened(T0, "rooftop-3", Shows.PLANNED));
        ShowState state = show.publicSnapshot();
        assertThat(state.phase()).isEqualTo(SetPhase.NOT_STARTED);
        assertThat(state.nowPlaying()).isNull();
        assertThat(state.setList()).containsExactly(new ShowState.Song(0, "Intro", 0, false, false),
                new ShowState.Song(1, "Wonderwall", 0, false, false), new ShowState.Song(2, "Yesterday", 0, false, false));
    }

    @Test
    void navigationAndItsEventStream() {
        List<ShowEvent> returned = new ArrayList<>();
        refused(() -> show.nextSong(at(1)), Refusal.SET_NOT_STARTED);
        refused(() -> show.endSet(at(1)), Refusal.SET_NOT_STARTED);

        returned.addAll(show.startSet(at(10)));
        refused(() -> show.startSet(at(11)), Refusal.SET_ALREADY_STARTED);
        refused(() -> show.previousSong(at(11)), Refusal.START_OF_SET);
        returned.addAll(show.nextSong(at(200)));
        returned.addAll(show.nextSong(at(400)));
        assertThat(refused(() -> show.nextSong(at(500)), Refusal.END_OF_SET).getMessage())
                .isEqualTo("next: song 2 is the last of 3 (expected: a song after the current one; add a song or end the set)");
        returned.addAll(show.previousSong(at(510)));
        returned.addAll(show.jumpTo(0, at(520)));
        refused(() -> show.jumpTo(3, at(530)), Refusal.NO_SUCH_SONG);
        refused(() -> show.jumpTo(-1, at(530)), Refusal.NO_SUCH_SONG);
        returned.addAll(show.addSong("  Hey Jude ", at(540)));
        returned.addAll(show.jumpTo(3, at(550)));
        returned.addAll(show.endSet(at(600)));

        List<ShowEvent> expected = List.of(
                new ShowEvent.SetStarted(at(10)),
                new ShowEvent.SongStarted(at(10), 0, "Intro"),
                new ShowEvent.SongStarted(at(200), 1, "Wonderwall"),
                new ShowEvent.SongStarted(at(400), 2, "Yesterday"),
                new ShowEvent.SongStarted(at(510), 1, "Wonderwall"),
                new ShowEvent.SongStarted(at(520), 0, "Intro"),
                new ShowEvent.SongAdded(at(540), 3, "Hey Jude", 0),
                new ShowEvent.SongStarted(at(550), 3, "Hey Jude"),
                new ShowEvent.SetEnded(at(600)));
        assertThat(returned).isEqualTo(expected);
        assertThat(log.subList(1, log.size())).isEqualTo(expected); // the listener saw the same, in the same order

        ShowState state = show.publicSnapshot();
        assertThat(state.phase()).isEqualTo(SetPhase.ENDED);
        assertThat(state.nowPlaying()).isEqualTo(new ShowState.Song(3, "Hey Jude", 0, true, true));
        assertThat(state.setList()).allMatch(ShowState.Song::played);

        for (Runnable command : List.<Runnable>of(() -> show.nextSong(at(601)), () -> show.previousSong(at(601)),
                () -> show.jumpTo(0, at(601)), () -> show.startSet(at(601)), () -> show.endSet(at(601)),
                () -> show.addSong("More", at(601)))) {
            refused(command::run, Refusal.SET_ENDED);
        }
    }

    @Test
    void aSnapshotShowsTheCurrentSongAndWhatWasPlayed() {
        show.startSet(at(1));
        show.nextSong(at(2));
        ShowState state = show.snapshot("tg:7");
        assertThat(state.nowPlaying()).isEqualTo(new ShowState.Song(1, "Wonderwall", 0, true, true));
        assertThat(state.setList()).extracting(ShowState.Song::played).containsExactly(true, true, false);
        assertThat(state.setList()).extracting(ShowState.Song::current).containsExactly(false, true, false);
        assertThat(state.phase()).isEqualTo(SetPhase.PLAYING);
        assertThat(state.asOf()).isEqualTo(at(2));
    }

    @Test
    void anEmptySetListStartsWithNothingPlaying() {
        LiveShow empty = LiveShow.open("jam", List.of(), ShowRules.defaults(), T0, ShowEventListener.NONE);
        assertThat(empty.startSet(at(1))).containsExactly(new ShowEvent.SetStarted(at(1)));
        assertThat(empty.publicSnapshot().nowPlaying()).isNull();
        refused(() -> empty.nextSong(at(2)), Refusal.END_OF_SET);
        empty.addSong("Jam #1", at(3));
        assertThat(empty.nextSong(at(4))).containsExactly(new ShowEvent.SongStarted(at(4), 0, "Jam #1"));
    }

    @Test
    void timeNeverGoesBack() {
        show.startSet(at(100));
        assertThat(show.nextSong(at(50))).containsExactly(new ShowEvent.SongStarted(at(100), 1, "Wonderwall"));
        assertThat(show.now()).isEqualTo(at(100));
    }

    @Test
    void theSetListIsBounded() {
        ShowRules rules = new ShowRules(Duration.ZERO, 5, 10, 4, 10, 3, Duration.ofSeconds(3));
        LiveShow small = Shows.open(new ArrayList<>(), rules);
        small.addSong("Four", at(1));
        refused(() -> small.addSong("Five", at(2)), Refusal.SET_LIST_FULL);
        small.submitRequest("a", "Five", at(3));
        refused(() -> small.acceptRequest(1, at(4)), Refusal.SET_LIST_FULL);
        assertThat(small.publicSnapshot().queue()).hasSize(1); // the refused accept left the request open
        refused(() -> LiveShow.open("x", List.of("a", "b", "c", "d", "e"), rules, T0, ShowEventListener.NONE),
                Refusal.SET_LIST_FULL);
    }

    @Test
    void plannedTitlesAreCheckedLikeAnyOther() {
        assertThat(refused(() -> LiveShow.open("x", List.of("Intro", "bad\nline"), ShowRules.defaults(), T0,
                ShowEventListener.NONE), Refusal.TITLE_INVALID).getMessage()).startsWith("song 1: U+000A at 3");
        refused(() -> show.addSong("x".repeat(81), at(1)), Refusal.TITLE_INVALID);
    }
}
