package dev.encore.show.live;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Something that happened in a show run. Every change of a {@link LiveShow} is one of these, and the show changes only by
 * applying them, so the list of events a show produced is its complete history: {@link LiveShow#replay} rebuilds the same
 * show from it. Times never go backwards along one show's events.
 *
 * <p>Events carry listener ids and votes: they are for the server (database, bot, channel), not for broadcasting as they
 * are. Ids ({@code requestId}, {@code pollId}) count from 1 within a show; set-list indexes count from 0.
 */
public sealed interface ShowEvent {

    /** When it happened. */
    Instant at();

    /** The show run began with these planned songs (always the first event). */
    record ShowOpened(Instant at, String showId, List<String> songs) implements ShowEvent {
        public ShowOpened {
            requireNonNull(at, "at");
            requireNonNull(showId, "showId");
            songs = List.copyOf(songs);
        }
    }

    record SetStarted(Instant at) implements ShowEvent {
        public SetStarted {
            requireNonNull(at, "at");
        }
    }

    /** The song at {@code index} of the set list is now playing. */
    record SongStarted(Instant at, int index, String title) implements ShowEvent {
        public SongStarted {
            requireNonNull(at, "at");
            requireNonNull(title, "title");
        }
    }

    /** A song joined the end of the set list: an accepted request ({@code requestId > 0}) or the performer's own (0). */
    record SongAdded(Instant at, int index, String title, int requestId) implements ShowEvent {
        public SongAdded {
            requireNonNull(at, "at");
            requireNonNull(title, "title");
        }
    }

    record SetEnded(Instant at) implements ShowEvent {
        public SetEnded {
            requireNonNull(at, "at");
        }
    }

    /** A listener asked for a song nobody had asked for yet; it counts as the request's first vote. */
    record RequestSubmitted(Instant at, int requestId, String listenerId, String title) implements ShowEvent {
        public RequestSubmitted {
            requireNonNull(at, "at");
            requireNonNull(listenerId, "listenerId");
            requireNonNull(title, "title");
        }
    }

    /** A listener voted for an open request (by upvoting it or by asking for the same song); {@code votes} is the new count. */
    record RequestUpvoted(Instant at, int requestId, String listenerId, int votes) implements ShowEvent {
        public RequestUpvoted {
            requireNonNull(at, "at");
            requireNonNull(listenerId, "listenerId");
        }
    }

    /** The performer accepted a request; a {@link SongAdded} follows. */
    record RequestAccepted(Instant at, int requestId, String title) implements ShowEvent {
        public RequestAccepted {
            requireNonNull(at, "at");
            requireNonNull(title, "title");
        }
    }

    record RequestPlayed(Instant at, int requestId) implements ShowEvent {
        public RequestPlayed {
            requireNonNull(at, "at");
        }
    }

    record RequestDismissed(Instant at, int requestId) implements ShowEvent {
        public RequestDismissed {
            requireNonNull(at, "at");
        }
    }

    /** A poll opened; {@code closesAt} is null when it has no time limit. */
    record PollOpened(Instant at, int pollId, String question, List<String> options, Instant closesAt) implements ShowEvent {
        public PollOpened {
            requireNonNull(at, "at");
            requireNonNull(question, "question");
            options = List.copyOf(options);
        }
    }

    /** A listener voted for option {@code option} (from 0); {@code previousOption} is -1 for a first vote. */
    record VoteCast(Instant at, int pollId, String listenerId, int option, int previousOption) implements ShowEvent {
        public VoteCast {
            requireNonNull(at, "at");
            requireNonNull(listenerId, "listenerId");
        }
    }

    /** A poll closed with these votes per option; for a time limit, {@code at} is the moment the limit passed. */
    record PollClosed(Instant at, int pollId, List<Integer> tally, PollCloseReason reason) implements ShowEvent {
        public PollClosed {
            requireNonNull(at, "at");
            tally = List.copyOf(tally);
            requireNonNull(reason, "reason");
        }
    }

    /**
     * The reactions counted in the second that starts at {@code second}, emitted once that second is over
     * ({@code at} = {@code second} + 1 s). Seconds without reactions have no burst.
     */
    record ReactionBurst(Instant at, Instant second, Map<ReactionKind, Integer> counts) implements ShowEvent {
        public ReactionBurst {
            requireNonNull(at, "at");
            requireNonNull(second, "second");
            counts = Map.copyOf(counts);
        }

        public int total() {
            int total = 0;
            for (int n : counts.values()) {
                total += n;
            }
            return total;
        }
    }

    record ListenerConnected(Instant at, String listenerId, Tier tier) implements ShowEvent {
        public ListenerConnected {
            requireNonNull(at, "at");
            requireNonNull(listenerId, "listenerId");
            requireNonNull(tier, "tier");
        }
    }

    record ListenerDisconnected(Instant at, String listenerId) implements ShowEvent {
        public ListenerDisconnected {
            requireNonNull(at, "at");
            requireNonNull(listenerId, "listenerId");
        }
    }

    record PerformerPresence(Instant at, boolean online) implements ShowEvent {
        public PerformerPresence {
            requireNonNull(at, "at");
        }
    }
    /**
     * The performer's audio started ({@code onAir}) or stopped reaching the server (the media server's view, not the
     * console's: see {@link PerformerPresence} for that). The first {@code OnAir(true)} of a run is "the performer went live".
     */
    record OnAir(Instant at, boolean onAir) implements ShowEvent {
        public OnAir {
            requireNonNull(at, "at");
        }
    }

    /**
     * A drop (a purchase offer from the show file) opened: its cue's song started, or its time offset passed. Once per drop
     * per run. {@code closesAt} is null when it stays open until the set ends; {@code quantity} is -1 without a counter.
     */
    record DropOpened(Instant at, String dropId, Instant closesAt, int quantity) implements ShowEvent {
        public DropOpened {
            requireNonNull(at, "at");
            requireNonNull(dropId, "dropId");
        }
    }

    /** The shop reported {@code sold} more sales of a drop (order {@code orderId}); {@code remaining} is -1 without a counter. */
    record DropSold(Instant at, String dropId, int sold, int remaining, String orderId) implements ShowEvent {
        public DropSold {
            requireNonNull(at, "at");
            requireNonNull(dropId, "dropId");
            requireNonNull(orderId, "orderId");
        }
    }

    /** A drop closed: its window ended, it sold out, or the set ended. */
    record DropClosed(Instant at, String dropId, DropCloseReason reason) implements ShowEvent {
        public DropClosed {
            requireNonNull(at, "at");
            requireNonNull(dropId, "dropId");
            requireNonNull(reason, "reason");
        }
    }

    /** Somebody followed a drop's link ({@code /go/{show}/{drop}}); {@code source} is the {@code src} parameter or "direct". */
    record DropClicked(Instant at, String dropId, String source) implements ShowEvent {
        public DropClicked {
            requireNonNull(at, "at");
            requireNonNull(dropId, "dropId");
            requireNonNull(source, "source");
        }
    }

    /**
     * Somebody opened the listener page ({@code /l/{show}}), e.g. from the announcement's listen button; {@code source} is
     * its {@code src} parameter (1..32 of {@code a-z 0-9 _ -}), "direct" when absent, "other" when odd. For the post-show
     * report's listen taps; it changes no state.
     */
    record PageOpened(Instant at, String source) implements ShowEvent {
        public PageOpened {
            requireNonNull(at, "at");
            requireNonNull(source, "source");
        }
    }

    /**
     * A listener's audio started: the media server wrote the first audio packet of a WHEP session, {@code ttfaMillis} after
     * the session's offer came in (its time to first audio). Once per listener session whose audio started; for the
     * post-show report, it changes no state. It carries no session or listener id.
     */
    record AudioStarted(Instant at, long ttfaMillis) implements ShowEvent {
        public AudioStarted {
            requireNonNull(at, "at");
            if (ttfaMillis < 0) {
                throw new IllegalArgumentException("ttfaMillis: " + ttfaMillis + " (expected: >= 0)");
            }
        }
    }
}
