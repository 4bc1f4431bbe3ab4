package dev.encore.app;

import static java.util.Objects.requireNonNull;

import dev.encore.media.Router;
import dev.encore.recording.RecordingStatus;
import dev.encore.recording.SetRecorder;
import dev.encore.show.ShowConfig;
import dev.encore.show.live.ShowEvent;
import dev.encore.signaling.ShowChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every set of the shows with {@code recording: true} (issue 7): subscribes to each show's stored events and, on
 * {@code SetStarted}, starts a {@link SetRecorder} in the data directory and taps the show's router into it; each
 * {@code SongStarted} becomes a chapter; {@code SetEnded} takes the tap off and closes the file.
 *
 * <p>History ({@link dev.encore.signaling.ShowFeed}'s replay on subscribe): a run whose set already ended is ignored; a run
 * restored in the middle of its set (the server restarted) gets a NEW recording, starting now, with the song playing as
 * its first chapter. Its file name carries the time it started (and the recorder adds {@code -2}, {@code -3}... should a
 * name be taken), so the files of one run never collide.
 *
 * <p>Threads: the feed calls arrive on the shows' loop threads and only queue work; starting, chaptering and closing
 * recorders (file I/O) run on this class's one worker thread, in event order. {@link #status} and {@link #close} from any
 * thread. A recorder's write failure (disk full) is logged at WARN and kept in its status: the show goes on.
 *
 * <p>A {@link Listener} hears of each set's end (after its recording was closed) and of each failure, for the work after
 * the set ({@link AfterSet}).
 */
final class ShowRecordings implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShowRecordings.class);
    private static final long CLOSE_WAIT_SECONDS = 30;

    /** What happens to a set's recording, for the work after the set. Implementations return quickly. */
    interface Listener {
        /**
         * The set of run {@code runId} ended and its recording is closed: {@code status} is {@code CLOSED} with the file,
         * or {@code FAILED} when it had stopped before. On this class's worker thread.
         */
        void recordingEnded(String showId, long runId, RecordingStatus status);

        /** The recording of run {@code runId} stopped on a write failure; the show goes on. On the recorder's thread. */
        void recordingFailed(String showId, long runId, RecordingStatus status);

        Listener NONE = new Listener() {
            @Override
            public void recordingEnded(String showId, long runId, RecordingStatus status) {
            }

            @Override
            public void recordingFailed(String showId, long runId, RecordingStatus status) {
            }
        };
    }

    private final Path dataDir;
    private final Listener listener;
    private final Function<String, Optional<Router>> routers;
    private final SetRecorder.Options options;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "show-recordings");
        t.setDaemon(true);
        return t;
    });
    /** The recording of each show's current or last set; written by the worker, read by any thread. */
    private final Map<String, SetRecorder> recorders = new ConcurrentHashMap<>();
    /** The run each show's recorder records; the worker's. */
    private final Map<String, Long> recordedRuns = new ConcurrentHashMap<>();
    /** The titles recordings are made with; read by the worker. */
    private final Map<String, ShowConfig> shows = new ConcurrentHashMap<>();
    private final Subscriptions subscriptions = new Subscriptions();
    private volatile boolean closed;

    /**
     * @param dataDir the recordings go to its {@code recordings} folder
     * @param routers the show's router, whose recorder tap is set while a set is recorded
     * @param options the recorders' options (its failure listener is wrapped to log)
     */
    ShowRecordings(Path dataDir, Function<String, Optional<Router>> routers, SetRecorder.Options options) {
        this(dataDir, routers, options, Listener.NONE);
    }

    /** @param listener told of each set's end and of each recording failure */
    ShowRecordings(Path dataDir, Function<String, Optional<Router>> routers, SetRecorder.Options options, Listener listener) {
        this.dataDir = requireNonNull(dataDir, "dataDir");
        this.routers = requireNonNull(routers, "routers");
        this.listener = requireNonNull(listener, "listener");
        requireNonNull(options, "options");
        this.options = options.withOnFailure(status -> {
            LOG.warn("recording {} failed, the show goes on without it: {}", status.file(), status.lastError());
            options.onFailure().accept(status);
        });
    }

    /** Subscribes to every show in {@code showList} whose show file has recording on; returns this. */
    ShowRecordings subscribe(ShowChannel channel, List<ShowConfig> showList) {
        requireNonNull(channel, "channel");
        for (ShowConfig show : showList) {
            if (!show.recording()) {
                LOG.info("show {}: recording is off (recording: false)", show.id());
                continue;
            }
            shows.put(show.id(), show);
            subscriptions.add(channel.subscribe(show.id(), this::onEvents));
        }
        return this;
    }

    /** The recording of the show's current set, or of its last one since the server started; empty when none. */
    Optional<RecordingStatus> status(String showId) {
        SetRecorder recorder = recorders.get(showId);
        return recorder == null ? Optional.empty() : Optional.of(recorder.status());
    }

    /** A {@link dev.encore.signaling.ShowFeed}: on the show's loop thread, so it only decides and queues. */
    void onEvents(String showId, long runId, List<ShowEvent> events, boolean history) {
        if (history) {
            replay(showId, runId, events);
            return;
        }
        for (ShowEvent event : events) {
            if (event instanceof ShowEvent.SetStarted) {
                submit(() -> startRecording(showId, runId, null));
            } else if (event instanceof ShowEvent.SongStarted song) {
                submit(() -> chapter(showId, song));
            } else if (event instanceof ShowEvent.SetEnded) {
                submit(() -> endSet(showId, runId));
            }
        }
    }

    /** A run's stored history: only a set still going needs a (new) recording, starting with the song playing. */
    private void replay(String showId, long runId, List<ShowEvent> events) {
        boolean playing = false;
        ShowEvent.SongStarted song = null;
        for (ShowEvent event : events) {
            if (event instanceof ShowEvent.SetStarted) {
                playing = true;
                song = null;
            } else if (event instanceof ShowEvent.SongStarted s) {
                song = s;
            } else if (event instanceof ShowEvent.SetEnded) {
                playing = false;
            }
        }
        if (playing) {
            ShowEvent.SongStarted current = song;
            LOG.info("show {} run {}: the set is under way after a restart, recording it to a new file", showId, runId);
            submit(() -> startRecording(showId, runId, current));
        }
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
                    LOG.warn("recording: {}", e.toString(), e);
                }
            });
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    // ---- the worker's ----

    private void startRecording(String showId, long runId, ShowEvent.SongStarted current) {
        if (closed) {
            return;
        }
        stopRecording(showId); // a SetStarted without the SetEnded of the last set: close that file first
        Optional<Router> router = routers.apply(showId);
        if (router.isEmpty()) {
            LOG.warn("show {}: no router, the set is not recorded", showId);
            return;
        }
        ShowConfig show = shows.get(showId);
        SetRecorder recorder = SetRecorder.start(dataDir, showId, runId,
                new SetRecorder.SetInfo(show == null ? null : show.title(), null), options.withOnFailure(status -> {
                    options.onFailure().accept(status);
                    try {
                        listener.recordingFailed(showId, runId, status);
                    } catch (RuntimeException e) {
                        LOG.warn("show {}: the recording failure listener failed", showId, e);
                    }
                }));
        recorders.put(showId, recorder);
        recordedRuns.put(showId, runId);
        if (recorder.status().state() != RecordingStatus.State.RECORDING) {
            return; // the failure listener has logged why
        }
        if (current != null) {
            recorder.chapter(current.index(), current.title(), current.at());
        }
        router.get().setRecorderTap(recorder::onOpus);
    }

    private void chapter(String showId, ShowEvent.SongStarted song) {
        SetRecorder recorder = recorders.get(showId);
        if (recorder != null) {
            recorder.chapter(song.index(), song.title(), song.at());
        }
    }

    /** The set ended: its recording is closed, then the listener hears of it (only of the run that was recorded). */
    private void endSet(String showId, long runId) {
        stopRecording(showId);
        SetRecorder recorder = recorders.get(showId);
        Long recorded = recordedRuns.get(showId);
        if (recorder != null && recorded != null && recorded == runId) {
            try {
                listener.recordingEnded(showId, runId, recorder.status());
            } catch (RuntimeException e) {
                LOG.warn("show {}: the recording listener failed", showId, e);
            }
        }
    }

    private void stopRecording(String showId) {
        SetRecorder recorder = recorders.get(showId);
        if (recorder == null) {
            return;
        }
        routers.apply(showId).ifPresent(r -> r.setRecorderTap(null));
        boolean wasRecording = recorder.status().state() == RecordingStatus.State.RECORDING;
        recorder.close(); // idempotent
        if (wasRecording) {
            RecordingStatus status = recorder.status();
            LOG.info("show {}: recording closed ({}), {} s, {} bytes in {}", showId, status.state(),
                    status.duration().toSeconds(), status.bytesWritten(), status.file());
        }
    }

    /** Unsubscribes, takes the taps off and closes every open recording (so each ends with its EOS page and chapters). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        subscriptions.closeAll();
        closed = true;
        worker.execute(() -> recorders.keySet().forEach(this::stopRecording));
        worker.shutdown();
        try {
            if (!worker.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("recordings did not close within {} s", CLOSE_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
