package dev.encore.recording.clip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.encore.recording.Chapter;
import dev.encore.recording.clip.HighlightChoice.Choice;
import dev.encore.recording.clip.HighlightChoice.SongScore;
import dev.encore.show.live.PollCloseReason;
import dev.encore.show.live.ReactionKind;
import dev.encore.show.live.ShowEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The default song of the highlights clip: requests, upvotes, poll votes and reactions per song; else the longest. */
class HighlightChoiceTest {
    private static final Instant T0 = Instant.parse("2026-05-01T20:00:00Z");

    private static Instant at(int seconds) {
        return T0.plusSeconds(seconds);
    }

    /** Three planned songs starting at 0, 100 and 160 s of the set; the set ends at 300 s. */
    private static List<ShowEvent> set(List<ShowEvent> during) {
        List<ShowEvent> events = new ArrayList<>();
        events.add(new ShowEvent.ShowOpened(T0.minusSeconds(60), "gig", List.of("Opening", "Harbour Lights", "Paper Boats")));
        events.add(new ShowEvent.SetStarted(at(0)));
        events.add(new ShowEvent.SongStarted(at(0), 0, "Opening"));
        events.add(new ShowEvent.SongStarted(at(100), 1, "Harbour Lights"));
        events.add(new ShowEvent.SongStarted(at(160), 2, "Paper Boats"));
        events.addAll(during);
        events.add(new ShowEvent.SetEnded(at(300)));
        return events;
    }

    /** The recording's chapters for the set above: the recording starts with the set. */
    private static final List<Chapter> CHAPTERS = List.of(
            new Chapter(1, 0, "Opening", at(0), Duration.ZERO),
            new Chapter(2, 1, "Harbour Lights", at(100), Duration.ofSeconds(100)),
            new Chapter(3, 2, "Paper Boats", at(160), Duration.ofSeconds(160)));
    private static final Duration LENGTH = Duration.ofSeconds(300);

    @Test
    void withNothingRequestedVotedOrReactedToTheLongestSongIsTaken() {
        Choice choice = HighlightChoice.choose(set(List.of()), CHAPTERS, LENGTH).orElseThrow();

        assertThat(choice.song()).isEqualTo(2);
        assertThat(choice.title()).isEqualTo("Paper Boats");
        assertThat(choice.fromSeconds()).isEqualTo(160.0);
        assertThat(choice.toSeconds()).isEqualTo(300.0);
        assertThat(choice.score().score()).isZero();
    }

    @Test
    void requestsAndUpvotesOfAPlannedSongCountForItByTitle() {
        List<ShowEvent> events = set(List.of(
                new ShowEvent.RequestSubmitted(at(10), 1, "l-a", "  harbour   LIGHTS "),
                new ShowEvent.RequestUpvoted(at(11), 1, "l-b", 2),
                new ShowEvent.RequestUpvoted(at(12), 1, "l-c", 3),
                new ShowEvent.RequestSubmitted(at(13), 2, "l-d", "Wonderwall"))); // not in the set: counts for nothing

        Choice choice = HighlightChoice.choose(events, CHAPTERS, LENGTH).orElseThrow();

        assertThat(choice.score()).isEqualTo(new SongScore(1, "Harbour Lights", 1, 2, 0, 0));
        assertThat(choice.fromSeconds()).isEqualTo(100.0);
        assertThat(choice.toSeconds()).isEqualTo(160.0);
    }

    @Test
    void anAcceptedRequestCountsForTheSongItBecame() {
        List<ShowEvent> events = new ArrayList<>(set(List.of()));
        events.remove(events.size() - 1); // the set goes on with a request played as song 3
        events.addAll(List.of(
                new ShowEvent.RequestSubmitted(at(170), 1, "l-a", "Wonderwall"),
                new ShowEvent.RequestUpvoted(at(171), 1, "l-b", 2),
                new ShowEvent.RequestAccepted(at(180), 1, "Wonderwall"),
                new ShowEvent.SongAdded(at(180), 3, "Wonderwall", 1),
                new ShowEvent.SongStarted(at(200), 3, "Wonderwall"),
                new ShowEvent.RequestPlayed(at(200), 1),
                new ShowEvent.SetEnded(at(230))));
        List<Chapter> chapters = new ArrayList<>(CHAPTERS);
        chapters.add(new Chapter(4, 3, "Wonderwall", at(200), Duration.ofSeconds(200)));

        Choice choice = HighlightChoice.choose(events, chapters, Duration.ofSeconds(230)).orElseThrow();

        assertThat(choice.score()).isEqualTo(new SongScore(3, "Wonderwall", 1, 1, 0, 0));
        assertThat(choice.fromSeconds()).isEqualTo(200.0);
        assertThat(choice.toSeconds()).isEqualTo(230.0);
    }

