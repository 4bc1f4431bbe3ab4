package dev.encore.show.live;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one listener (or, from {@link LiveShow#publicSnapshot}, anybody) sees of a show at one moment. Immutable. Fields
 * named "my"/"byMe" are about the listener the snapshot was taken for, and neutral in a public snapshot. Text fields
 * (titles, questions, options) are plain text as typed: whoever renders them escapes them.
 *
 * @param showId the show
 * @param asOf the show's time when the snapshot was taken (the latest command or tick)
 * @param phase the set's phase
 * @param nowPlaying the song playing, or null before the first song
 * @param setList every song, planned and added, in order
 * @param queue open requests, best first
 * @param myRequests the listener's requests (asked for or voted for) in every state, oldest first; empty in public
 * @param openPoll the open poll with its live tally, or null
 * @param lastClosedPoll the most recently closed poll with its results, or null
 * @param room counts: listeners, peak, performer, energy
 * @param drops the drops that opened this run (open or closed since), in the order they opened
 */
public record ShowState(String showId, Instant asOf, SetPhase phase, Song nowPlaying, List<Song> setList,
        List<QueuedRequest> queue, List<MyRequest> myRequests, PollView openPoll, PollView lastClosedPoll, Room room,
        List<DropView> drops) {

    public ShowState {
        setList = List.copyOf(setList);
        queue = List.copyOf(queue);
        myRequests = List.copyOf(myRequests);
        drops = drops == null ? List.of() : List.copyOf(drops);
    }

    /** A state without drops. */
    public ShowState(String showId, Instant asOf, SetPhase phase, Song nowPlaying, List<Song> setList,
            List<QueuedRequest> queue, List<MyRequest> myRequests, PollView openPoll, PollView lastClosedPoll, Room room) {
        this(showId, asOf, phase, nowPlaying, setList, queue, myRequests, openPoll, lastClosedPoll, room, List.of());
    }

    /**
     * A song on the set list.
     *
     * @param index its place, from 0
     * @param requestId the request it came from, or 0 for the performer's own
     * @param played started at least once
     * @param current playing now
     */
    public record Song(int index, String title, int requestId, boolean played, boolean current) {
    }

    /**
     * An open request in the queue.
     *
     * @param rank 1 for the top of the queue
     * @param votedByMe the listener asked for it or upvoted it (and so cannot upvote it again)
     * @param mine the listener asked for it first
     */
    public record QueuedRequest(int rank, int requestId, String title, int votes, Instant submittedAt, boolean votedByMe,
            boolean mine) {
    }

    /**
     * A request the listener asked for or voted for.
     *
     * @param mine the listener asked for it first (rather than voting for someone else's)
     */
    public record MyRequest(int requestId, String title, RequestState state, int votes, boolean mine) {
    }

    /**
     * A poll with its tally.
     *
     * @param tally votes per option, in option order
     * @param closesAt when its time limit passes, or null without one
     * @param closedAt when it closed, or null while open
     * @param closeReason why it closed, or null while open
     * @param myVote the listener's option, or -1 (always -1 in public)
     */
    public record PollView(int pollId, String question, List<String> options, List<Integer> tally, int totalVotes,
            Instant openedAt, Instant closesAt, Instant closedAt, PollCloseReason closeReason, int myVote) {

        public PollView {
            options = List.copyOf(options);
            tally = List.copyOf(tally);
        }
    }

    /**
     * The room.
     *
     * @param listeners connected listeners (a listener with two tabs counts once)
     * @param peakAt when the peak was first reached, or null
     * @param reactionsPerSecond recent reactions per second, exponentially weighted
     * @param energy reactions per second per listener, 0..1
     * @param reactionTotals every reaction counted this show, by kind
     */
    public record Room(int listeners, int generalListeners, int vipListeners, int peakListeners, Instant peakAt,
            boolean performerOnline, double reactionsPerSecond, double energy, Map<ReactionKind, Long> reactionTotals) {

        public Room {
            reactionTotals = Map.copyOf(reactionTotals);
        }
    }

    /**
     * A drop that opened (a purchase offer): what listener pages show as a card. The shop's URL is not here: pages link to
     * {@code path}, the server's redirect, which counts the click.
     *
     * @param text plain text as in the show file
     * @param path the server's link, {@code /go/{show}/{id}}
     * @param closesAt when its window ends, or null when it stays open until the set ends
     * @param closedAt when it closed, or null while open
     * @param closeReason why it closed, or null while open
     * @param quantity how many were for sale, or -1 without a counter
     * @param remaining how many are left, or -1 without a counter
     * @param sold sales the shop reported this run
     * @param clicks clicks on its link this run
     */
    public record DropView(String id, String text, String path, Instant openedAt, Instant closesAt, Instant closedAt,
            DropCloseReason closeReason, int quantity, int remaining, int sold, long clicks) {

        public boolean open() {
            return closedAt == null;
        }
    }
}
