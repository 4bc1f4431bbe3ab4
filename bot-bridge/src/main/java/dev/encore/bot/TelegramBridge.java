package dev.encore.bot;

import static java.util.Objects.requireNonNull;

import dev.encore.bot.telegram.TelegramApi;
import dev.encore.bot.telegram.TelegramApis;
import dev.encore.bot.telegram.TelegramException;
import dev.encore.bot.telegram.UrlButton;
import dev.encore.show.AccessMode;
import dev.encore.show.Drop;
import dev.encore.show.ShowConfig;
import dev.encore.show.TelegramSettings;
import dev.encore.show.live.DropCloseReason;
import dev.encore.show.live.ShowEvent;
import dev.encore.signaling.ShowChannel;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The show in its Telegram group (issue 5): turns the show's committed events into posts and edits through the
 * {@link Outbox}, sends them within Telegram's limits ({@link OutboxSender}), and takes {@code /request} and {@code /now}
 * from the group ({@link UpdatePoller}).
 *
 * <table>
 *   <caption>What each event becomes (one outbox row per key and run: a replayed history adds nothing)</caption>
 *   <tr><th>event</th><th>key</th><th>in the group</th></tr>
 *   <tr><td>first {@code OnAir(true)} or {@code SetStarted}</td><td>{@code announce}</td>
 *       <td>"🎶 {title} is live — tap to listen", button "Tap to listen" → {@code {base}/l/{show}} (with {@code ?t=} for
 *       token shows)</td></tr>
 *   <tr><td>{@code DropOpened}</td><td>{@code drop:{id}}</td><td>the drop's text ("— N left"), button "Buy" →
 *       {@code {base}/go/{show}/{id}?src=telegram}</td></tr>
 *   <tr><td>{@code DropSold}</td><td>{@code drop:{id}:count}</td><td>edit: "— N left" (at most one per
 *       {@link #COUNT_EDIT_INTERVAL}, converging on the latest count)</td></tr>
 *   <tr><td>{@code DropClosed} (or a count of 0)</td><td>{@code drop:{id}:closed}</td><td>edit: "— offer closed" / "— sold
 *       out", no button</td></tr>
 *   <tr><td>{@code SetEnded}</td><td>{@code thanks}</td><td>the thank-you</td></tr>
 * </table>
 *
 * <p>After the set (issue 7) the server adds, through the same outbox and so once per run: the highlights clip to the group
 * ({@link #postClip}, key {@value #CLIP_KEY}), the report's summary to the staff chat ({@link #postReport}, key
 * {@value #REPORT_KEY}) and alerts to the staff chat ({@link #alertStaff}, keys {@code alert:...}).
 *
 * <p><b>Threads.</b> {@link #start} subscribes to the show and starts two threads: the bridge thread, which owns event
 * handling and sending (the show's loop only queues events for it), and the poller thread (long polls). Without
 * {@link #start}, tests drive it with {@link #handleEvents}, {@link #runDue} and {@link #pollUpdates} on one thread and a
 * fake clock. A dry-run bridge is the same with a {@link TelegramApi} that only records.
 */
public final class TelegramBridge implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TelegramBridge.class);
    /** The least time between two supply-count edits of one drop's post. */
    public static final Duration COUNT_EDIT_INTERVAL = Duration.ofSeconds(10);
    /** The outbox key of the highlights clip in the group: one per run. */
    public static final String CLIP_KEY = "clip";
    /** The outbox key of the post-show report's summary in the staff chat: one per run. */
    public static final String REPORT_KEY = "report";
    /** The {@code src} of the clip's offer button: its taps are counted apart from the drop posts' ({@code telegram}). */
    static final String CLIP_SOURCE = "clip";
    /** The long poll's wait. */
    static final int POLL_SECONDS = 25;
    /** How long an update waits for the show to take a request before it is tried again later. */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);

    private final ShowConfig show;
    private final TelegramSettings settings;
    private final TelegramApi api;
    private final Outbox outbox;
    private final ShowDesk desk;
    private final String baseUrl;
    private final Supplier<String> groupToken;
    private final Clock clock;
    private final GroupChat group;
    private final OutboxSender sender;
    private final UpdatePoller poller;

    private final ConcurrentLinkedQueue<Batch> inbox = new ConcurrentLinkedQueue<>();
    private final Object wake = new Object();
    private boolean signaled;
    private volatile boolean running;
    private volatile long runId;
    private long eventsSeen;
    private AutoCloseable subscription;
    private Thread bridgeThread;
    private Thread pollerThread;

    private record Batch(long runId, List<ShowEvent> events) {
    }

    private TelegramBridge(ShowConfig show, TelegramApi api, Outbox outbox, ShowDesk desk, URI fallbackBaseUrl,
            Supplier<String> groupToken, Clock clock) throws SQLException {
        this.show = show;
        this.settings = show.telegram();
        this.api = api;
        this.outbox = outbox;
        this.desk = desk;
        URI base = show.publicUrl() != null ? show.publicUrl() : fallbackBaseUrl;
        String url = base.toString();
        this.baseUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.groupToken = groupToken;
        this.clock = clock;
        this.group = new GroupChat(show.id(), settings.chatId(), outbox);
        this.sender = new OutboxSender(show.id(), api, outbox, group, settings.staffChatId(), clock);
        this.poller = new UpdatePoller(show.id(), api, outbox, desk, group, () -> runId, clock, ANSWER_TIMEOUT);
    }

    /**
     * A bridge for one show, with its outbox in {@code <dataDir>/encore.db}. Posts left {@code sending} by a previous
     * process are marked unknown and reported to the staff chat (or the log) now; nothing is sent before {@link #start}.
     *
     * @param show a show with a {@code telegram:} section
     * @param api the Bot API client (or a dry-run recorder); the bridge owns it and closes it
     * @param desk the live show (e.g. {@link ShowDesk#of(ShowChannel)})
     * @param dataDir the server's data directory
     * @param fallbackBaseUrl the links' base when the show file has no {@code publicUrl}
     * @param groupToken mints a join token for the group's announcement; used only for {@code token} shows, may be null
     *        otherwise
     */
    public static TelegramBridge open(ShowConfig show, TelegramApi api, ShowDesk desk, Path dataDir, URI fallbackBaseUrl,
            Supplier<String> groupToken, Clock clock) throws SQLException {
        requireNonNull(show, "show");
        requireNonNull(api, "api");
        requireNonNull(desk, "desk");
        requireNonNull(dataDir, "dataDir");
        requireNonNull(clock, "clock");
        if (show.telegram() == null) {
            throw new IllegalArgumentException("show " + show.id() + ": no telegram section (expected: a show with a bot)");
        }
        if (show.publicUrl() == null) {
            requireNonNull(fallbackBaseUrl, "fallbackBaseUrl");
        }
        Outbox outbox = Outbox.open(dataDir.resolve(ShowChannel.DATABASE_FILE));
        try {
            TelegramBridge bridge = new TelegramBridge(show, api, outbox, desk, fallbackBaseUrl, groupToken, clock);
            for (OutboxEntry row : outbox.recover(show.id(), clock.instant())) {
                bridge.sender.reportInterrupted(row);
            }
            return bridge;
        } catch (SQLException | RuntimeException e) {
            outbox.close();
            throw e;
        }
    }

    /**
     * The server's bridge for one show: the Bot API client for the show's token, or the dry run without one
     * ({@link TelegramApis#forShow}), fed by the show channel. See {@link #open(ShowConfig, TelegramApi, ShowDesk, Path, URI,
     * Supplier, Clock)}; call {@link #start} next.
     */
    public static TelegramBridge open(ShowConfig show, ShowChannel channel, Path dataDir, URI fallbackBaseUrl,
            Supplier<String> groupToken, Clock clock) throws SQLException {
        requireNonNull(show, "show");
        if (show.telegram() == null) {
            throw new IllegalArgumentException("show " + show.id() + ": no telegram section (expected: a show with a bot)");
        }
        TelegramApi api = TelegramApis.forShow(show.telegram(), clock);
        try {
            return open(show, api, ShowDesk.of(channel), dataDir, fallbackBaseUrl, groupToken, clock);
        } catch (SQLException | RuntimeException e) {
            api.close();
            throw e;
        }
    }

    /** Subscribes to the show and starts the bridge and poller threads. */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        bridgeThread = new Thread(this::bridgeLoop, "telegram-" + show.id());
        bridgeThread.setDaemon(true);
        bridgeThread.start();
        pollerThread = new Thread(this::pollLoop, "telegram-poll-" + show.id());
        pollerThread.setDaemon(true);
        pollerThread.start();
        subscription = desk.subscribe(show.id(), (showId, run, events, history) -> {
            inbox.add(new Batch(run, events));
            signal();
        });
        LOG.info("telegram {}: bridge started ({})", show.id(), settings.dryRun() ? "dry run" : "posting to the group");
    }

    /** True when the show has no token: what the bot would post is only recorded. */
    public boolean dryRun() {
        return settings.dryRun();
    }

    /** Every outbox row of the show, in queue order: what was (or would be) posted, and what went wrong. */
    public List<OutboxEntry> entries() throws SQLException {
        return outbox.entries(show.id());
    }

    // ---- after the set (any thread; the outbox serializes) ----

    /**
     * Queues the highlights clip for the group ({@code sendVideo}, key {@value #CLIP_KEY}), once per run: the caption names
     * the show and the song and carries the post-show offer ({@code highlights.offer}) with a button through the drop's
     * redirect ({@code /go/{show}/{drop}?src=clip}, so the taps are counted); without an offer, just the show and the song.
     *
     * @return true when queued now, false when the run's clip was queued before (whatever became of it)
     */
    public boolean postClip(long run, OutboxVideo video, String songTitle) throws SQLException {
        requireNonNull(video, "video");
        String offerId = show.highlights().offer();
        Drop offer = offerId == null ? null : drop(offerId);
        List<UrlButton> buttons = offer == null ? List.of() : List.of(new UrlButton(Posts.BUY_BUTTON, dropUrl(offer,
                CLIP_SOURCE)));
        boolean queued = outbox.enqueueVideo(show.id(), run, CLIP_KEY, group.current(), settings.messageThreadId(),
                Posts.clipCaption(show.title(), songTitle, offer), buttons, video, clock.instant());
        if (queued) {
            LOG.info("telegram {}: queued {} ({})", show.id(), CLIP_KEY, video.file().getFileName());
            signal();
        }
        return queued;
    }

    /**
     * Queues the post-show report's summary for the staff chat (key {@value #REPORT_KEY}), once per run, with the link to
     * the report page. Without {@code telegram.staffChatId} nothing is queued and the summary is logged at INFO.
     *
     * @return true when queued now
     */
    public boolean postReport(long run, String summary) throws SQLException {
        requireNonNull(summary, "summary");
        return toStaff(run, REPORT_KEY, Posts.report(summary, baseUrl + "/p/" + show.id() + "/report"), summary);
    }

    /**
     * Queues an alert for the staff chat, once per run and key (e.g. {@code alert:recording}). Without
     * {@code telegram.staffChatId} it is only logged, at INFO.
     *
     * @return true when queued now
     */
    public boolean alertStaff(long run, String key, String what) throws SQLException {
        requireNonNull(key, "key");
        requireNonNull(what, "what");
        return toStaff(run, key, Posts.alert(show.id(), what), what);
    }

    /** True when run {@code run} has an outbox row {@code key}, in any state: it was queued, and never will be again. */
    public boolean queued(long run, String key) throws SQLException {
        return outbox.get(show.id(), run, requireNonNull(key, "key")) != null;
    }

    private boolean toStaff(long run, String key, String text, String forTheLog) throws SQLException {
        if (settings.staffChatId() == null) {
            LOG.info("telegram {}: no staffChatId, {} not posted: {}", show.id(), key, forTheLog);
            return false;
        }
        long staff = outbox.currentChat(show.id(), settings.staffChatId());
        boolean queued = outbox.enqueueSend(show.id(), run, key, staff, null, null, text, List.of(), clock.instant());
        if (queued) {
            LOG.info("telegram {}: queued {} for the staff chat", show.id(), key);
            signal();
        }
        return queued;
    }

    // ---- events → outbox rows (bridge thread) ----

    /** Turns a batch of committed events of run {@code runId} into outbox rows. */
    void handleEvents(long run, List<ShowEvent> events) throws SQLException {
        if (run != runId) {
            runId = run;
            eventsSeen = 0;
        }
        for (ShowEvent event : events) {
            eventsSeen++;
            handle(run, event, eventsSeen);
        }
    }

    private void handle(long run, ShowEvent event, long position) throws SQLException {
        Instant now = clock.instant();
        String id = show.id();
        if (event instanceof ShowEvent.OnAir onAir && onAir.onAir() || event instanceof ShowEvent.SetStarted) {
            if (outbox.get(id, run, "announce") == null) { // mint a token only for a post that will be made
                post(run, "announce", Posts.announcement(show.title()), List.of(new UrlButton(Posts.LISTEN_BUTTON,
                        listenUrl())), now);
            }
        } else if (event instanceof ShowEvent.DropOpened opened) {
            Drop drop = drop(opened.dropId());
            if (drop != null) {
                post(run, "drop:" + drop.id(), Posts.drop(drop, opened.quantity()), buyButton(drop), now);
            }
        } else if (event instanceof ShowEvent.DropSold sold) {
            Drop drop = drop(sold.dropId());
            if (drop != null && sold.remaining() == 0) {
                close(run, drop, DropCloseReason.SOLD_OUT, now);
            } else if (drop != null && sold.remaining() > 0 && countable(run, drop)) {
                outbox.setEdit(id, run, "drop:" + drop.id() + ":count", "drop:" + drop.id(), Posts.count(drop, sold.remaining()),
                        buyButton(drop), position, COUNT_EDIT_INTERVAL, now);
            }
        } else if (event instanceof ShowEvent.DropClosed closed) {
            Drop drop = drop(closed.dropId());
            if (drop != null) {
                close(run, drop, closed.reason(), now);
            }
        } else if (event instanceof ShowEvent.SetEnded) {
            post(run, "thanks", Posts.thanks(show.title()), List.of(), now);
        }
    }

    /** A count edit makes sense: the drop's post is (or will be) in the group and its offer is not closed. */
    private boolean countable(long run, Drop drop) throws SQLException {
        OutboxEntry post = outbox.get(show.id(), run, "drop:" + drop.id());
        return post != null && post.state() != OutboxState.SKIPPED
                && outbox.get(show.id(), run, "drop:" + drop.id() + ":closed") == null;
    }

    private void post(long run, String key, String text, List<UrlButton> buttons, Instant now) throws SQLException {
        if (outbox.enqueueSend(show.id(), run, key, group.current(), settings.messageThreadId(), null, text, buttons, now)) {
            LOG.info("telegram {}: queued {}", show.id(), key);
        }
    }

    private void close(long run, Drop drop, DropCloseReason reason, Instant now) throws SQLException {
        String key = "drop:" + drop.id();
        OutboxEntry post = outbox.get(show.id(), run, key);
        if (post == null || post.state() == OutboxState.SKIPPED) {
            return; // never opened in this run, or never posted: nothing to close
        }
        if (post.state() == OutboxState.PENDING) {
            // closed before its post could go out (a long rate-limit pause): an offer that is over is not posted at all
            outbox.supersede(show.id(), run, key, "the offer closed before it was posted");
            outbox.supersede(show.id(), run, key + ":count", "the offer closed");
            return;
        }
        outbox.supersede(show.id(), run, key + ":count", "the offer closed");
        outbox.setEdit(show.id(), run, key + ":closed", key, Posts.closed(drop, reason), List.of(), 1, Duration.ZERO, now);
    }

    private Drop drop(String dropId) {
        Drop drop = show.drops().get(dropId);
        if (drop == null) {
            LOG.warn("telegram {}: drop {} is not in the show file; not posted", show.id(), dropId);
        }
        return drop;
    }

    private List<UrlButton> buyButton(Drop drop) {
        return List.of(new UrlButton(Posts.BUY_BUTTON, dropUrl(drop, "telegram")));
    }

    /** The drop's link through this server's redirect, which counts the tap by {@code source}. */
    private String dropUrl(Drop drop, String source) {
        return baseUrl + drop.path(show.id()) + "?src=" + source;
    }

    private String listenUrl() {
        String url = baseUrl + "/l/" + show.id() + "?src=telegram"; // counted as a tap on the listen button
        if (show.access() == AccessMode.TOKEN) {
            String token = groupToken == null ? null : groupToken.get();
            if (token == null) {
                LOG.warn("telegram {}: a token show, but no join token for the group; the link will ask for one", show.id());
            } else {
                url += "&t=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
            }
        }
        return url;
    }

    // ---- driving ----

    /** Sends what is due now; returns when the next row is due, or null when nothing is pending. */
    Instant runDue() throws SQLException {
        return sender.runDue();
    }

    /** One long poll of {@code timeoutSeconds}; returns how many updates were handled. */
    int pollUpdates(int timeoutSeconds) throws TelegramException, SQLException, InterruptedException {
        return poller.pollOnce(timeoutSeconds);
    }

    private void signal() {
        synchronized (wake) {
            signaled = true;
            wake.notifyAll();
        }
    }

    private void bridgeLoop() {
        while (running) {
            try {
                Batch batch;
                while ((batch = inbox.poll()) != null) {
                    handleEvents(batch.runId(), batch.events());
                }
                Instant next = runDue();
                long waitMs = next == null ? 1000
                        : Math.max(1, Math.min(1000, Duration.between(clock.instant(), next).toMillis()));
                synchronized (wake) {
                    if (!signaled && running) {
                        wake.wait(waitMs);
                    }
                    signaled = false;
                }
            } catch (InterruptedException e) {
                return;
            } catch (SQLException | RuntimeException e) {
                LOG.warn("telegram {}: bridge step failed; trying again in a second", show.id(), e);
                if (!pause(1000)) {
                    return;
                }
            }
        }
    }

    private void pollLoop() {
        long backoffMs = 1000;
        while (running) {
            long started = System.nanoTime();
            try {
                if (pollUpdates(POLL_SECONDS) > 0) {
                    signal();
                }
                backoffMs = 1000;
                if (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) < 500 && !pause(1000)) {
                    return; // a poll that answers at once (dry run, a quiet fake): don't spin
                }
            } catch (InterruptedException e) {
                return;
            } catch (TelegramException e) {
                long waitMs = switch (e.kind()) {
                    case RATE_LIMITED -> Math.max(1, e.retryAfterSeconds()) * 1000L;
                    case UNAUTHORIZED -> OutboxSender.UNAUTHORIZED_PAUSE.toMillis();
                    default -> backoffMs;
                };
                if (running) {
                    LOG.info("telegram {}: getUpdates failed ({}), again in {} ms", show.id(), e.kind(), waitMs);
                }
                backoffMs = Math.min(30_000, backoffMs * 2);
                if (!pause(waitMs)) {
                    return;
                }
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    LOG.warn("telegram {}: handling updates failed; trying again", show.id(), e);
                }
                backoffMs = Math.min(30_000, backoffMs * 2);
                if (!pause(backoffMs)) {
                    return;
                }
            }
        }
    }

    /** Sleeps unless closed; false when interrupted or closed. */
    private boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return running;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** Stops the threads (an unfinished send completes first), unsubscribes, closes the client and the outbox. */
    @Override
    public void close() {
        Thread bridge;
        Thread polling;
        synchronized (this) {
            running = false;
            bridge = bridgeThread;
            polling = pollerThread;
        }
        if (subscription != null) {
            try {
                subscription.close();
            } catch (Exception e) {
                LOG.warn("telegram {}: unsubscribing failed", show.id(), e);
            }
        }
        signal();
        join(bridge); // a send in progress completes and is recorded before the client goes
        if (polling != null) {
            polling.interrupt();
        }
        api.close();
        join(polling);
        try {
            outbox.close();
        } catch (SQLException e) {
            LOG.warn("telegram {}: closing the outbox failed", show.id(), e);
        }
    }

    private static void join(Thread thread) {
        if (thread == null) {
            return;
        }
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