    @Test
    void pollVotesCountEachVotersFinalChoiceForTheOptionsThatAreSongs() {
        List<ShowEvent> events = set(List.of(
                new ShowEvent.PollOpened(at(20), 1, "Which one next?", List.of("Opening", "Paper Boats", "Something else"),
                        null),
                new ShowEvent.VoteCast(at(21), 1, "l-a", 1, -1),
                new ShowEvent.VoteCast(at(22), 1, "l-b", 1, -1),
                new ShowEvent.VoteCast(at(23), 1, "l-c", 0, -1),
                new ShowEvent.VoteCast(at(24), 1, "l-c", 1, 0), // changed its mind: counts once, for Paper Boats
                new ShowEvent.VoteCast(at(25), 1, "l-d", 2, -1),
                new ShowEvent.PollClosed(at(30), 1, List.of(0, 3, 1), PollCloseReason.CLOSED_BY_PERFORMER),
                new ShowEvent.RequestSubmitted(at(40), 1, "l-e", "Opening"),
                new ShowEvent.RequestUpvoted(at(41), 1, "l-f", 2)));

        List<SongScore> scores = HighlightChoice.scores(events);

        assertThat(scores).containsExactly(new SongScore(0, "Opening", 1, 1, 0, 0),
                new SongScore(1, "Harbour Lights", 0, 0, 0, 0), new SongScore(2, "Paper Boats", 0, 0, 3, 0));
        assertThat(HighlightChoice.choose(events, CHAPTERS, LENGTH).orElseThrow().song()).isEqualTo(2);
    }

    @Test
    void reactionsCountForTheSongPlayingInTheirSecond() {
        List<ShowEvent> events = set(List.of(
                // the second 99..100 belongs to Opening although its burst is emitted as Harbour Lights starts
                new ShowEvent.ReactionBurst(at(100), at(99), Map.of(ReactionKind.APPLAUSE, 2)),
                new ShowEvent.ReactionBurst(at(101), at(100), Map.of(ReactionKind.APPLAUSE, 3)),
                new ShowEvent.ReactionBurst(at(151), at(150), Map.of(ReactionKind.APPLAUSE, 4)),
                new ShowEvent.ReactionBurst(at(301), at(300), Map.of(ReactionKind.APPLAUSE, 50)))); // after the set

        List<SongScore> scores = HighlightChoice.scores(events);

        assertThat(scores).extracting(SongScore::reactions).containsExactly(2, 7, 0);
        assertThat(HighlightChoice.choose(events, CHAPTERS, LENGTH).orElseThrow().song()).isEqualTo(1);
    }

    @Test
    void aTieGoesToTheLongerSongAndASongWithoutAudioIsNeverChosen() {
        List<ShowEvent> events = set(List.of(
                new ShowEvent.RequestSubmitted(at(10), 1, "l-a", "Opening"),
                new ShowEvent.RequestSubmitted(at(11), 2, "l-b", "Harbour Lights")));
        assertThat(HighlightChoice.choose(events, CHAPTERS, LENGTH).orElseThrow().song()).as("100 s against 60 s").isZero();

        // The recording started late (a restart mid-set): Opening is not in it, so the best song that is wins.
        List<Chapter> lateStart = List.of(new Chapter(1, 1, "Harbour Lights", at(100), Duration.ZERO),
                new Chapter(2, 2, "Paper Boats", at(160), Duration.ofSeconds(60)));
        assertThat(HighlightChoice.choose(events, lateStart, Duration.ofSeconds(200)).orElseThrow().song()).isEqualTo(1);
    }

    @Test
    void aSongPlayedTwiceUsesItsLongestTakeAndNoChaptersMeansNoChoice() {
        List<Chapter> chapters = List.of(new Chapter(1, 0, "Opening", at(0), Duration.ZERO),
                new Chapter(2, 1, "Harbour Lights", at(10), Duration.ofSeconds(10)),
                new Chapter(3, 0, "Opening", at(12), Duration.ofSeconds(12)), // set.prev: Opening again, for 48 s
                new Chapter(4, 1, "Harbour Lights", at(60), Duration.ofSeconds(60)));

        Choice choice = HighlightChoice.choose(set(List.of()), chapters, Duration.ofSeconds(80)).orElseThrow();

        assertThat(choice.song()).isZero();
        assertThat(choice.fromSeconds()).isEqualTo(12.0);
        assertThat(choice.seconds()).isCloseTo(48.0, within(1e-9));
        assertThat(HighlightChoice.choose(set(List.of()), List.of(), LENGTH)).isEmpty();
        assertThat(HighlightChoice.choose(set(List.of()), List.of(new Chapter(1, 0, "Opening", at(0), Duration.ZERO)),
                Duration.ZERO)).isEmpty();
    }
}
