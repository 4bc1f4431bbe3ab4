package dev.encore.app;

import static java.util.Objects.requireNonNull;

import dev.encore.bot.OutboxVideo;
import dev.encore.bot.TelegramBridge;
import dev.encore.recording.RecordedSet;
import dev.encore.recording.RecordingStatus;
import dev.encore.recording.clip.ClipException;
import dev.encore.recording.clip.ClipRenderer;
import dev.encore.recording.clip.ClipRequest;
import dev.encore.recording.clip.ClipResult;
import dev.encore.recording.clip.HighlightChoice;
import dev.encore.recording.report.ShowReport;
import dev.encore.show.HighlightsSettings;
import dev.encore.show.ShowConfig;
import dev.encore.show.live.ShowEvent;
import dev.encore.signaling.ShowChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bot's work after a set (issue 7), for every show with a {@code telegram:} section, through its bridge's outbox (so
 * each post is made once per run, whatever restarts):
 * <ul>
 *   <li>when the set ends: the post-show report's {@linkplain ShowReport#summary summary} to the staff chat (outbox key
 *   {@value TelegramBridge#REPORT_KEY});</li>
 *   <li>once the set's recording is closed: the highlights clip of the {@linkplain HighlightChoice chosen song}, trimmed
 *   to {@code highlights.maxSeconds}, rendered to {@code <data-dir>/clips/<show>-run<N>.mp4} and posted to the group with
 *   the post-show offer (key {@value TelegramBridge#CLIP_KEY});</li>
 *   <li>when a recording fails (disk full, unwritable directory): an alert to the staff chat (key
 *   {@value #RECORDING_ALERT_KEY}); the show goes on, and the clip is made from what was recorded, if anything. A clip
 *   that cannot be made is an alert too ({@value #CLIP_ALERT_KEY}).</li>
 * </ul>
 *
 * <p><b>Restarts.</b> A set that ended makes the next start open a new run, so {@link #start} looks at each show's latest
 * ended run in the store ({@link ShowChannel#lastEndedRun}): if it ended within {@link #CATCH_UP_WINDOW} and its report or
 * clip is not in the outbox (the process stopped between {@code SetEnded} and the posts), they are made now, the clip
 * from the run's latest recording on disk. A post already queued, sent, or left unknown by a crash is never made again.
 *
 * <p><b>Threads.</b> Feed calls (the shows' loop threads) and recording calls ({@link ShowRecordings}' threads) only queue
 * work. One worker thread ({@code encore-after-set}) owns the runs' events and what is pending; it waits for
 * {@link #start} before it does anything, so what happens before the bridges exist is not lost. Clips are rendered on a
 * second thread ({@code encore-clip}), never on a show loop or the media path. {@link #close} from any thread.
 */
final class AfterSet implements ShowRecordings.Listener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AfterSet.class);
    /** How old an ended set may be for its missing posts to be made after a restart: the evening after the show. */
    static final Duration CATCH_UP_WINDOW = Duration.ofHours(24);
    /** The outbox key of the staff alert for a failed recording: once per run. */
    static final String RECORDING_ALERT_KEY = "alert:recording";
    /** The outbox key of the staff alert for a clip that could not be made: once per run. */
    static final String CLIP_ALERT_KEY = "alert:clip";
    private static final long CLOSE_WAIT_SECONDS = 30;

    /** The events of one show's current run so far; the worker's. */
    private static final class Run {
        final long id;
        final List<ShowEvent> events = new ArrayList<>();

        Run(long id) {
            this.id = id;
        }
    }

    /** What a clip of a run waits for: the set's end (its events) and the recording's end. The worker's. */
    private static final class PendingClip {
        List<ShowEvent> events;
        RecordingStatus recording;
    }

    private final Path dataDir;
    private final Map<String, ShowConfig> shows = new LinkedHashMap<>();
    private final ShowChannel channel;
    private final Clock clock;
    private final ClipRenderer renderer = new ClipRenderer();
    private final CountDownLatch started = new CountDownLatch(1);
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> daemon(r, "encore-after-set"));
    private final ExecutorService clips = Executors.newSingleThreadExecutor(r -> daemon(r, "encore-clip"));
    private final Subscriptions subscriptions = new Subscriptions();
    private volatile Function<String, Optional<TelegramBridge>> bridges = show -> Optional.empty();
    private volatile boolean closed;
    // The worker's.
    private final Map<String, Run> runs = new HashMap<>();
    private final Map<String, PendingClip> pending = new HashMap<>();

    /**
     * Starts the worker, which waits for {@link #start}; recording failures and set ends reported until then are kept.
     *
     * @param dataDir clips go to its {@code clips} folder; recordings are read from its {@code recordings} folder
     */
    AfterSet(Path dataDir, List<ShowConfig> shows, ShowChannel channel, Clock clock) {
        this.dataDir = requireNonNull(dataDir, "dataDir");
        this.channel = requireNonNull(channel, "channel");
        this.clock = requireNonNull(clock, "clock");
        for (ShowConfig show : requireNonNull(shows, "shows")) {
            this.shows.put(show.id(), show);
        }
        worker.execute(() -> {
            try {
                started.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * With the shows' bridges: subscribes to the shows that have a bot, makes what an earlier process left unmade for their
     * latest ended set, and lets the worker go.
     */
    void start(Function<String, Optional<TelegramBridge>> bridgesByShow) {
        this.bridges = requireNonNull(bridgesByShow, "bridgesByShow");
        for (ShowConfig show : shows.values()) {
            if (show.telegram() == null) {
                LOG.info("show {}: no telegram section, so no clip or report is posted after the set", show.id());
                continue;
            }
            submit(() -> catchUp(show));
            subscriptions.add(channel.subscribe(show.id(), this::onEvents));
        }
        started.countDown();
    }

    // ---- what arrives (any thread: queue only) ----

    /** A {@link dev.encore.signaling.ShowFeed}: on the show's loop thread. */
    void onEvents(String showId, long runId, List<ShowEvent> events, boolean history) {
        List<ShowEvent> batch = List.copyOf(events);
        submit(() -> events(showId, runId, batch, history));
    }

    @Override
    public void recordingEnded(String showId, long runId, RecordingStatus status) {
        submit(() -> recorded(showId, runId, status));
    }

    @Override
    public void recordingFailed(String showId, long runId, RecordingStatus status) {
        String kept = status.file() != null && Files.exists(status.file())
                ? " What was recorded until then stays in " + status.file() + "." : "";
        submit(() -> post(showId, runId, RECORDING_ALERT_KEY, bridge -> bridge.alertStaff(runId, RECORDING_ALERT_KEY,
                "the recording of the set stopped: " + status.lastError() + ". The show goes on." + kept)));
    }

    private void submit(Runnable task) {
        if (closed) {
            return;
        }
        try {
            worker.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warn("after the set: {}", e.toString(), e);
                }
            });
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    // ---- the worker's ----

    private void events(String showId, long runId, List<ShowEvent> events, boolean history) {
        Run run = runs.get(showId);
        if (run == null || run.id != runId) {
            run = new Run(runId);
            runs.put(showId, run);
        }
        run.events.addAll(events);
        if (events.stream().anyMatch(e -> e instanceof ShowEvent.SetEnded)) {
            if (history) {
                LOG.info("show {} run {}: the set had ended before this process subscribed", showId, runId);
            }
            setEnded(showId, runId, List.copyOf(run.events));
        }
    }

    private void setEnded(String showId, long runId, List<ShowEvent> events) {
        ShowConfig show = shows.get(showId);
        postReport(show, runId, events);
        if (!show.recording()) {
            LOG.info("show {} run {}: recording is off, so no highlights clip", showId, runId);
            return;
        }
        PendingClip clip = pending.computeIfAbsent(showId + "#" + runId, k -> new PendingClip());
        clip.events = events;
        clipWhenReady(show, runId, clip);
    }

    private void recorded(String showId, long runId, RecordingStatus status) {
        ShowConfig show = shows.get(showId);
        if (show == null || show.telegram() == null) {
            return;
        }
        PendingClip clip = pending.computeIfAbsent(showId + "#" + runId, k -> new PendingClip());
        clip.recording = status;
        clipWhenReady(show, runId, clip);
    }

    private void clipWhenReady(ShowConfig show, long runId, PendingClip clip) {
        if (clip.events == null || clip.recording == null) {
            return;
        }
        pending.remove(show.id() + "#" + runId);
        Path file = clip.recording.file();
        if (file == null || !Files.exists(file)) {
            LOG.info("show {} run {}: the set has no recording ({}), so no highlights clip", show.id(), runId,
                    clip.recording.lastError());
            return;
        }
        RecordedSet set;
        try {
            set = RecordedSet.read(file); // a failed recording is valid up to its last page: the clip may still come from it
        } catch (IOException e) {
            LOG.warn("show {} run {}: the recording cannot be read back, so no clip: {}", show.id(), runId, e.getMessage());
            return;
        }
        renderAndPost(show, runId, clip.events, set);
    }

    /** After a restart: the latest ended run's report and clip, when they were never queued. */
    private void catchUp(ShowConfig show) {
        Optional<TelegramBridge> bridge = bridges.apply(show.id());
        if (bridge.isEmpty()) {
            return;
        }
        Optional<ShowChannel.StoredRun> last;
        try {
            last = channel.lastEndedRun(show.id());
        } catch (SQLException e) {
            LOG.warn("show {}: the last ended run cannot be read ({}); nothing to catch up", show.id(), e.getMessage());
            return;
        }
        if (last.isEmpty()) {
            return;
        }
        long runId = last.get().runId();
        List<ShowEvent> events = last.get().events();
        Instant ended = events.stream().filter(e -> e instanceof ShowEvent.SetEnded).map(ShowEvent::at).reduce((a, b) -> b)
                .orElseThrow();
        if (Duration.between(ended, clock.instant()).compareTo(CATCH_UP_WINDOW) > 0) {
            LOG.debug("show {} run {}: its set ended at {}, too long ago to catch up", show.id(), runId, ended);
            return;
        }
        try {
            if (!bridge.get().queued(runId, TelegramBridge.REPORT_KEY)) {
                LOG.info("show {} run {}: the set ended at {} and its report was not posted; posting it now", show.id(),
                        runId, ended);
                postReport(show, runId, events);
            }
            if (!show.recording() || bridge.get().queued(runId, TelegramBridge.CLIP_KEY)) {
                return;
            }
            Optional<RecordedSet> set = RecordedSet.latest(dataDir, show.id(), runId);
            if (set.isEmpty()) {
                LOG.info("show {} run {}: no recording of the set, so no clip", show.id(), runId);
                return;
            }
            LOG.info("show {} run {}: the set ended at {} and its clip was not posted; making it now from {}", show.id(),
                    runId, ended, set.get().file().getFileName());
            renderAndPost(show, runId, events, set.get());
        } catch (SQLException | IOException e) {
            LOG.warn("show {} run {}: catching up after the set failed: {}", show.id(), runId, e.getMessage());
        }
    }

    private void postReport(ShowConfig show, long runId, List<ShowEvent> events) {
        String summary;
        try {
            summary = ShowReport.of(events, clock.instant()).summary(show.title());
        } catch (IllegalArgumentException e) {
            LOG.warn("show {} run {}: no report: {}", show.id(), runId, e.getMessage());
            return;
        }
        post(show.id(), runId, TelegramBridge.REPORT_KEY, bridge -> bridge.postReport(runId, summary));
    }

    /** Picks the song and hands the render to the clip thread, unless the run's clip was queued already. */
    private void renderAndPost(ShowConfig show, long runId, List<ShowEvent> events, RecordedSet set) {
        Optional<HighlightChoice.Choice> choice = HighlightChoice.choose(events, set.chapters(), set.duration());
        if (choice.isEmpty()) {
            LOG.info("show {} run {}: no song with audio in {}, so no clip", show.id(), runId, set.file().getFileName());
            return;
        }
        HighlightChoice.Choice song = choice.get();
        LOG.info("show {} run {}: the clip is “{}” ({}), {}–{} s of {}", show.id(), runId, song.title(), song.score(),
                Math.round(song.fromSeconds()), Math.round(song.toSeconds()), set.file().getFileName());
        try {
            clips.execute(() -> render(show, runId, set, song));
        } catch (RejectedExecutionException e) {
            LOG.info("show {} run {}: closing, the clip is left for the next start", show.id(), runId);
        }
    }

    // ---- the clip thread's ----

    private void render(ShowConfig show, long runId, RecordedSet set, HighlightChoice.Choice song) {
        Optional<TelegramBridge> bridge = bridges.apply(show.id());
        try {
            if (bridge.isEmpty() || bridge.get().queued(runId, TelegramBridge.CLIP_KEY)) {
                return;
            }
            HighlightsSettings highlights = show.highlights();
            ClipRequest request = ClipRequest.builder(set.file())
                    .span(song.fromSeconds(), song.toSeconds())
                    .maxSeconds(highlights.maxSeconds())
                    .coverImage(highlights.cover())
                    .showTitle(show.title())
                    .songTitle(song.title())
                    .performer(set.artist() == null ? "" : set.artist())
                    .build();
            Path out = Files.createDirectories(dataDir.resolve("clips")).resolve(show.id() + "-run" + runId + ".mp4");
            long startedNanos = System.nanoTime();
            ClipResult result = renderer.render(request, out);
            LOG.info("show {} run {}: clip {} rendered in {} ms ({} s, {} bytes)", show.id(), runId, out,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos), result.durationSeconds(), result.bytes());
            bridge.get().postClip(runId, new OutboxVideo(out, (int) Math.max(1, Math.round(result.durationSeconds())),
                    request.width(), request.height()), song.title());
        } catch (ClipException | IOException e) {
            LOG.warn("show {} run {}: the highlights clip could not be made: {}", show.id(), runId, e.getMessage());
            post(show.id(), runId, CLIP_ALERT_KEY, b -> b.alertStaff(runId, CLIP_ALERT_KEY,
                    "the highlights clip could not be made: " + e.getMessage()));
        } catch (SQLException | RuntimeException e) {
            LOG.warn("show {} run {}: the highlights clip failed", show.id(), runId, e);
        }
    }

    // ---- plumbing ----

    /** A post through the show's bridge; a show without one only logs. */
    private interface Post {
        boolean to(TelegramBridge bridge) throws SQLException;
    }

    private void post(String showId, long runId, String key, Post post) {
        Optional<TelegramBridge> bridge = bridges.apply(showId);
        if (bridge.isEmpty()) {
            LOG.info("show {} run {}: no Telegram bridge, {} not posted", showId, runId, key);
            return;
        }
        try {
            post.to(bridge.get());
        } catch (SQLException | RuntimeException e) {
            LOG.warn("show {} run {}: {} could not be queued", showId, runId, key, e);
        }
    }

    /**
     * For tests: waits until the work queued so far is done, a clip it led to included (its post is then in the outbox).
     *
     * @return false when that took longer than {@code timeout}
     */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            worker.submit(() -> { }).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            clips.submit(() -> { }).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            return false;
        }
    }

    /** Unsubscribes, then waits (up to 30 s) for the work in hand, a clip being rendered included; later work is dropped. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        subscriptions.closeAll();
        closed = true;
        started.countDown();
        worker.shutdown();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CLOSE_WAIT_SECONDS);
            worker.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
            clips.shutdown();
            if (!clips.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                LOG.warn("after the set: a clip was still being made after {} s; the next start makes it", CLOSE_WAIT_SECONDS);
                clips.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
