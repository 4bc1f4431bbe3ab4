package dev.encore.signaling;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.encore.show.live.ReactionKind;
import dev.encore.show.live.ShowState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the server sends on the show channel. Each record's first two components are {@code type} and {@code v}, so the
 * JSON reads {@code {"type":"…","v":1,…}} in component order; the factories fill them in. Times are ISO-8601 UTC
 * ({@link Instant#toString}), enum values lower case. Text (titles, questions, options) is plain text as typed: clients
 * render it as text, the server never builds HTML from it. Immutable.
 *
 * <p>See docs/protocol.md, "The show channel (WebSocket)", for every message with an example.
 */
sealed interface ServerMessage {

    /** The protocol version this server speaks. */
    int VERSION = 1;

    String type();

    /** The answer to {@code hello}: who the connection is. {@code listenerId} and {@code tier} are absent for the performer. */
    record Welcome(String type, int v, String show, String role, @JsonInclude(JsonInclude.Include.NON_NULL) String listenerId,
            @JsonInclude(JsonInclude.Include.NON_NULL) String tier) implements ServerMessage {
        static Welcome of(String show, String role, String listenerId, String tier) {
            return new Welcome("welcome", VERSION, show, role, listenerId, tier);
        }
    }

    /**
     * The whole show as this client sees it: sent after {@code welcome} and whenever the client fell behind. Like
     * {@link Queue}, it lists the top {@link #QUEUE_SHOWN} requests and the queue's size.
     */
    record State(String type, int v, String show, String asOf, String phase, Song nowPlaying, List<Song> setList,
            List<QueuedRequest> queue, int queueSize, List<MyRequest> myRequests, Poll poll, Poll lastPoll, Room room,
            List<DropCard> drops)
            implements ServerMessage {
        static State of(ShowState s, boolean withMine) {
            List<QueuedRequest> queue = new ArrayList<>(Math.min(QUEUE_SHOWN, s.queue().size()));
            for (ShowState.QueuedRequest r : top(s.queue())) {
                queue.add(new QueuedRequest(r.rank(), r.requestId(), r.title(), r.votes(), time(r.submittedAt()),
                        withMine ? r.votedByMe() : null, withMine ? r.mine() : null));
            }
            List<MyRequest> mine = new ArrayList<>(s.myRequests().size());
            for (ShowState.MyRequest r : s.myRequests()) {
                mine.add(new MyRequest(r.requestId(), r.title(), lower(r.state()), r.votes(), r.mine()));
            }
            return new State("state", VERSION, s.showId(), time(s.asOf()), lower(s.phase()), Song.of(s.nowPlaying()),
                    songs(s.setList()), queue, s.queue().size(), mine, Poll.of(s.openPoll(), withMine),
                    Poll.of(s.lastClosedPoll(), withMine), Room.of(s.room()), DropCard.all(s.drops()));
        }
    }

    /** A drop opened, its count changed or it closed (coalesced): every drop that opened this run, in the order they opened. */
    record Drops(String type, int v, String asOf, List<DropCard> drops) implements ServerMessage {
        static Drops of(ShowState s) {
            return new Drops("drops", VERSION, time(s.asOf()), DropCard.all(s.drops()));
        }
    }

    /**
     * The request queue changed (coalesced): the top {@link #QUEUE_SHOWN} best first, without anybody's own flags, and how
     * many requests are open in all. Only the top goes out: this message is sent to every client several times a second,
     * so its size must not grow with the audience's requests (a listener's own requests come in its {@code state}/acks).
     */
    record Queue(String type, int v, String asOf, List<QueuedRequest> queue, int queueSize) implements ServerMessage {
        static Queue of(ShowState s) {
            List<QueuedRequest> queue = new ArrayList<>(Math.min(QUEUE_SHOWN, s.queue().size()));
            for (ShowState.QueuedRequest r : top(s.queue())) {
                queue.add(new QueuedRequest(r.rank(), r.requestId(), r.title(), r.votes(), time(r.submittedAt()), null, null));
            }
            return new Queue("queue", VERSION, time(s.asOf()), queue, s.queue().size());
        }
    }

    /** How many requests {@code queue} and {@code state} list, best first. */
    int QUEUE_SHOWN = 20;

    private static List<ShowState.QueuedRequest> top(List<ShowState.QueuedRequest> queue) {
        return queue.size() <= QUEUE_SHOWN ? queue : queue.subList(0, QUEUE_SHOWN);
    }

    /** A poll opened, its tally moved or it closed (coalesced). Without {@code myVote}: each client knows its own. */
    record PollUpdate(String type, int v, String asOf, Poll poll, Poll lastPoll) implements ServerMessage {
        static PollUpdate of(ShowState s) {
            return new PollUpdate("poll", VERSION, time(s.asOf()), Poll.of(s.openPoll(), false),
                    Poll.of(s.lastClosedPoll(), false));
        }
    }

    /** Who is in the room and how loud it is (coalesced, at most about once a second). */
    record RoomUpdate(String type, int v, String asOf, Room room) implements ServerMessage {
        static RoomUpdate of(ShowState s) {
            return new RoomUpdate("room", VERSION, time(s.asOf()), Room.of(s.room()));
        }
    }

    /** The set moved: phase, the song playing, the whole set list (songs added, played marks). */
    record NowPlaying(String type, int v, String asOf, String phase, Song song, List<Song> setList) implements ServerMessage {
        static NowPlaying of(ShowState s) {
            return new NowPlaying("nowPlaying", VERSION, time(s.asOf()), lower(s.phase()), Song.of(s.nowPlaying()),
                    songs(s.setList()));
        }
    }

    /** A command took effect and is stored. {@code id} echoes the command's; {@code result} is absent when there is nothing. */
    record Ack(String type, int v, @JsonInclude(JsonInclude.Include.NON_NULL) String id, String of,
            @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Object> result) implements ServerMessage {
        static Ack of(String id, String of, Map<String, Object> result) {
            return new Ack("ack", VERSION, id, of, result);
        }
    }

    /** A message was refused; the connection stays open unless the server says otherwise with a close frame. */
    record Error(String type, int v, @JsonInclude(JsonInclude.Include.NON_NULL) String id, String code, String reason)
            implements ServerMessage {
        static Error of(String id, String code, String reason) {
            return new Error("error", VERSION, id, code, reason);
        }
    }

    // ---- parts ----

    /**
     * A drop as pages show it: {@code link} is the server's redirect (never the shop's URL); {@code state} {@code open} or
     * {@code closed}; {@code quantity} and {@code remaining} null without a counter.
     */
    record DropCard(String id, String text, String link, String state, String openedAt, String closesAt, String closedAt,
            String closeReason, Integer quantity, Integer remaining) {
        static DropCard of(ShowState.DropView d) {
            return new DropCard(d.id(), d.text(), d.path(), d.open() ? "open" : "closed", time(d.openedAt()),
                    time(d.closesAt()), time(d.closedAt()), d.closeReason() == null ? null : lower(d.closeReason()),
                    d.quantity() < 0 ? null : d.quantity(), d.remaining() < 0 ? null : d.remaining());
        }

        static List<DropCard> all(List<ShowState.DropView> drops) {
            List<DropCard> cards = new ArrayList<>(drops.size());
            for (ShowState.DropView d : drops) {
                cards.add(of(d));
            }
            return cards;
        }
    }

    record Song(int index, String title, int requestId, boolean played, boolean current) {
        static Song of(ShowState.Song s) {
            return s == null ? null : new Song(s.index(), s.title(), s.requestId(), s.played(), s.current());
        }
    }

    /** {@code votedByMe} and {@code mine} only in a {@code state} (they are about its receiver). */
    record QueuedRequest(int rank, int requestId, String title, int votes, String submittedAt,
            @JsonInclude(JsonInclude.Include.NON_NULL) Boolean votedByMe,
            @JsonInclude(JsonInclude.Include.NON_NULL) Boolean mine) {
    }

    record MyRequest(int requestId, String title, String state, int votes, boolean mine) {
    }

    /** {@code myVote} (option from 0, or -1) only in a {@code state}. */
    record Poll(int pollId, String question, List<String> options, List<Integer> tally, int totalVotes, String openedAt,
            String closesAt, String closedAt, String closeReason,
            @JsonInclude(JsonInclude.Include.NON_NULL) Integer myVote) {
        static Poll of(ShowState.PollView p, boolean withMine) {
            if (p == null) {
                return null;
            }
            return new Poll(p.pollId(), p.question(), p.options(), p.tally(), p.totalVotes(), time(p.openedAt()),
                    time(p.closesAt()), time(p.closedAt()), p.closeReason() == null ? null : lower(p.closeReason()),
                    withMine ? p.myVote() : null);
        }
    }

    /** {@code reactions}: totals this show, every kind in a fixed order. Rates rounded to 3 decimals. */
    record Room(int listeners, int general, int vip, int peak, boolean performerOnline, double reactionsPerSecond, double energy,
            Map<String, Long> reactions) {
        static Room of(ShowState.Room r) {
            Map<String, Long> totals = new LinkedHashMap<>();
            for (ReactionKind kind : ReactionKind.values()) {
                totals.put(kind.code(), r.reactionTotals().getOrDefault(kind, 0L));
            }
            return new Room(r.listeners(), r.generalListeners(), r.vipListeners(), r.peakListeners(), r.performerOnline(),
                    round(r.reactionsPerSecond()), round(r.energy()), totals);
        }
    }

    private static List<Song> songs(List<ShowState.Song> list) {
        List<Song> songs = new ArrayList<>(list.size());
        for (ShowState.Song s : list) {
            songs.add(Song.of(s));
        }
        return songs;
    }

    private static String time(Instant t) {
        return t == null ? null : t.toString();
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static double round(double x) {
        return Math.round(x * 1000.0) / 1000.0;
    }
}
