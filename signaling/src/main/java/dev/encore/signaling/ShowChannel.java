package dev.encore.signaling;

import static java.util.Objects.requireNonNull;

import dev.encore.show.AccessMode;
import dev.encore.show.ShowConfig;
import dev.encore.show.access.TokenAuthority;
import dev.encore.show.access.TokenException;
import dev.encore.show.live.DropPlan;
import dev.encore.show.live.ShowEvent;
import dev.encore.show.live.Tier;
import io.netty.channel.ChannelHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The show channel: a WebSocket per client at {@code /ws/{show}} for set list, song requests, polls and reactions, and
 * the same commands as JSON for an HTTP API ({@link #dispatch}). Owns one {@link ShowLoop} per show and the event store
 * ({@code <data-dir>/encore.db}); on start, each show's last run is restored from the store.
 *
 * <p>Mounting in a Netty HTTP server: add {@link #httpHandler()} to each child pipeline after the
 * {@code HttpObjectAggregator} and before the handler that answers other requests. It takes {@code GET /ws/{show}}
 * upgrade requests and passes everything else on. See docs/protocol.md, "The show channel (WebSocket)".
 *
 * <p>Thread-safe: {@link #dispatch} and the handler may be used from any thread.
 */
public final class ShowChannel implements AutoCloseable {
    /** The database file in the data directory. */
    public static final String DATABASE_FILE = "encore.db";
    private static final Logger LOG = LoggerFactory.getLogger(ShowChannel.class);
    /** A listener id issued here: "l-" and 16 random bytes in base64url. */
    private static final Pattern ISSUED_ID = Pattern.compile("l-[A-Za-z0-9_-]{22}");

    private final Map<String, ShowConfig> shows = new LinkedHashMap<>();
    private final Map<String, ShowLoop> loops = new LinkedHashMap<>();
    private final TokenAuthority tokens;
    private final EventStore store;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final WebSocketUpgrade upgrade;

    private ShowChannel(TokenAuthority tokens, EventStore store, Clock clock) {
        this.tokens = tokens;
        this.store = store;
        this.clock = clock;
        this.upgrade = new WebSocketUpgrade(this);
    }

    /**
     * Opens the store in {@code dataDir} (created when missing), restores or opens a run of every show, starts their loops.
     *
     * @param tokens verifies join tokens; null when the server has none (then only open shows admit listeners)
     */
    public static ShowChannel start(List<ShowConfig> shows, TokenAuthority tokens, Path dataDir, Clock clock)
            throws SQLException, IOException {
        return start(shows, tokens, dataDir, clock, ShowLoop.Settings.defaults());
    }

    /**
     * As {@link #start(List, TokenAuthority, Path, Clock)} with another broadcast tick than the default 150 ms: for tests
     * that must tell a command's answer from the room's next broadcast (a tick of an hour sends none).
     */
    public static ShowChannel start(List<ShowConfig> shows, TokenAuthority tokens, Path dataDir, Clock clock,
            Duration broadcastTick) throws SQLException, IOException {
        requireNonNull(broadcastTick, "broadcastTick");
        if (broadcastTick.isNegative() || broadcastTick.isZero()) {
            throw new IllegalArgumentException("broadcast tick: " + broadcastTick + " (expected: > 0)");
        }
        ShowLoop.Settings d = ShowLoop.Settings.defaults();
        return start(shows, tokens, dataDir, clock,
                new ShowLoop.Settings(broadcastTick, d.roomInterval(), d.pingAfter(), d.idleTimeout(), d.limits()));
    }

    static ShowChannel start(List<ShowConfig> shows, TokenAuthority tokens, Path dataDir, Clock clock,
            ShowLoop.Settings settings) throws SQLException, IOException {
        requireNonNull(shows, "shows");
        requireNonNull(dataDir, "dataDir");
        requireNonNull(clock, "clock");
        Files.createDirectories(dataDir);
        EventStore store = EventStore.open(dataDir.resolve(DATABASE_FILE));
        ShowChannel channel = new ShowChannel(tokens, store, clock);
        try {
            for (ShowConfig show : shows) {
                if (channel.shows.putIfAbsent(show.id(), show) != null) {
                    throw new IllegalArgumentException("show id: " + show.id() + " appears twice (expected: unique ids)");
                }
                channel.loops.put(show.id(), ShowLoop.start(show.id(), show.songTitles(), DropPlan.of(show), clock, store,
                        settings));
            }
        } catch (SQLException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return channel;
    }

    /**
     * The handler to mount in the HTTP pipeline (after the aggregator): upgrades {@code GET /ws/{show}} to the show's
     * WebSocket, answers 404/400 for other {@code /ws/} paths, passes every other request on. Sharable.
     */
    public ChannelHandler httpHandler() {
        return upgrade;
    }

    /** True when the show has a channel (for the HTTP layer's 404s). */
    public boolean hasShow(String showId) {
        return loops.containsKey(showId);
    }

    /**
     * Runs one command given as protocol JSON (the same messages as on the WebSocket, {@code hello} excepted) for an
     * authenticated role, and completes with the answer as JSON: an {@code ack} once the command's events are stored, or
     * an {@code error}. For the HTTP API: the caller checks the performer key (or the listener's identity) first.
     */
    public CompletableFuture<String> dispatch(String showId, Role role, String commandJson) {
        requireNonNull(role, "role");
        CompletableFuture<String> answer = new CompletableFuture<>();
        ShowLoop loop = showId == null ? null : loops.get(showId);
        if (loop == null) {
            answer.complete(Wire.writeString(ServerMessage.Error.of(null, "no_such_show", "show '"
                    + Wire.clip(showId, 40) + "' (expected: one of " + String.join(", ", loops.keySet()) + ")")));
            return answer;
        }
        Wire.Parsed parsed;
        try {
            parsed = Wire.parse(requireNonNull(commandJson, "commandJson"));
        } catch (ProtocolException e) {
            answer.complete(Wire.writeString(ServerMessage.Error.of(e.id(), e.code(), e.getMessage())));
            return answer;
        }
        if (parsed.message() instanceof ClientMessage.Hello) {
            answer.complete(Wire.writeString(ServerMessage.Error.of(parsed.id(), "bad_message",
                    "hello outside a WebSocket (expected: a command such as set.next)")));
            return answer;
        }
        boolean queued = loop.execute(() -> loop.command(role, parsed.message(), parsed.id(),
                reply -> answer.complete(Wire.writeString(reply))));
        if (!queued) {
            answer.complete(Wire.writeString(ShowLoop.gone(parsed.id())));
        }
        return answer;
    }

    // ---- for the rest of the server (bot bridge, media, HTTP) ----
    // Futures complete on the show's thread: a dependent stage must not block (use the *Async variants to do real work).

    /**
     * Subscribes to a show's committed events: first the current run's history, then live batches (see {@link ShowFeed}).
     * Closing the returned handle unsubscribes. Unknown show: {@link IllegalArgumentException}.
     */
    public AutoCloseable subscribe(String showId, ShowFeed feed) {
        return require(showId).subscribe(requireNonNull(feed, "feed"));
    }

    /**
     * A song request from outside the WebSocket (e.g. {@code /request} in the Telegram group) by {@code listenerId} (e.g.
     * {@code tg:12345}), under the same rules as a listener's; completes once stored, or exceptionally with a
     * {@link dev.encore.show.live.ShowRuleException} (its code as in the protocol) when refused.
     */
    public CompletableFuture<RequestReceipt> submitRequest(String showId, String listenerId, String title) {
        ShowLoop loop = loops.get(showId);
        return loop == null ? noSuchShow(showId) : loop.submitRequest(listenerId, title);
    }

    /** What every listener sees now (now playing, queue, poll, room, drops). */
    public CompletableFuture<dev.encore.show.live.ShowState> publicSnapshot(String showId) {
        ShowLoop loop = loops.get(showId);
        return loop == null ? noSuchShow(showId) : loop.publicSnapshot();
    }

    /**
     * The media server saw the performer's audio start ({@code true}) or stop; records an {@code OnAir} event on change.
     * Unknown show: {@link IllegalArgumentException}.
     */
    public void onAir(String showId, boolean onAir) {
        require(showId).onAir(onAir);
    }

    /**
     * Counts a click on a drop's link ({@code /go/{show}/{drop}}); fire and forget (a click on an unknown drop is not
     * counted). Unknown show: {@link IllegalArgumentException}.
     */
    public void dropClicked(String showId, String dropId, String source) {
        require(showId).dropClicked(dropId, source);
    }

    /**
     * Counts an opening of the listener page ({@code /l/{show}?src=telegram}) for the post-show report; fire and forget.
     * {@code source} is kept when it is 1..32 of {@code a-z 0-9 _ -}, is "direct" when null or empty, else "other".
     * Unknown show: {@link IllegalArgumentException}.
     */
    public void pageOpened(String showId, String source) {
        require(showId).pageOpened(source);
    }

    /**
     * The media server wrote a listener's first audio packet, {@code timeToFirstAudio} after the listener's WHEP offer came
     * in; records an {@code AudioStarted} event (whole milliseconds, rounded down) for the post-show report. Fire and
     * forget, and it does not block: the media server calls it on a media event loop. Unknown show:
     * {@link IllegalArgumentException}.
     */
    public void audioStarted(String showId, Duration timeToFirstAudio) {
        requireNonNull(timeToFirstAudio, "timeToFirstAudio");
        if (timeToFirstAudio.isNegative()) {
            throw new IllegalArgumentException("timeToFirstAudio: " + timeToFirstAudio + " (expected: >= 0)");
        }
        require(showId).audioStarted(timeToFirstAudio.toMillis());
    }

    /**
     * The shop reports {@code quantity} sales of a drop in order {@code orderId} (a repeated order id counts once).
     * Completes, once stored, with the number left (-1 without a counter), or exceptionally with a
     * {@link dev.encore.show.live.ShowRuleException} (e.g. no such drop).
     */
    public CompletableFuture<Integer> dropSold(String showId, String dropId, int quantity, String orderId) {
        ShowLoop loop = loops.get(showId);
        return loop == null ? noSuchShow(showId) : loop.dropSold(dropId, quantity, orderId);
    }

    /**
     * A show run as stored.
     *
     * @param events every event of the run, in order, starting with its {@code ShowOpened}
     */
    public record StoredRun(long runId, Instant startedAt, List<ShowEvent> events) {
        public StoredRun {
            requireNonNull(startedAt, "startedAt");
            events = List.copyOf(events);
        }
    }

    /**
     * The show's latest run whose set ended, read from the database on the calling thread (not through the show's loop):
     * for work after a set that must survive a restart, since a set that ended makes the next start open a new run, whose
     * feed no longer has it. Empty when no set of the show ended. Unknown show: {@link IllegalArgumentException}.
     */
    public Optional<StoredRun> lastEndedRun(String showId) throws SQLException {
        require(showId);
        return store.latestEndedRun(showId).map(r -> new StoredRun(r.runId(), r.startedAt(), r.events()));
    }

    private ShowLoop require(String showId) {
        ShowLoop loop = showId == null ? null : loops.get(showId);
        if (loop == null) {
            throw new IllegalArgumentException(unknownShow(showId));
        }
        return loop;
    }

    private <T> CompletableFuture<T> noSuchShow(String showId) {
        return CompletableFuture.failedFuture(new IllegalArgumentException(unknownShow(showId)));
    }

    private String unknownShow(String showId) {
        return "show '" + Wire.clip(showId, 40) + "' (expected: one of " + String.join(", ", loops.keySet()) + ")";
    }

    ShowLoop loop(String showId) {
        return loops.get(showId);
    }

    /** Who a hello makes a connection. */
    record Identity(Role role, Tier tier) {
    }

    /**
     * Authenticates a hello: the performer key (constant-time), else a join token from the hello or the {@code ?t=} query
     * (required for {@code token} shows), else an open show's anonymous listener. The listener id is the token's subject,
     * else the id the client presents (one issued here before), else a new one.
     */
    Identity authenticate(String showId, ClientMessage.Hello hello, String queryToken) throws ProtocolException {
        ShowConfig show = shows.get(showId);
        if (hello.performerKey() != null) {
            if (show.performerKey() != null && show.performerKey().matches(hello.performerKey())) {
                return new Identity(Role.ofPerformer(), null);
            }
            throw new ProtocolException(null, "unauthorized", "the performer key does not match (expected: the show's"
                    + " performer key)");
        }
        String token = hello.token() != null ? hello.token() : queryToken;
        TokenAuthority.Verified verified = null;
        if (token != null && tokens != null) {
            try {
                verified = tokens.verify(token, showId, clock);
            } catch (TokenException e) {
                throw new ProtocolException(null, "unauthorized", e.getMessage());
            }
        } else if (show.access() == AccessMode.TOKEN) {
            throw new ProtocolException(null, "unauthorized", tokens == null
                    ? "this server verifies no join tokens (expected: a server started with a secret)"
                    : "no join token (expected: ?t=<token> in the URL or \"token\" in hello)");
        }
        Tier tier = verified != null && verified.tier() == dev.encore.show.access.Tier.VIP ? Tier.VIP : Tier.GENERAL;
        String listenerId;
        if (verified != null && verified.subject() != null) {
            listenerId = verified.subject();
        } else if (hello.listenerId() != null && ISSUED_ID.matcher(hello.listenerId()).matches()) {
            listenerId = hello.listenerId();
        } else {
            listenerId = newListenerId();
        }
        return new Identity(Role.ofListener(listenerId), tier);
    }

    private String newListenerId() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return "l-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Stops every show loop (committing what is pending, closing its sockets) and closes the store. */
    @Override
    public void close() {
        for (ShowLoop loop : loops.values()) {
            loop.shutdown();
        }
        try {
            store.close();
        } catch (SQLException e) {
            LOG.warn("closing the event store failed", e);
        }
    }
}
