package dev.encore.show.live;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * One run of a show, live: the set list, song requests, polls, reactions and presence, and the single entry point for
 * everything the performer, the listeners and the bot do to them.
 *
 * <p><b>Threads:</b> not thread-safe. A {@code LiveShow} is owned by the show's signaling thread; the channel and the bot
 * hand their commands to that thread. Nothing here blocks, sleeps or starts a thread.
 *
 * <p><b>Commands</b> take the current time as {@code now} (a time earlier than one seen before counts as that earlier
 * time, so events never go back in time). Each command first catches up with time, exactly as {@link #tick} does:
 * closing a poll whose time limit passed and emitting the reaction burst of a second that is over. Then it checks the
 * rules and either throws a {@link ShowRuleException}, changing nothing more, or returns the events it produced, in order,
 * including the catch-up ones. The {@link ShowEventListener} given at creation sees every event once, right after it took
 * effect, including catch-up events of a command that was then refused. Every change goes through an event, so
 * {@link #replay} of the events rebuilds the same show.
 *
 * <p>Hostile input (nulls, huge or malformed text, unknown ids, indexes out of range) is refused with a
 * {@link ShowRuleException}; no other exception escapes a command. Who may call which command (performer or listener) is the
 * channel's business, not checked here.
 */
public final class LiveShow {
    private final String showId;
    private final ShowEventListener listener;
    private final SetList setList;
    private final SongRequests requests;
    private final Polls polls;
    private final Reactions reactions;
    private final Presence presence = new Presence();
    private final Drops drops;
    private Instant now;

    private LiveShow(String showId, DropPlan plan, ShowRules rules, ShowEventListener listener) {
        this.showId = showId;
        this.listener = listener;
        this.setList = new SetList(rules.maxSongs());
        this.requests = new SongRequests(rules);
        this.polls = new Polls(rules.maxPolls());
        this.reactions = new Reactions(rules);
        this.drops = new Drops(plan);
    }

    /**
     * Opens a show run with the planned songs (from the show file); emits {@link ShowEvent.ShowOpened}.
     *
     * @param showId the show's id
     * @param songs planned titles, in order; each 1..80 characters; may be empty
     */
    public static LiveShow open(String showId, List<String> songs, ShowRules rules, Instant now, ShowEventListener listener) {
        return open(showId, songs, DropPlan.NONE, rules, now, listener);
    }

    /**
     * Opens a show run with the planned songs and the drops they cue (from the show file); emits
     * {@link ShowEvent.ShowOpened}.
     *
     * @param drops the show file's drops and cues; song {@code i} of the plan is {@code songs.get(i)}
     */
    public static LiveShow open(String showId, List<String> songs, DropPlan drops, ShowRules rules, Instant now,
            ShowEventListener listener) {
        requireNonNull(drops, "drops");
        requireNonNull(rules, "rules");
        requireNonNull(listener, "listener");
        Text.present(showId, "showId");
        Text.time(now);
        Text.present(songs, "songs");
        if (songs.size() > rules.maxSongs()) {
            throw new ShowRuleException(Refusal.SET_LIST_FULL, "songs: " + songs.size() + " (expected: at most "
                    + rules.maxSongs() + ")");
        }
        List<String> clean = new ArrayList<>(songs.size());
        for (int i = 0; i < songs.size(); i++) {
            clean.add(Text.clean(songs.get(i), "song " + i, SetList.MAX_TITLE, Refusal.TITLE_INVALID));
        }
        LiveShow show = new LiveShow(showId, drops, rules, listener);
        show.now = now;
        show.commit(List.of(new ShowEvent.ShowOpened(now, showId, clean)));
        return show;
    }

    /**
     * Rebuilds a show from the events it emitted (e.g. stored in the database), for a restart after a crash. The listener
     * is not told about the replayed events. Reactions of the second in progress at the crash are lost; listeners'
     * connections are restored as they were, so a restart should follow with {@link #disconnectEveryone}.
     *
     * @throws ShowRuleException {@code log_invalid} if the events cannot have come from a show in this order
     */
    public static LiveShow replay(List<ShowEvent> events, ShowRules rules, ShowEventListener listener) {
        return replay(events, DropPlan.NONE, rules, listener);
    }

    /**
     * Rebuilds a show with drops from its events; {@code drops} should be the plan it was opened with (a drop the plan no
     * longer has stays out of the snapshots, and never opens again).
     *
     * @throws ShowRuleException {@code log_invalid} if the events cannot have come from a show in this order
     */
    public static LiveShow replay(List<ShowEvent> events, DropPlan drops, ShowRules rules, ShowEventListener listener) {
        requireNonNull(drops, "drops");
        requireNonNull(rules, "rules");
        requireNonNull(listener, "listener");
        if (events == null || events.isEmpty() || !(events.get(0) instanceof ShowEvent.ShowOpened)) {
            throw new ShowRuleException(Refusal.LOG_INVALID, "events: " + (events == null ? "null" : events.isEmpty()
                    ? "none" : "first is " + className(events.get(0))) + " (expected: ShowOpened first)");
        }
        ShowEvent.ShowOpened opened = (ShowEvent.ShowOpened) events.get(0);
        LiveShow show = new LiveShow(opened.showId(), drops, rules, listener);
        show.now = opened.at();
        for (int i = 0; i < events.size(); i++) {
            ShowEvent event = events.get(i);
            if (event == null || (i > 0 && event instanceof ShowEvent.ShowOpened) || event.at().isBefore(show.now)) {
                throw new ShowRuleException(Refusal.LOG_INVALID, "event " + i + ": " + className(event)
                        + " (expected: one ShowOpened first, then events with times that never go back)");
            }
            try {
                show.apply(event);
            } catch (ShowRuleException e) {
                throw e.refusal() == Refusal.LOG_INVALID ? e
                        : new ShowRuleException(Refusal.LOG_INVALID, "event " + i + ": " + e.getMessage());
            } catch (RuntimeException e) {
                throw new ShowRuleException(Refusal.LOG_INVALID, "event " + i + ": " + className(event) + " cannot be applied"
                        + " (expected: events in the order a LiveShow emitted them)");
            }
            show.now = event.at();
        }
        return show;
    }

    private static String className(Object o) {
        return o == null ? "null" : o.getClass().getSimpleName();
    }

    // ---- time ----

    /**
     * Catches up with time: closes a poll whose time limit passed, emits a finished second's reactions, closes drops whose
     * window ended and opens drops whose {@code at} passed since the set started.
     */
    public List<ShowEvent> tick(Instant now) {
        return run(now, t -> List.of());
    }

    // ---- set list (performer) ----

    /** Starts the set and its first song (if any). */
    public List<ShowEvent> startSet(Instant now) {
        return run(now, t -> {
            List<ShowEvent> events = new ArrayList<>(setList.start(t));
            if (events.size() > 1) {
                playedIfRequested((ShowEvent.SongStarted) events.remove(1), events);
            }
            return events;
        });
    }

    public List<ShowEvent> nextSong(Instant now) {
        return run(now, t -> playedIfRequested(setList.next(t), new ArrayList<>()));
    }

    public List<ShowEvent> previousSong(Instant now) {
        return run(now, t -> playedIfRequested(setList.previous(t), new ArrayList<>()));
    }

    /** Starts the song at {@code index} (from 0); the current song's index starts it again. */
    public List<ShowEvent> jumpTo(int index, Instant now) {
        return run(now, t -> playedIfRequested(setList.jumpTo(index, t), new ArrayList<>()));
    }

    /** Adds a song of the performer's own choosing to the end of the set list. */
    public List<ShowEvent> addSong(String title, Instant now) {
        return run(now, t -> {
            String clean = Text.clean(title, "title", SetList.MAX_TITLE, Refusal.TITLE_INVALID);
            return List.of(setList.add(clean, 0, t));
        });
    }

    /** Ends the set; drops still open close ({@code set_ended}). */
    public List<ShowEvent> endSet(Instant now) {
        return run(now, t -> {
            List<ShowEvent> events = new ArrayList<>();
            events.add(setList.end(t));
            events.addAll(drops.closeAll(t));
            return events;
        });
    }

    /** A song started: its request is played, and the drops it cues open (once per run). */
    private List<ShowEvent> playedIfRequested(ShowEvent.SongStarted started, List<ShowEvent> events) {
        events.add(started);
        int requestId = setList.get(started.index()).requestId();
        if (requestId > 0 && requests.require(requestId).state == RequestState.ACCEPTED) {
            events.add(new ShowEvent.RequestPlayed(started.at(), requestId));
        }
        events.addAll(drops.cued(started.index(), started.at()));
        return events;
    }

    // ---- song requests ----

    /**
     * A listener asks for a song. If the song is already in the queue this is an upvote for it
     * ({@link ShowEvent.RequestUpvoted}), which is not rate limited; otherwise a new request
     * ({@link ShowEvent.RequestSubmitted}) that counts as its first vote.
     *
     * @throws ShowRuleException {@code title_invalid}, {@code listener_invalid}, {@code set_ended}, {@code already_voted},
     *         {@code already_accepted}, {@code request_dismissed}, {@code already_in_set}, {@code rate_limited},
     *         {@code too_many_open}, {@code queue_full}
     */
    public List<ShowEvent> submitRequest(String listenerId, String title, Instant now) {
        return run(now, t -> {
            String id = Text.listenerId(listenerId);
            String clean = Text.clean(title, "title", SetList.MAX_TITLE, Refusal.TITLE_INVALID);
            setList.requireNotEnded();
            String key = Text.key(clean);
            SongRequests.Request existing = requests.openFor(key, id);
            if (existing != null) {
                return List.of(new ShowEvent.RequestUpvoted(t, existing.id, id, existing.voters.size() + 1));
            }
            if (setList.upcoming(key)) {
                throw new ShowRuleException(Refusal.ALREADY_IN_SET, "request: '" + clean + "' is on the set list already"
                        + " (expected: a song not coming up anyway)");
            }
            return List.of(requests.submit(id, clean, t));
        });
    }

    /** A listener upvotes an open request (not once the set has ended). */
    public List<ShowEvent> upvote(String listenerId, int requestId, Instant now) {
        return run(now, t -> {
            String id = Text.listenerId(listenerId);
            setList.requireNotEnded();
            return List.of(requests.upvote(id, requestId, t));
        });
    }

    /** The performer accepts an open request: it joins the end of the set list. */
    public List<ShowEvent> acceptRequest(int requestId, Instant now) {
        return run(now, t -> {
            SongRequests.Request r = requests.require(requestId);
            SongRequests.requireOpen(r);
            ShowEvent.SongAdded added = setList.add(r.title, r.id, t);
            return List.of(new ShowEvent.RequestAccepted(t, r.id, r.title), added);
        });
    }

    /**
     * The performer marks a request played (open or accepted). Starting an accepted request's song on the set list marks it
     * played by itself.
     */
    public List<ShowEvent> markPlayed(int requestId, Instant now) {
        return run(now, t -> {
            SongRequests.Request r = requests.require(requestId);
            if (r.state != RequestState.ACCEPTED) {
                SongRequests.requireOpen(r);
            }
            return List.of(new ShowEvent.RequestPlayed(t, r.id));
        });
    }

    /** The performer turns an open request down; asking for the same song again is refused for the rest of the show. */
    public List<ShowEvent> dismissRequest(int requestId, Instant now) {
        return run(now, t -> {
            SongRequests.Request r = requests.require(requestId);
            SongRequests.requireOpen(r);
            return List.of(new ShowEvent.RequestDismissed(t, r.id));
        });
    }

    // ---- polls ----

    /**
     * The performer opens a poll. Refused ({@code poll_already_open}) while another poll is open: close that one first.
     *
     * @param question 1..140 characters
     * @param options 2..6 distinct options of 1..60 characters
     * @param timeLimit null for none, else 5 s .. 1 h; the poll closes when a command or tick sees the time pass
     */
    public List<ShowEvent> openPoll(String question, List<String> options, Duration timeLimit, Instant now) {
        return run(now, t -> List.of(polls.open(question, options, timeLimit, t)));
    }

    /**
     * A listener votes for option {@code option} (from 0) of poll {@code pollId}, or changes their vote. Voting again for
     * the same option changes nothing and returns no vote event.
     */
    public List<ShowEvent> vote(String listenerId, int pollId, int option, Instant now) {
        return run(now, t -> {
            ShowEvent.VoteCast vote = polls.vote(Text.listenerId(listenerId), pollId, option, t);
            return vote == null ? List.of() : List.of(vote);
        });
    }

    /** Poll {@code pollId} now (its tally and total), open or closed, as everybody sees it; refused for an unknown poll. */
    public ShowState.PollView poll(int pollId) {
        return view(polls.get(pollId), null);
    }

    /** The performer closes the open poll; its results stay in the snapshots. */
    public List<ShowEvent> closePoll(Instant now) {
        return run(now, t -> List.of(polls.close(t)));
    }

    // ---- reactions ----

    /**
     * A listener reacts. Reactions are counted per second and come out as one {@link ShowEvent.ReactionBurst} per second
     * once it is over, so this returns only catch-up events; reactions beyond the per-listener limit are ignored.
     */
    public List<ShowEvent> react(String listenerId, ReactionKind kind, Instant now) {
        return run(now, t -> {
            String id = Text.listenerId(listenerId);
            reactions.count(id, Text.present(kind, "reaction"), t);
            return List.of();
        });
    }

    // ---- presence ----

    /** A listener's connection opened; one listener may hold several (tabs, devices). */
    public List<ShowEvent> listenerConnected(String listenerId, Tier tier, Instant now) {
        return run(now, t -> List.of(new ShowEvent.ListenerConnected(t, Text.listenerId(listenerId), Text.present(tier, "tier"))));
    }

    /** One of a listener's connections closed. */
    public List<ShowEvent> listenerDisconnected(String listenerId, Instant now) {
        return run(now, t -> List.of(presence.disconnect(Text.listenerId(listenerId), t)));
    }

    /** The performer's console (or ingest) came or went; no event if nothing changed. */
    public List<ShowEvent> performerOnline(boolean online, Instant now) {
        return run(now, t -> online == presence.performerOnline() ? List.of()
                : List.of(new ShowEvent.PerformerPresence(t, online)));
    }

    /**
     * Closes every connection, sets the performer offline and off air: for a show restored after a restart, whose sockets
     * and media sessions are gone.
     */
    public List<ShowEvent> disconnectEveryone(Instant now) {
        return run(now, t -> {
            List<ShowEvent> events = presence.disconnectAll(t);
            if (presence.performerOnline()) {
                events.add(new ShowEvent.PerformerPresence(t, false));
            }
            if (presence.onAir()) {
                events.add(new ShowEvent.OnAir(t, false));
            }
            return events;
        });
    }

    /** The media server saw the performer's audio start or stop; no event if nothing changed. */
    public List<ShowEvent> onAir(boolean onAir, Instant now) {
        return run(now, t -> onAir == presence.onAir() ? List.of() : List.of(new ShowEvent.OnAir(t, onAir)));
    }

    // ---- drops ----

    /**
     * The shop sold {@code quantity} of a drop in order {@code orderId}: {@link ShowEvent.DropSold}, and
     * {@link ShowEvent.DropClosed} ({@code sold_out}) when that was the last of an open drop. An order already counted this
     * run changes nothing and returns no event ({@link #soldAnswer} still answers it). Sales count whenever reported.
     *
     * @throws ShowRuleException {@code no_such_drop}, {@code bad_quantity} (1..1,000,000), {@code order_invalid}
     */
    public List<ShowEvent> dropSold(String dropId, int quantity, String orderId, Instant now) {
        return run(now, t -> drops.sell(dropId, quantity, orderId, t));
    }

    /** What was left of a drop after order {@code orderId} (-1 without a counter), or null when that order was not counted. */
    public Integer soldAnswer(String dropId, String orderId) {
        return drops.answer(dropId, orderId);
    }

    /**
     * Somebody followed a drop's link (any time, open or not). {@code source} is kept when it is 1..32 characters of
     * {@code a-z 0-9 _ -}, is {@code direct} when null or empty, else {@code other}.
     *
     * @throws ShowRuleException {@code no_such_drop}
     */
    public List<ShowEvent> dropClicked(String dropId, String source, Instant now) {
        return run(now, t -> List.of(drops.click(dropId, source, t)));
    }

    /**
     * Somebody opened the listener page (any time); {@code source} as for {@link #dropClicked}. Changes no state: the event
     * is for the post-show report.
     */
    public List<ShowEvent> pageOpened(String source, Instant now) {
        return run(now, t -> List.of(new ShowEvent.PageOpened(t, Drops.source(source))));
    }

    /**
     * A listener's audio started, {@code ttfaMillis} after its session's offer (any time). Changes no state: the event is for
     * the post-show report.
     *
     * @throws IllegalArgumentException when {@code ttfaMillis} is negative
     */
    public List<ShowEvent> audioStarted(long ttfaMillis, Instant now) {
        if (ttfaMillis < 0) {
            throw new IllegalArgumentException("ttfaMillis: " + ttfaMillis + " (expected: >= 0)");
        }
        return run(now, t -> List.of(new ShowEvent.AudioStarted(t, ttfaMillis)));
    }

    // ---- state ----

    public String showId() {
        return showId;
    }

    /** An open request's place in the ranked queue (1 for the top, as in the snapshots), or 0 when it is not in the queue. */
    public int queueRank(int requestId) {
        List<SongRequests.Request> queue = requests.queue();
        for (int i = 0; i < queue.size(); i++) {
            if (queue.get(i).id == requestId) {
                return i + 1;
            }
        }
        return 0;
    }

    /** True while the media server sees the performer's audio (the last {@link ShowEvent.OnAir}). */
    public boolean onAir() {
        return presence.onAir();
    }

    /** The show's time: the latest time a command, tick or replayed event brought. */
    public Instant now() {
        return now;
    }

    /** What this listener sees: the public state plus their own requests, votes and poll vote. */
    public ShowState snapshot(String listenerId) {
        return state(Text.listenerId(listenerId));
    }

    /** What anybody sees, for broadcasts: no listener's own requests or votes. */
    public ShowState publicSnapshot() {
        return state(null);
    }

    private ShowState state(String viewer) {
        List<ShowState.Song> songs = new ArrayList<>(setList.size());
        for (int i = 0; i < setList.size(); i++) {
            SetList.Entry entry = setList.get(i);
            songs.add(new ShowState.Song(i, entry.title(), entry.requestId(), setList.played(i), i == setList.current()));
        }
        List<ShowState.QueuedRequest> queue = new ArrayList<>();
        for (SongRequests.Request r : requests.queue()) {
            queue.add(new ShowState.QueuedRequest(queue.size() + 1, r.id, r.title, r.voters.size(), r.submittedAt,
                    viewer != null && r.voters.contains(viewer), r.listenerId.equals(viewer)));
        }
        List<ShowState.MyRequest> mine = new ArrayList<>();
        if (viewer != null) {
            for (SongRequests.Request r : requests.of(viewer)) {
                mine.add(new ShowState.MyRequest(r.id, r.title, r.state, r.voters.size(), r.listenerId.equals(viewer)));
            }
            mine.sort(Comparator.comparingInt(ShowState.MyRequest::requestId));
        }
        int listeners = presence.listeners();
        ShowState.Room room = new ShowState.Room(listeners, presence.count(Tier.GENERAL), presence.count(Tier.VIP),
                presence.peak(), presence.peakAt(), presence.performerOnline(), reactions.rate(now),
                reactions.energy(now, listeners), reactions.totals());
        return new ShowState(showId, now, setList.phase(), setList.current() < 0 ? null : songs.get(setList.current()),
                songs, queue, mine, view(polls.current(), viewer), view(polls.lastClosed(), viewer), room,
                drops.views(showId));
    }

    private static ShowState.PollView view(Poll poll, String viewer) {
        if (poll == null) {
            return null;
        }
        return new ShowState.PollView(poll.id, poll.question, poll.options, poll.tallyList(), poll.totalVotes(),
                poll.openedAt, poll.closesAt, poll.closedAt, poll.closeReason, poll.voteOf(viewer));
    }

    // ---- the event loop of one command ----

    private List<ShowEvent> run(Instant at, Function<Instant, List<ShowEvent>> decide) {
        Text.time(at);
        if (at.isAfter(now)) {
            now = at;
        }
        Instant t = now;
        List<ShowEvent> out = new ArrayList<>(catchUp(t));
        List<ShowEvent> decided = decide.apply(t);
        commit(decided);
        out.addAll(decided);
        return List.copyOf(out);
    }

    /** Everything that became due by {@code t}, in time order (a stable sort: same-time events keep this order). */
    private List<ShowEvent> catchUp(Instant t) {
        List<ShowEvent> due = new ArrayList<>(2);
        ShowEvent burst = reactions.due(t);
        ShowEvent closed = polls.due(t);
        if (burst != null) {
            due.add(burst);
        }
        if (closed != null) {
            due.add(closed);
        }
        due.addAll(drops.due(t));
        due.sort(Comparator.comparing(ShowEvent::at));
        commit(due);
        return due;
    }

    /** Applies all events of one step, then tells the listener: a listener that throws cannot leave a half-applied step. */
    private void commit(List<ShowEvent> events) {
        for (ShowEvent event : events) {
            apply(event);
        }
        for (ShowEvent event : events) {
            listener.onEvent(event);
        }
    }

    private void apply(ShowEvent event) {
        setList.apply(event);
        requests.apply(event);
        polls.apply(event);
        reactions.apply(event);
        presence.apply(event);
        drops.apply(event);
    }
}
