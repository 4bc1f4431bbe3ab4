package dev.encore.show.live;

import static dev.encore.show.live.Shows.at;
import static dev.encore.show.live.Shows.refused;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PollsTest {
    private static final List<String> OPTIONS = List.of("Acoustic", "Electric", "Both!");

    private final List<ShowEvent> log = new ArrayList<>();
    private final LiveShow show = Shows.open(log);

    @Test
    void votesTallyAndCanChangeUntilTheClose() {
        assertThat(show.openPoll("  Next song:  acoustic or electric? ", OPTIONS, null, at(1))).containsExactly(
                new ShowEvent.PollOpened(at(1), 1, "Next song: acoustic or electric?", OPTIONS, null));

        assertThat(show.vote("a", 1, 0, at(2))).containsExactly(new ShowEvent.VoteCast(at(2), 1, "a", 0, -1));
        show.vote("b", 1, 0, at(2));
        show.vote("c", 1, 2, at(2));
        assertThat(show.publicSnapshot().openPoll().tally()).containsExactly(2, 0, 1);

        assertThat(show.vote("a", 1, 1, at(3))).containsExactly(new ShowEvent.VoteCast(at(3), 1, "a", 1, 0));
        assertThat(show.vote("a", 1, 1, at(4))).isEmpty(); // the same vote again changes nothing
        ShowState.PollView poll = show.snapshot("a").openPoll();
        assertThat(poll.tally()).containsExactly(1, 1, 1);
        assertThat(poll.totalVotes()).isEqualTo(3);
        assertThat(poll.myVote()).isEqualTo(1);
        assertThat(poll.closedAt()).isNull();
    }

    @Test
    void aLateJoinerSeesTheOpenPollAndItsTally() {
        show.openPoll("Encore?", List.of("Yes", "No"), Duration.ofMinutes(2), at(1));
        show.vote("a", 1, 0, at(2));
        show.vote("b", 1, 0, at(3));

        show.listenerConnected("late", Tier.GENERAL, at(30));
        ShowState.PollView poll = show.snapshot("late").openPoll();
        assertThat(poll).isEqualTo(new ShowState.PollView(1, "Encore?", List.of("Yes", "No"), List.of(2, 0), 2, at(1),
                at(121), null, null, -1));
        assertThat(show.vote("late", 1, 1, at(31))).hasSize(1);
        assertThat(show.snapshot("b").openPoll().myVote()).isZero();
    }

    @Test
    void aClosedPollRefusesVotesAndKeepsItsResults() {
        show.openPoll("Encore?", List.of("Yes", "No"), null, at(1));
        show.vote("a", 1, 0, at(2));
        show.vote("b", 1, 1, at(2));
        show.vote("c", 1, 0, at(2));

        assertThat(show.closePoll(at(5))).containsExactly(
                new ShowEvent.PollClosed(at(5), 1, List.of(2, 1), PollCloseReason.CLOSED_BY_PERFORMER));

        assertThat(refused(() -> show.vote("d", 1, 0, at(6)), Refusal.POLL_CLOSED).getMessage())
                .isEqualTo("poll 1: closed at 2025-06-01T20:00:05Z (expected: an open poll)");
        refused(() -> show.vote("a", 1, 1, at(6)), Refusal.POLL_CLOSED);
        refused(() -> show.closePoll(at(6)), Refusal.NO_POLL_OPEN);
        ShowState a = show.snapshot("a");
        assertThat(a.openPoll()).isNull();
        assertThat(a.lastClosedPoll()).isEqualTo(new ShowState.PollView(1, "Encore?", List.of("Yes", "No"), List.of(2, 1), 3,
                at(1), null, at(5), PollCloseReason.CLOSED_BY_PERFORMER, 0));
        assertThat(show.publicSnapshot().lastClosedPoll().myVote()).isEqualTo(-1);
    }

    @Test
    void onePollAtATimeOpeningAnotherIsRefused() {
        show.openPoll("First?", List.of("a", "b"), null, at(1));
        assertThat(refused(() -> show.openPoll("Second?", List.of("c", "d"), null, at(2)), Refusal.POLL_ALREADY_OPEN)
                .getMessage()).isEqualTo("poll 1: still open (expected: close poll 1 before opening another)");
        show.vote("x", 1, 1, at(2));
        show.closePoll(at(3));

        assertThat(show.openPoll("Second?", List.of("c", "d"), null, at(4))).singleElement()
                .isEqualTo(new ShowEvent.PollOpened(at(4), 2, "Second?", List.of("c", "d"), null));
        refused(() -> show.vote("x", 1, 0, at(5)), Refusal.POLL_CLOSED); // a vote for the old poll does not land here
        ShowState x = show.snapshot("x");
        assertThat(x.openPoll().pollId()).isEqualTo(2);
        assertThat(x.openPoll().myVote()).isEqualTo(-1);
        assertThat(x.lastClosedPoll().pollId()).isEqualTo(1);
        assertThat(x.lastClosedPoll().myVote()).isEqualTo(1);
    }

    @Test
    void aTimeLimitedPollClosesWhenACommandSeesTheTimePass() {
        show.openPoll("Encore?", List.of("Yes", "No"), Duration.ofSeconds(30), at(0));
        show.vote("a", 1, 0, at(29.999));
        log.clear();

        refused(() -> show.vote("b", 1, 1, at(31)), Refusal.POLL_CLOSED);

        // The close is dated when the limit passed, and the listener heard of it although the vote was refused.
        assertThat(log).containsExactly(new ShowEvent.PollClosed(at(30), 1, List.of(1, 0), PollCloseReason.TIME_LIMIT));
        assertThat(show.publicSnapshot().lastClosedPoll().closeReason()).isEqualTo(PollCloseReason.TIME_LIMIT);
        assertThat(show.publicSnapshot().openPoll()).isNull();
    }

    @Test
    void aTickClosesATimeLimitedPollExactlyAtItsLimit() {
        show.openPoll("Encore?", List.of("Yes", "No"), Duration.ofSeconds(5), at(10));
        assertThat(show.tick(at(14.999))).isEmpty();
        assertThat(show.publicSnapshot().openPoll()).isNotNull();
        assertThat(show.tick(at(15))).containsExactly(
                new ShowEvent.PollClosed(at(15), 1, List.of(0, 0), PollCloseReason.TIME_LIMIT));
        assertThat(show.tick(at(16))).isEmpty();
        // Another command after the limit: the catch-up close comes first in what it returns.
        show.openPoll("Again?", List.of("Yes", "No"), Duration.ofSeconds(5), at(20));
        assertThat(show.addSong("Hey Jude", at(40))).containsExactly(
                new ShowEvent.PollClosed(at(25), 2, List.of(0, 0), PollCloseReason.TIME_LIMIT),
                new ShowEvent.SongAdded(at(40), 3, "Hey Jude", 0));
    }

    @Test
    void pollsAreChecked() {
        refused(() -> show.openPoll("x".repeat(141), OPTIONS, null, at(1)), Refusal.QUESTION_INVALID);
        refused(() -> show.openPoll(" ", OPTIONS, null, at(1)), Refusal.QUESTION_INVALID);
        refused(() -> show.openPoll(null, OPTIONS, null, at(1)), Refusal.QUESTION_INVALID);
        refused(() -> show.openPoll("Q?", List.of("only"), null, at(1)), Refusal.OPTIONS_INVALID);
        refused(() -> show.openPoll("Q?", List.of("1", "2", "3", "4", "5", "6", "7"), null, at(1)), Refusal.OPTIONS_INVALID);
        refused(() -> show.openPoll("Q?", null, null, at(1)), Refusal.OPTIONS_INVALID);
        assertThat(refused(() -> show.openPoll("Q?", List.of("Yes", " yes!"), null, at(1)), Refusal.OPTIONS_INVALID)
                .getMessage()).isEqualTo("option 1: 'yes!' reads the same as an earlier option (expected: distinct options)");
        refused(() -> show.openPoll("Q?", List.of("Yes", ""), null, at(1)), Refusal.OPTION_INVALID);
        refused(() -> show.openPoll("Q?", Arrays.asList("Yes", null), null, at(1)), Refusal.OPTION_INVALID);
        refused(() -> show.openPoll("Q?", List.of("Yes", "n".repeat(61)), null, at(1)), Refusal.OPTION_INVALID);
        refused(() -> show.openPoll("Q?", List.of("Yes", "No\u202E"), null, at(1)), Refusal.OPTION_INVALID);
        refused(() -> show.openPoll("Q?", OPTIONS, Duration.ofSeconds(4), at(1)), Refusal.TIME_LIMIT_INVALID);
        refused(() -> show.openPoll("Q?", OPTIONS, Duration.ofMinutes(61), at(1)), Refusal.TIME_LIMIT_INVALID);
        refused(() -> show.openPoll("Q?", OPTIONS, Duration.ofSeconds(-10), at(1)), Refusal.TIME_LIMIT_INVALID);
        assertThat(log).hasSize(1); // only ShowOpened: nothing was opened

        assertThat(show.openPoll("x".repeat(140), List.of("👍", "👎", "n".repeat(60)), Duration.ofSeconds(5), at(1)))
                .hasSize(1);
    }

    @Test
    void votesAreChecked() {
        refused(() -> show.vote("a", 1, 0, at(1)), Refusal.NO_SUCH_POLL);
        show.openPoll("Q?", List.of("Yes", "No"), null, at(1));
        for (int option : new int[] {-1, 2, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            assertThat(refused(() -> show.vote("a", 1, option, at(2)), Refusal.NO_SUCH_OPTION).getMessage())
                    .isEqualTo("option: " + option + " (expected: 0..1)");
        }
        for (int poll : new int[] {0, -1, 2, Integer.MAX_VALUE}) {
            refused(() -> show.vote("a", poll, 0, at(2)), Refusal.NO_SUCH_POLL);
        }
        refused(() -> show.vote(null, 1, 0, at(2)), Refusal.LISTENER_INVALID);
        assertThat(show.publicSnapshot().openPoll().totalVotes()).isZero();
    }

    @Test
    void aShowOpensABoundedNumberOfPolls() {
        LiveShow few = Shows.open(new ArrayList<>(), new ShowRules(Duration.ZERO, 5, 10, 10, 2, 3, Duration.ofSeconds(3)));
        few.openPoll("1?", List.of("a", "b"), null, at(1));
        few.closePoll(at(1));
        few.openPoll("2?", List.of("a", "b"), null, at(1));
        few.closePoll(at(1));
        refused(() -> few.openPoll("3?", List.of("a", "b"), null, at(1)), Refusal.TOO_MANY_POLLS);
    }
}
