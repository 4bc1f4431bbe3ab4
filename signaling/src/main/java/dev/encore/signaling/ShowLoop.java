package dev.encore.signaling;

import static java.util.Objects.requireNonNull;

import dev.encore.show.live.DropPlan;
import dev.encore.show.live.LiveShow;
import dev.encore.show.live.ReactionKind;
import dev.encore.show.live.ShowEvent;
import dev.encore.show.live.ShowEventListener;
import dev.encore.show.live.ShowRuleException;
import dev.encore.show.live.ShowRules;
import dev.encore.show.live.ShowState;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One show's live state and its clients: owns the show's {@link LiveShow}, applies commands, stores the events, answers,
 * and broadcasts coalesced updates.
 *
 * <p><b>Threads:</b> everything here runs on the loop's own single thread ({@code encore-show-<id>}); the I/O threads hand
 * work over with {@link #execute}. Every {@link Settings#tick()} the loop calls {@link LiveShow#tick}, commits, and
 * broadcasts what changed.
 *
 * <p><b>Group commit.</b> Events a command produced are not stored one by one: the first pending event queues a flush
 * behind the commands already waiting, so one transaction (one fsync) covers all of them. Answers ({@code ack} and
 * {@code error}) wait for that commit, so an acknowledged vote is on disk; if the commit fails, the acks become
 * {@code storage_failed} errors (the change stays in memory: the show goes on, but a restart would lose it).
 *
 * <p><b>Coalescing.</b> Events only mark parts dirty (queue, poll, set); each tick sends each dirty part once to
 * everybody, serialized once into one buffer that every client's frame shares. The room goes out at most every
 * {@link Settings#roomInterval()}, and only when it changed. A client whose channel is not writable is skipped and marked
 * stale; when it becomes writable it gets a fresh {@code state} (so a slow client's queue never grows with the show).
 *
 * <p><b>Feeds.</b> {@link ShowFeed}s (the bot bridge) get each batch of events right after it was stored, on this thread,
 * never before: what a feed saw is on disk. A new feed first gets the run's stored history.
 */
final class ShowLoop implements ShowEventListener {
    private static final Logger LOG = LoggerFactory.getLogger(ShowLoop.class);

    /** Timing of the loops and sockets. */
    record Settings(Duration tick, Duration roomInterval, Duration pingAfter, Duration idleTimeout, RateLimits limits) {
        static Settings defaults() {
            return new Settings(Duration.ofMillis(150), Duration.ofSeconds(1), Duration.ofSeconds(20), Duration.ofSeconds(60),
                    RateLimits.defaults());
        }
    }

    private final String showId;
    private final Clock clock;
    private final EventStore store;
    private final Settings settings;
    private final ScheduledExecutorService executor;
    private final Set<ShowSocket> clients = new LinkedHashSet<>();
    private final List<ShowEvent> pendingEvents = new ArrayList<>();
    private final List<PendingReply> pendingReplies = new ArrayList<>();
    /** Told after the next commit whether it stored (true) or failed (false): answers to the in-process API. */
    private final List<Consumer<Boolean>> afterCommit = new ArrayList<>();
    /** Read on this thread only; copy-on-write so a feed closing itself while being called is harmless. */
    private final List<Subscription> feeds = new CopyOnWriteArrayList<>();
    private final DropPlan drops;
    private LiveShow live;
    private long runId;
    private boolean flushQueued;
    private boolean queueDirty;
    private boolean pollDirty;
    private boolean setDirty;
    private boolean dropsDirty;
    private ServerMessage.Room lastRoom;
    private Instant lastRoomAt = Instant.EPOCH;
    private int performers;

    private record PendingReply(ServerMessage message, Consumer<ServerMessage> to) {
    }

    /** A subscribed feed; closing it stops deliveries (one already running finishes). Any thread. */
    final class Subscription implements AutoCloseable {
        private final ShowFeed feed;
        private volatile boolean closed;

        Subscription(ShowFeed feed) {
            this.feed = feed;
        }

        void deliver(List<ShowEvent> events, boolean history) {
            if (closed) {
                return;
            }
            try {
                feed.onEvents(showId, runId, events, history);
            } catch (RuntimeException e) {
                LOG.warn("show {}: a feed failed on {} events", showId, events.size(), e);
            }
        }

        @Override
        public void close() {
            closed = true;
            execute(() -> feeds.remove(this));
        }
    }

    private ShowLoop(String showId, DropPlan drops, Clock clock, EventStore store, Settings settings) {
        this.showId = showId;
        this.drops = drops;
        this.clock = clock;
        this.store = store;
        this.settings = settings;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "encore-show-" + showId);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Restores the show's latest run from the store (replay, tick, everyone disconnected), or opens a new run when there is
     * none or its set had ended, then starts ticking.
     */
    static ShowLoop start(String showId, List<String> plannedSongs, Clock clock, EventStore store, Settings settings)
            throws SQLException {
        return start(showId, plannedSongs, DropPlan.NONE, clock, store, settings);
    }

    /** As above, with the drops the planned songs cue ({@code drops}' song {@code i} is {@code plannedSongs.get(i)}). */
    static ShowLoop start(String showId, List<String> plannedSongs, DropPlan drops, Clock clock, EventStore store,
            Settings settings) throws SQLException {
        requireNonNull(showId, "showId");
        ShowLoop loop = new ShowLoop(showId, requireNonNull(drops, "drops"), requireNonNull(clock, "clock"),
                requireNonNull(store, "store"), requireNonNull(settings, "settings"));
        try {
            loop.executor.submit(() -> {
                loop.restore(plannedSongs);
                return null;
            }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            loop.executor.shutdownNow();
            throw new SQLException("interrupted while restoring show " + showId, e);
        } catch (ExecutionException e) {
            loop.executor.shutdownNow();
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw new IllegalStateException("restoring show " + showId + " failed", e.getCause());
        }
        long tick = settings.tick().toNanos();
        if (tick > 0) { // zero: ticks only by tickNow (tests)
            loop.executor.scheduleAtFixedRate(loop::tick, tick, tick, TimeUnit.NANOSECONDS);
        }
        return loop;
    }

    private void restore(List<String> plannedSongs) throws SQLException {
        Instant now = clock.instant();
        Optional<EventStore.Run> run = store.latestRun(showId);
        if (run.isPresent() && !run.get().events().isEmpty()
                && run.get().events().stream().noneMatch(e -> e instanceof ShowEvent.SetEnded)) {
            try {
                live = LiveShow.replay(run.get().events(), drops, ShowRules.defaults(), this);
                runId = run.get().runId();
                live.tick(now);
                live.disconnectEveryone(now);
                commit();
                LOG.info("show {}: restored run {} from {} events", showId, runId, run.get().events().size());
                return;
            } catch (ShowRuleException e) {
                LOG.error("show {}: run {} cannot be replayed ({}); starting a new run", showId, run.get().runId(),
                        e.getMessage());
                pendingEvents.clear();
            }
        }
        runId = store.newRun(showId, now);
        live = LiveShow.open(showId, plannedSongs, drops, ShowRules.defaults(), now, this);
        commit();
        LOG.info("show {}: new run {}", showId, runId);
    }

    String showId() {
        return showId;
    }

    Settings settings() {
        return settings;
    }

    /** Runs {@code task} on the loop's thread; false when the loop is shut down. Called from any thread. */
    boolean execute(Runnable task) {
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("show {}: task failed", showId, e);
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    // ---- events (loop thread) ----

    @Override
    public void onEvent(ShowEvent event) {
        pendingEvents.add(event);
        if (event instanceof ShowEvent.RequestSubmitted || event instanceof ShowEvent.RequestUpvoted
                || event instanceof ShowEvent.RequestAccepted || event instanceof ShowEvent.RequestPlayed
                || event instanceof ShowEvent.RequestDismissed) {
            queueDirty = true;
        } else if (event instanceof ShowEvent.PollOpened || event instanceof ShowEvent.VoteCast
                || event instanceof ShowEvent.PollClosed) {
            pollDirty = true;
        } else if (event instanceof ShowEvent.SetStarted || event instanceof ShowEvent.SongStarted
                || event instanceof ShowEvent.SongAdded || event instanceof ShowEvent.SetEnded) {
            setDirty = true;
            queueDirty |= event instanceof ShowEvent.SongStarted; // a song starting can mark a request played
        } else if (event instanceof ShowEvent.DropOpened || event instanceof ShowEvent.DropSold
                || event instanceof ShowEvent.DropClosed) {
            dropsDirty = true;
        }
    }

    // ---- clients (loop thread) ----

    /** A socket finished its hello: count it in, send welcome and state. */
    void join(ShowSocket socket) {
        Instant now = clock.instant();
        Role role = socket.role();
        if (role.performer()) {
            performers++;
            live.performerOnline(true, now);
        } else {
            try {
                live.listenerConnected(role.listenerId(), socket.tier(), now);
            } catch (ShowRuleException e) {
                socket.send(ServerMessage.Error.of(null, e.code(), e.getMessage()));
                socket.closeWith(1008, "listener refused");
                return;
            }
        }
        clients.add(socket);
        socket.send(ServerMessage.Welcome.of(showId, role.wireName(), role.listenerId(),
                role.performer() ? null : socket.tier().name().toLowerCase(Locale.ROOT)));
        socket.send(state(role));
        queueFlush();
    }

    /** A socket closed (before or after its hello). */
    void leave(ShowSocket socket) {
        if (!clients.remove(socket)) {
            return;
        }
        Instant now = clock.instant();
        if (socket.role().performer()) {
            if (--performers == 0) {
                live.performerOnline(false, now);
            }
        } else {
            live.listenerDisconnected(socket.role().listenerId(), now);
        }
        queueFlush();
    }

    /** A stale socket became writable: send it the whole state. */
    void resync(ShowSocket socket) {
        if (socket.stale && clients.contains(socket) && socket.writable()) {
            socket.stale = false;
            socket.send(state(socket.role()));
        }
    }

    private ServerMessage.State state(Role role) {
        return role.performer() ? ServerMessage.State.of(live.publicSnapshot(), false)
                : ServerMessage.State.of(live.snapshot(role.listenerId()), true);
    }

    // ---- commands (loop thread) ----

    /**
     * Applies one authenticated command and answers {@code reply} (on this thread) once its events are stored. Performer
     * commands must have been checked for the role by the caller; they are checked again here.
     */
    void command(Role role, ClientMessage message, String id, Consumer<ServerMessage> reply) {
        ServerMessage answer;
        String type = typeOf(message);
        try {
            answer = ServerMessage.Ack.of(id, type, apply(role, message, clock.instant()));
        } catch (ShowRuleException e) {
            answer = ServerMessage.Error.of(id, e.code(), type + ": " + e.getMessage());
        } catch (ProtocolException e) {
            answer = ServerMessage.Error.of(id, e.code(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("show {}: {} failed", showId, type, e);
            answer = ServerMessage.Error.of(id, "internal", type + ": the server failed (expected: a working server;"
                    + " the server log has the details)");
        }
        pendingReplies.add(new PendingReply(answer, reply));
        queueFlush();
    }

    private static String typeOf(ClientMessage message) {
        return Wire.typeName(message);
    }

    private Map<String, Object> apply(Role role, ClientMessage m, Instant now) throws ProtocolException {
        if (m.performerOnly() && !role.performer()) {
            ServerMessage.Error refusal = ShowSocket.forbidden(null, m);
            throw new ProtocolException(null, refusal.code(), refusal.reason());
        }
        if (!m.performerOnly() && role.performer()) {
            throw new ProtocolException(null, "forbidden", typeOf(m) + ": for listeners only (expected: a performer"
                    + " message such as set.next)");
        }
        String listener = role.listenerId();
        if (m instanceof ClientMessage.Request r) {
            for (ShowEvent e : live.submitRequest(listener, r.title(), now)) {
                if (e instanceof ShowEvent.RequestSubmitted s) {
                    return result("requestId", s.requestId(), "votes", 1);
                }
                if (e instanceof ShowEvent.RequestUpvoted u && u.listenerId().equals(listener)) {
                    return result("requestId", u.requestId(), "votes", u.votes());
                }
            }
            return null;
        } else if (m instanceof ClientMessage.Upvote u) {
            for (ShowEvent e : live.upvote(listener, u.requestId(), now)) {
                if (e instanceof ShowEvent.RequestUpvoted up) {
                    return result("requestId", up.requestId(), "votes", up.votes());
                }
            }
            return null;
        } else if (m instanceof ClientMessage.Vote v) {
            live.vote(listener, v.pollId(), v.option(), now);
            // The tally with this vote in it: the voter sees the result at once (the room's broadcast waits for the tick).
            ShowState.PollView poll = live.poll(v.pollId());
            return result("pollId", v.pollId(), "option", v.option(), "tally", poll.tally(), "totalVotes", poll.totalVotes());
        } else if (m instanceof ClientMessage.React r) {
            live.react(listener, ReactionKind.parse(r.reaction()), now);
            return null;
        } else if (m instanceof ClientMessage.SetStart) {
            live.startSet(now);
            return null;
        } else if (m instanceof ClientMessage.SetNext) {
            return song(live.nextSong(now));
        } else if (m instanceof ClientMessage.SetPrev) {
            return song(live.previousSong(now));
        } else if (m instanceof ClientMessage.SetJump j) {
            return song(live.jumpTo(j.index(), now));
        } else if (m instanceof ClientMessage.SetAdd a) {
            return added(live.addSong(a.title(), now));
        } else if (m instanceof ClientMessage.SetEnd) {
            live.endSet(now);
            return null;
        } else if (m instanceof ClientMessage.RequestAccept a) {
            return added(live.acceptRequest(a.requestId(), now));
        } else if (m instanceof ClientMessage.RequestPlayed p) {
            live.markPlayed(p.requestId(), now);
            return null;
        } else if (m instanceof ClientMessage.RequestDismiss d) {
            live.dismissRequest(d.requestId(), now);
            return null;
        } else if (m instanceof ClientMessage.PollOpen p) {
            Duration limit = p.timeLimitSeconds() == null ? null : Duration.ofSeconds(p.timeLimitSeconds());
            for (ShowEvent e : live.openPoll(p.question(), p.options(), limit, now)) {
                if (e instanceof ShowEvent.PollOpened o) {
                    return result("pollId", o.pollId());
                }
            }
            return null;
        } else if (m instanceof ClientMessage.PollClose) {
            for (ShowEvent e : live.closePoll(now)) {
                if (e instanceof ShowEvent.PollClosed c) {
                    return result("pollId", c.pollId(), "tally", c.tally());
                }
            }
            return null;
        }
        throw new ProtocolException(null, "bad_message", typeOf(m) + ": not a command (expected: hello only as the first"
                + " WebSocket message)");
    }

    private static Map<String, Object> song(List<ShowEvent> events) {
        for (ShowEvent e : events) {
            if (e instanceof ShowEvent.SongStarted s) {
                return result("index", s.index());
            }
        }
        return null;
    }

    private static Map<String, Object> added(List<ShowEvent> events) {
        for (ShowEvent e : events) {
            if (e instanceof ShowEvent.SongAdded s) {
                return result("index", s.index());
            }
        }
        return null;
    }

    private static Map<String, Object> result(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    // ---- the in-process API (any thread; the work runs on the loop) ----

    /** Subscribes a feed: the run's stored history first, then every batch once stored. */
    AutoCloseable subscribe(ShowFeed feed) {
        Subscription subscription = new Subscription(requireNonNull(feed, "feed"));
        boolean queued = execute(() -> {
            flush(); // what is pending goes to disk (and to the other feeds) first: the history read next holds it
            List<ShowEvent> history = List.of();
            try {
                Optional<EventStore.Run> run = store.latestRun(showId);
                if (run.isPresent() && run.get().runId() == runId) {
                    history = List.copyOf(run.get().events());
                }
            } catch (SQLException e) {
                LOG.error("show {}: reading run {} for a new feed failed; it gets live events only", showId, runId, e);
            }
            subscription.deliver(history, true);
            feeds.add(subscription);
        });
        if (!queued) {
            throw new IllegalStateException("show loop " + showId + " is shut down (expected: a running show)");
        }
        return subscription;
    }

    /** A request from outside the WebSocket (the Telegram group), as a listener's; completes once stored. */
    CompletableFuture<RequestReceipt> submitRequest(String listenerId, String title) {
        CompletableFuture<RequestReceipt> result = new CompletableFuture<>();
        run(result, () -> {
            RequestReceipt receipt = null;
            for (ShowEvent e : live.submitRequest(listenerId, title, clock.instant())) {
                if (e instanceof ShowEvent.RequestSubmitted s) {
                    receipt = new RequestReceipt(s.requestId(), 1, live.queueRank(s.requestId()), false);
                } else if (e instanceof ShowEvent.RequestUpvoted u && u.listenerId().equals(listenerId)) {
                    receipt = new RequestReceipt(u.requestId(), u.votes(), live.queueRank(u.requestId()), true);
                }
            }
            if (receipt == null) {
                throw new IllegalStateException("request by " + listenerId + " produced no request event (expected: one)");
            }
            return receipt;
        });
        return result;
    }

    /** A sale the shop reported; completes, once stored, with what is left (-1 without a counter). */
    CompletableFuture<Integer> dropSold(String dropId, int quantity, String orderId) {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        run(result, () -> {
            live.dropSold(dropId, quantity, orderId, clock.instant());
            return live.soldAnswer(dropId, orderId);
        });
        return result;
    }

    /** The public state, read on the loop. */
    CompletableFuture<ShowState> publicSnapshot() {
        return query(LiveShow::publicSnapshot);
    }

    /** Fire and forget: the media server's view of the performer's audio, at the time of the call. */
    void onAir(boolean onAir) {
        Instant at = clock.instant();
        execute(() -> {
            live.onAir(onAir, at);
            queueFlush();
        });
    }

    /** Fire and forget: a click on a drop's link, at the time of the call; an unknown drop is logged and dropped. */
    void dropClicked(String dropId, String source) {
        Instant at = clock.instant();
        execute(() -> {
            try {
                live.dropClicked(dropId, source, at);
            } catch (ShowRuleException e) {
                LOG.debug("show {}: click not counted: {}", showId, e.getMessage());
            }
            queueFlush();
        });
    }

    /** Fire and forget: a listener's audio started {@code ttfaMillis} after its offer, at the time of the call. */
    void audioStarted(long ttfaMillis) {
        Instant at = clock.instant();
        execute(() -> {
            live.audioStarted(ttfaMillis, at);
            queueFlush();
        });
    }

    /** Fire and forget: somebody opened the listener page, at the time of the call. */
    void pageOpened(String source) {
        Instant at = clock.instant();
        execute(() -> {
            live.pageOpened(source, at);
            queueFlush();
        });
    }

    /**
     * Runs {@code command} on the loop; {@code result} completes with its value once its events are stored, or exceptionally
     * with its {@link ShowRuleException} (at once), or with an {@link IllegalStateException} when storing failed or the loop
     * is gone.
     */
    private <T> void run(CompletableFuture<T> result, Supplier<T> command) {
        boolean queued = execute(() -> {
            T value;
            try {
                value = command.get();
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
                queueFlush(); // catch-up events of a refused command are still to be stored
                return;
            }
            afterCommit.add(stored -> {
                if (stored) {
                    result.complete(value);
                } else {
                    result.completeExceptionally(new IllegalStateException("storage_failed: took effect but could not be"
                            + " stored (expected: a writable data directory; the server log has the details)"));
                }
            });
            queueFlush();
        });
        if (!queued) {
            result.completeExceptionally(new IllegalStateException("show loop " + showId + " is shut down"));
        }
    }

    // ---- commit, tick, broadcast (loop thread) ----

    private void queueFlush() {
        if (!flushQueued && (!pendingEvents.isEmpty() || !pendingReplies.isEmpty() || !afterCommit.isEmpty())) {
            flushQueued = true;
            execute(this::flush);
        }
    }

    private void flush() {
        flushQueued = false;
        boolean stored = commit();
        List<PendingReply> replies = new ArrayList<>(pendingReplies);
        pendingReplies.clear();
        for (PendingReply r : replies) {
            ServerMessage m = r.message();
            if (!stored && m instanceof ServerMessage.Ack ack) {
                m = ServerMessage.Error.of(ack.id(), "storage_failed", ack.of() + ": took effect but could not be stored"
                        + " (expected: a writable data directory; the server log has the details)");
            }
            try {
                r.to().accept(m);
            } catch (RuntimeException e) {
                LOG.warn("show {}: answering failed", showId, e);
            }
        }
        List<Consumer<Boolean>> waiting = new ArrayList<>(afterCommit);
        afterCommit.clear();
        for (Consumer<Boolean> w : waiting) {
            try {
                w.accept(stored);
            } catch (RuntimeException e) {
                LOG.warn("show {}: answering failed", showId, e);
            }
        }
    }

    /** Stores the pending events in one transaction; false (and logged) when that failed. */
    private boolean commit() {
        if (pendingEvents.isEmpty()) {
            return true;
        }
        List<ShowEvent> batch = new ArrayList<>(pendingEvents);
        pendingEvents.clear();
        try {
            store.append(runId, batch);
        } catch (SQLException | RuntimeException e) {
            LOG.error("show {}: storing {} events failed", showId, batch.size(), e);
            return false;
        }
        List<ShowEvent> stored = List.copyOf(batch);
        for (Subscription feed : feeds) {
            feed.deliver(stored, false);
        }
        return true;
    }

    private void tick() {
        try {
            Instant now = clock.instant();
            live.tick(now);
            flush();
            broadcast(now);
        } catch (RuntimeException e) {
            LOG.error("show {}: tick failed", showId, e);
        }
    }

    /** Runs one tick on the loop now; completes after it. For tests that tick by hand. Any thread. */
    CompletableFuture<Void> tickNow() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!execute(() -> {
            tick();
            done.complete(null);
        })) {
            done.completeExceptionally(new IllegalStateException("show loop " + showId + " is shut down"));
        }
        return done;
    }

    private void broadcast(Instant now) {
        if (clients.isEmpty()) {
            queueDirty = pollDirty = setDirty = dropsDirty = false;
            return;
        }
        ShowState snapshot = null;
        if (setDirty || queueDirty || pollDirty || dropsDirty || !now.isBefore(lastRoomAt.plus(settings.roomInterval()))) {
            snapshot = live.publicSnapshot();
        }
        if (setDirty) {
            setDirty = false;
            sendToAll(ServerMessage.NowPlaying.of(snapshot));
        }
        if (queueDirty) {
            queueDirty = false;
            sendToAll(ServerMessage.Queue.of(snapshot));
        }
        if (pollDirty) {
            pollDirty = false;
            sendToAll(ServerMessage.PollUpdate.of(snapshot));
        }
        if (dropsDirty) {
            dropsDirty = false;
            sendToAll(ServerMessage.Drops.of(snapshot));
        }
        if (snapshot != null && !now.isBefore(lastRoomAt.plus(settings.roomInterval()))) {
            ServerMessage.Room room = ServerMessage.Room.of(snapshot.room());
            if (!room.equals(lastRoom)) {
                lastRoom = room;
                lastRoomAt = now;
                sendToAll(new ServerMessage.RoomUpdate("room", ServerMessage.VERSION, snapshot.asOf().toString(), room));
            }
        }
    }

    /** One serialization, one buffer; each writable client gets a frame over a retained duplicate of it. */
    private void sendToAll(ServerMessage message) {
        ByteBuf shared = Unpooled.wrappedBuffer(Wire.write(message));
        try {
            for (ShowSocket client : clients) {
                if (client.stale || !client.writable()) {
                    client.stale = true;
                    continue;
                }
                client.sendShared(shared.retainedDuplicate());
            }
        } finally {
            shared.release();
        }
    }

    /** The joined clients, a copy (for tests). Loop thread. */
    List<ShowSocket> clients() {
        return new ArrayList<>(clients);
    }

    /** Reads the show on its own thread (for tests and status pages). Any thread. */
    <T> CompletableFuture<T> query(Function<LiveShow, T> read) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (!execute(() -> result.complete(read.apply(live)))) {
            result.completeExceptionally(new IllegalStateException("show loop " + showId + " is shut down"));
        }
        return result;
    }

    /** Commits what is pending, disconnects every client and stops the loop. Called from any thread. */
    void shutdown() {
        try {
            executor.submit(() -> {
                flush();
                for (ShowSocket client : new ArrayList<>(clients)) {
                    client.closeWith(1001, "server shutting down");
                }
            }).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("show {}: shutdown did not finish cleanly", showId, e);
        }
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Refusal used when a loop is gone. */
    static ServerMessage.Error gone(String id) {
        return ServerMessage.Error.of(id, "unavailable", "the show is shutting down (expected: a running show; try again"
                + " shortly)");
    }
}
