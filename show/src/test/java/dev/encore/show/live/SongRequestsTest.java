package dev.encore.show.live;

import static dev.encore.show.live.Shows.at;
import static dev.encore.show.live.Shows.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SongRequestsTest {
    private final List<ShowEvent> log = new ArrayList<>();
    private final LiveShow show = Shows.open(log);

    @Test
    void aNewTitleIsARequestWithItsAskersVote() {
        assertThat(show.submitRequest("tg:1", "  Hey   Jude ", at(1)))
                .containsExactly(new ShowEvent.RequestSubmitted(at(1), 1, "tg:1", "Hey Jude"));

        ShowState state = show.snapshot("tg:1");
        assertThat(state.queue()).containsExactly(new ShowState.QueuedRequest(1, 1, "Hey Jude", 1, at(1), true, true));
        assertThat(state.myRequests()).containsExactly(new ShowState.MyRequest(1, "Hey Jude", RequestState.OPEN, 1, true));
    }

    @Test
    void theSameSongSpelledDifferentlyMergesAsUpvotes() {
        show.submitRequest("a", "Hey Jude", at(1));

        assertThat(show.submitRequest("b", "the HEY-JUDE!", at(2)))
                .containsExactly(new ShowEvent.RequestUpvoted(at(2), 1, "b", 2));
        assertThat(show.submitRequest("c", "Héy  júde", at(3)))
                .containsExactly(new ShowEvent.RequestUpvoted(at(3), 1, "c", 3));

        assertThat(show.publicSnapshot().queue()).singleElement().satisfies(q -> {
            assertThat(q.title()).isEqualTo("Hey Jude"); // the first spelling stays
            assertThat(q.votes()).isEqualTo(3);
        });
        ShowState b = show.snapshot("b");
        assertThat(b.queue().get(0).votedByMe()).isTrue();
        assertThat(b.queue().get(0).mine()).isFalse();
        assertThat(b.myRequests()).containsExactly(new ShowState.MyRequest(1, "Hey Jude", RequestState.OPEN, 3, false));
    }

    @Test
    void oneVotePerListenerPerRequest() {
        show.submitRequest("a", "Hey Jude", at(1));
        show.upvote("b", 1, at(2));

        refused(() -> show.upvote("a", 1, at(3)), Refusal.ALREADY_VOTED);
        refused(() -> show.upvote("b", 1, at(3)), Refusal.ALREADY_VOTED);
        refused(() -> show.submitRequest("a", "hey jude", at(40)), Refusal.ALREADY_VOTED);
        refused(() -> show.submitRequest("b", "HEY JUDE", at(40)), Refusal.ALREADY_VOTED);
        assertThat(show.publicSnapshot().queue().get(0).votes()).isEqualTo(2);
    }

    @Test
    void newRequestsAreRateLimitedPerListenerButUpvotesAreNot() {
        show.submitRequest("a", "Hey Jude", at(0));
        show.submitRequest("b", "Let It Be", at(0));
        show.submitRequest("c", "Help!", at(0));

        assertThat(refused(() -> show.submitRequest("a", "Yellow Submarine", at(10)), Refusal.RATE_LIMITED).getMessage())
                .isEqualTo("request: a asked 10 s ago (expected: one new request per 30 s; wait 20 s)");
        assertThat(show.upvote("a", 2, at(10))).containsExactly(new ShowEvent.RequestUpvoted(at(10), 2, "a", 2));
        assertThat(show.submitRequest("a", "help", at(11))).containsExactly(new ShowEvent.RequestUpvoted(at(11), 3, "a", 2));
        refused(() -> show.submitRequest("a", "Yellow Submarine", at(29.999)), Refusal.RATE_LIMITED);

        assertThat(show.submitRequest("a", "Yellow Submarine", at(30))).singleElement()
                .isInstanceOf(ShowEvent.RequestSubmitted.class);
    }

    @Test
    void atMostFiveOpenPerListenerAndTheLimitsAreConfigurable() {
        LiveShow quick = Shows.open(new ArrayList<>(), ShowRules.defaults().withRequestInterval(Duration.ZERO));
        for (int i = 1; i <= 5; i++) {
            quick.submitRequest("a", "Song " + i, at(i));
        }
        assertThat(refused(() -> quick.submitRequest("a", "Song 6", at(6)), Refusal.TOO_MANY_OPEN).getMessage())
                .isEqualTo("request: a has 5 open requests (expected: at most 5 open at once)");
        quick.submitRequest("b", "Song 6", at(6)); // others are not limited by a's requests

        quick.acceptRequest(1, at(7));
        quick.submitRequest("a", "Song 7", at(8)); // an accepted request is no longer open
        quick.dismissRequest(2, at(9));
        quick.submitRequest("a", "Song 8", at(10));
        refused(() -> quick.submitRequest("a", "Song 9", at(11)), Refusal.TOO_MANY_OPEN);

        LiveShow strict = Shows.open(new ArrayList<>(), ShowRules.defaults().withMaxOpenPerListener(1)
                .withRequestInterval(Duration.ofMinutes(2)));
        strict.submitRequest("a", "Song 1", at(0));
        refused(() -> strict.submitRequest("a", "Song 2", at(119)), Refusal.RATE_LIMITED);
        refused(() -> strict.submitRequest("a", "Song 2", at(120)), Refusal.TOO_MANY_OPEN);
    }

    @Test
    void theShowHoldsABoundedNumberOfRequests() {
        ShowRules rules = new ShowRules(Duration.ZERO, 5, 3, 300, 100, 3, Duration.ofSeconds(3));
        LiveShow small = Shows.open(new ArrayList<>(), rules);
        small.submitRequest("a", "One", at(1));
        small.submitRequest("b", "Two", at(1));
        small.submitRequest("c", "Three", at(1));
        refused(() -> small.submitRequest("d", "Four", at(1)), Refusal.QUEUE_FULL);
        assertThat(small.submitRequest("d", "one", at(1))).hasSize(1); // still free to upvote
    }

    @Test
    void acceptingPutsTheSongOnTheSetListAndStartingItMarksItPlayed() {
        show.submitRequest("a", "Hey <b>Jude</b>", at(1));
        show.upvote("b", 1, at(2));

        assertThat(show.acceptRequest(1, at(3))).containsExactly(
                new ShowEvent.RequestAccepted(at(3), 1, "Hey <b>Jude</b>"),
                new ShowEvent.SongAdded(at(3), 3, "Hey <b>Jude</b>", 1));

        ShowState a = show.snapshot("a");
        assertThat(a.queue()).isEmpty();
        assertThat(a.setList()).extracting(ShowState.Song::title).containsExactly("Intro", "Wonderwall", "Yesterday",
                "Hey <b>Jude</b>");
        assertThat(a.setList().get(3)).isEqualTo(new ShowState.Song(3, "Hey <b>Jude</b>", 1, false, false));
        assertThat(a.myRequests()).containsExactly(new ShowState.MyRequest(1, "Hey <b>Jude</b>", RequestState.ACCEPTED, 2, true));
        refused(() -> show.submitRequest("c", "hey <B>JUDE</B>!", at(4)), Refusal.ALREADY_ACCEPTED);
        refused(() -> show.acceptRequest(1, at(4)), Refusal.REQUEST_NOT_OPEN);
        refused(() -> show.upvote("c", 1, at(4)), Refusal.REQUEST_NOT_OPEN);

        show.startSet(at(5));
        assertThat(show.jumpTo(3, at(6))).containsExactly(
                new ShowEvent.SongStarted(at(6), 3, "Hey <b>Jude</b>"),
                new ShowEvent.RequestPlayed(at(6), 1));
        assertThat(show.snapshot("b").myRequests().get(0).state()).isEqualTo(RequestState.PLAYED);
        assertThat(show.jumpTo(3, at(7))).hasSize(1); // played already: starting it again marks nothing
    }

    @Test
    void playedAndDismissedRequests() {
        show.submitRequest("a", "Hey Jude", at(1));
        show.submitRequest("b", "Let It Be", at(1));

        assertThat(show.markPlayed(1, at(2))).containsExactly(new ShowEvent.RequestPlayed(at(2), 1));
        assertThat(show.dismissRequest(2, at(2))).containsExactly(new ShowEvent.RequestDismissed(at(2), 2));
        assertThat(show.publicSnapshot().queue()).isEmpty();
        assertThat(show.snapshot("a").myRequests()).extracting(ShowState.MyRequest::state).containsExactly(RequestState.PLAYED);
        assertThat(show.snapshot("b").myRequests()).extracting(ShowState.MyRequest::state)
                .containsExactly(RequestState.DISMISSED);

        refused(() -> show.markPlayed(1, at(3)), Refusal.REQUEST_NOT_OPEN);
        refused(() -> show.dismissRequest(2, at(3)), Refusal.REQUEST_NOT_OPEN);
        refused(() -> show.acceptRequest(2, at(3)), Refusal.REQUEST_NOT_OPEN);
        refused(() -> show.submitRequest("c", "let it be", at(3)), Refusal.REQUEST_DISMISSED);

        // A played song may be asked for again: an encore is a new request.
        assertThat(show.submitRequest("c", "hey jude!", at(3)))
                .containsExactly(new ShowEvent.RequestSubmitted(at(3), 3, "c", "hey jude!"));
    }

    @Test
    void unknownRequestIds() {
        refused(() -> show.acceptRequest(1, at(1)), Refusal.NO_SUCH_REQUEST);
        show.submitRequest("a", "Hey Jude", at(1));
        for (int id : new int[] {0, -1, 2, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            refused(() -> show.acceptRequest(id, at(2)), Refusal.NO_SUCH_REQUEST);
            refused(() -> show.upvote("b", id, at(2)), Refusal.NO_SUCH_REQUEST);
            refused(() -> show.markPlayed(id, at(2)), Refusal.NO_SUCH_REQUEST);
            refused(() -> show.dismissRequest(id, at(2)), Refusal.NO_SUCH_REQUEST);
        }
    }

    @Test
    void theQueueRanksByVotesThenByAge() {
        LiveShow s = Shows.open(new ArrayList<>(), ShowRules.defaults().withRequestInterval(Duration.ZERO));
        s.submitRequest("a", "One", at(1));   // 1 vote
        s.submitRequest("b", "Two", at(2));   // 3 votes
        s.submitRequest("c", "Three", at(3)); // 3 votes, later than Two
        s.submitRequest("d", "Four", at(4));  // 2 votes
        s.upvote("x", 2, at(5));
        s.upvote("y", 2, at(5));
        s.upvote("x", 3, at(6));
        s.upvote("y", 3, at(6));
        s.upvote("x", 4, at(7));

        ShowState x = s.snapshot("x");
        assertThat(x.queue()).extracting(ShowState.QueuedRequest::rank, ShowState.QueuedRequest::title,
                ShowState.QueuedRequest::votes, ShowState.QueuedRequest::votedByMe).containsExactly(
                        tuple(1, "Two", 3, true),
                        tuple(2, "Three", 3, true),
                        tuple(3, "Four", 2, true),
                        tuple(4, "One", 1, false));
        assertThat(x.myRequests()).extracting(ShowState.MyRequest::requestId).containsExactly(2, 3, 4);

        s.upvote("z", 1, at(8));
        s.upvote("w", 1, at(8));
        s.upvote("v", 1, at(8)); // One: 4 votes, now on top
        assertThat(s.publicSnapshot().queue()).extracting(ShowState.QueuedRequest::title)
                .containsExactly("One", "Two", "Three", "Four");
        assertThat(s.publicSnapshot().queue()).noneMatch(ShowState.QueuedRequest::votedByMe);
        assertThat(s.publicSnapshot().myRequests()).isEmpty();
    }

    @Test
    void aSongComingUpOnTheSetListIsNotRequestedAgain() {
        assertThat(refused(() -> show.submitRequest("a", "wonderwall", at(1)), Refusal.ALREADY_IN_SET).getMessage())
                .isEqualTo("request: 'wonderwall' is on the set list already (expected: a song not coming up anyway)");
        show.startSet(at(2));
        show.nextSong(at(3)); // Wonderwall plays
        show.nextSong(at(4));
        assertThat(show.submitRequest("a", "wonderwall", at(5))).singleElement()
                .isInstanceOf(ShowEvent.RequestSubmitted.class);
    }

    @Test
    void noRequestsOnceTheSetHasEnded() {
        show.startSet(at(1));
        show.submitRequest("a", "Hey Jude", at(2));
        show.endSet(at(3));
        refused(() -> show.submitRequest("b", "Let It Be", at(4)), Refusal.SET_ENDED);
        refused(() -> show.acceptRequest(1, at(4)), Refusal.SET_ENDED);
        refused(() -> show.upvote("b", 1, at(4)), Refusal.SET_ENDED);
        refused(() -> show.submitRequest("b", "hey jude", at(4)), Refusal.SET_ENDED);
        assertThat(show.dismissRequest(1, at(4))).hasSize(1);
    }

    @Test
    void requestsBeforeTheSetStartsAreFine() {
        show.submitRequest("a", "Hey Jude", at(1));
        show.acceptRequest(1, at(2));
        assertThat(show.publicSnapshot().phase()).isEqualTo(SetPhase.NOT_STARTED);
        assertThat(show.publicSnapshot().setList()).hasSize(4);
    }
}
