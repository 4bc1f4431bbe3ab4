package dev.encore.recording;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records one show run: the performer's Opus packets, as the media server's tap hands them over, into
 * {@code <dataDir>/recordings/<show>-run<N>-<yyyyMMdd-HHmmss>.opus} (Ogg Opus, no re-encoding, {@link OggOpusWriter}),
 * with every song start as a chapter.
 *
 * <p>Audio is never stalled by recording: {@link #onOpus} copies the payload into a bounded queue and returns; when the
 * queue is full the packet is dropped and counted. Everything else (ordering, holes, pages, fsync, chapters) happens on
 * the recorder's own thread. A write failure (disk full, unwritable directory) never reaches the caller: the recorder
 * cuts the file back to its last whole page (a valid stream), stops, says why in {@link #status()} and tells the
 * failure listener once.
 *
 * <p>Chapters ({@link #chapter}): the comment header is written before any song is known, so chapters live first in
 * sidecar files next to the recording ({@code <name>.chapters.json}, {@code <name>.cue}), rewritten atomically at each
 * song start; at {@link #close()} they are also written into the comment header ({@code CHAPTER001=00:00:00.000},
 * {@code CHAPTER001NAME=...}, the Vorbis comment chapter extension that ffmpeg reads), in place, into padding reserved
 * for them. After a crash the sidecars have every chapter; the comment header has none.
 *
 * <p>Time: file time 0 is the performer's first packet; a chapter's offset is where its wall-clock instant falls on the
 * recording's timeline (see {@link OpusTimeline}), before the first packet it is 0.
 *
 * <p>Threads: {@link #onOpus}, {@link #chapter}, {@link #status} and {@link #close} from any thread. The writer, the
 * timeline and the chapter list belong to the recorder's thread.
 */
public final class SetRecorder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SetRecorder.class);
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    /** Packets longer than this are not Opus from a 1500-byte path. */
    static final int MAX_PAYLOAD = 4096;
    static final int REORDER_DEPTH = 3;
    private static final long IDLE_POLL_MILLIS = 100;
    private static final Object CLOSE = new Object();

    /** What the recording is of; either may be null. */
    public record SetInfo(String title, String artist) {
    }

    /** Opens the file a recording is written to (tests replace it to fail on purpose). */
    @FunctionalInterface
    public interface ChannelOpener {
        SeekableByteChannel open(Path file) throws IOException;
    }

    /**
     * @param channels the ID header's channel count (2 for the show's stereo)
     * @param pageDuration audio per Ogg page: what a crash may lose at most, besides the queue
     * @param queueCapacity packets waiting for the writer before new ones are dropped
     * @param onFailure told once, on the recorder's thread, when a write fails (for the console and the staff chat)
     */
    public record Options(Clock clock, LongSupplier nanoClock, int channels, Duration pageDuration, int queueCapacity,
            Consumer<RecordingStatus> onFailure, ChannelOpener opener) {

        public Options {
            requireNonNull(clock, "clock");
            requireNonNull(nanoClock, "nanoClock");
            requireNonNull(pageDuration, "pageDuration");
            requireNonNull(onFailure, "onFailure");
            requireNonNull(opener, "opener");
            if (channels != 1 && channels != 2) {
                throw new IllegalArgumentException("channels: " + channels + " (expected: 1 or 2)");
            }
            if (pageDuration.toMillis() < 20 || pageDuration.toMillis() > 5000) {
                throw new IllegalArgumentException("pageDuration: " + pageDuration + " (expected: 20 ms to 5 s)");
            }
            if (queueCapacity < 1) {
                throw new IllegalArgumentException("queueCapacity: " + queueCapacity + " (expected: >= 1)");
            }
        }

        /** Stereo, half-second pages (fsync'd each), a 10 s queue, the system clocks, files created new. */
        public static Options defaults() {
            return new Options(Clock.systemUTC(), System::nanoTime, 2, Duration.ofMillis(500), 500, status -> { },
                    file -> FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
        }

        public Options withClocks(Clock clock, LongSupplier nanoClock) {
            return new Options(clock, nanoClock, channels, pageDuration, queueCapacity, onFailure, opener);
        }

        public Options withPageDuration(Duration pageDuration) {
            return new Options(clock, nanoClock, channels, pageDuration, queueCapacity, onFailure, opener);
        }

        public Options withQueueCapacity(int queueCapacity) {
            return new Options(clock, nanoClock, channels, pageDuration, queueCapacity, onFailure, opener);
        }

        public Options withOnFailure(Consumer<RecordingStatus> onFailure) {
            return new Options(clock, nanoClock, channels, pageDuration, queueCapacity, onFailure, opener);
        }

        public Options withOpener(ChannelOpener opener) {
            return new Options(clock, nanoClock, channels, pageDuration, queueCapacity, onFailure, opener);
        }
    }

    private record Packet(long arrivalNanos, long rtpTimestamp, byte[] payload) {
    }

    private record ChapterMark(int song, String title, Instant at, long atNanos) {
    }

    private final String showId;
    private final long runId;
    private final SetInfo info;
    private final Options options;
    private final Instant startedAt;
    private final long startedNanos;
    private final BlockingQueue<Object> queue;
    private final ConcurrentLinkedQueue<ChapterMark> marks = new ConcurrentLinkedQueue<>();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;
    /** Set while opening (a name taken already gets a suffix); read by any thread after. */
    private volatile Path file;
    // Written by the recorder's thread, read by status().
    private volatile RecordingStatus.State state = RecordingStatus.State.RECORDING;
    private volatile String lastError;
    private volatile long bytesWritten;
    private volatile long playableSamples;
    private volatile long packetsWritten;
    private volatile long packetsLate;
    private volatile long silenceFrames;
    private volatile int chapterCount;
    private volatile boolean closing;
    // The recorder's thread only.
    private SeekableByteChannel channel;
    private OggOpusWriter writer;
    private final OpusTimeline timeline = new OpusTimeline(REORDER_DEPTH);
    private final List<Chapter> chapters = new ArrayList<>();
    private final List<ChapterMark> pendingMarks = new ArrayList<>();
    private long pageOpenedNanos = -1;

    private SetRecorder(Path dataDir, String showId, long runId, SetInfo info, Options options) {
        this.showId = showId;
        this.runId = runId;
        this.info = info;
        this.options = options;
        this.startedAt = options.clock().instant();
        this.startedNanos = options.nanoClock().getAsLong();
        this.queue = new ArrayBlockingQueue<>(options.queueCapacity());
        open(dataDir);
        this.thread = new Thread(this::run, "recorder-" + showId + "-run" + runId);
        thread.setDaemon(true);
        if (state == RecordingStatus.State.RECORDING) {
            thread.start();
        }
    }

    /**
     * Starts recording a show run. Never throws for I/O: if the directory or the file can't be created, the recorder is
     * returned already {@link RecordingStatus.State#FAILED} (the failure listener has been told) and ignores packets.
     *
     * @param dataDir the app's data directory; the recording goes to its {@code recordings} folder
     */
    public static SetRecorder start(Path dataDir, String showId, long runId, SetInfo info, Options options) {
        requireNonNull(dataDir, "dataDir");
        requireNonNull(showId, "showId");
        requireNonNull(info, "info");
        requireNonNull(options, "options");
        return new SetRecorder(dataDir, showId, runId, info, options);
    }

    /** {@link #start(Path, String, long, SetInfo, Options)} with {@link Options#defaults()}. */
    public static SetRecorder start(Path dataDir, String showId, long runId, SetInfo info) {
        return start(dataDir, showId, runId, info, Options.defaults());
    }

    /** The recording's path (whether or not it could be created). */
    public Path file() {
        return file;
    }

    /**
     * One performer packet, after the router's fan-out (the media server's {@code PacketTap} signature). Copies the
     * payload and returns at once: never blocks, never throws.
     *
     * @param arrivalNanos when it arrived ({@link System#nanoTime} scale, the same clock as {@link Options#nanoClock()})
     * @param sequence its RTP sequence number (a lost packet shows as a hole in the timestamps; kept for the signature)
     * @param rtpTimestamp its RTP timestamp (48 kHz)
     */
    public void onOpus(long arrivalNanos, int sequence, long rtpTimestamp, byte[] payload, int off, int len) {
        if (state != RecordingStatus.State.RECORDING || closing || payload == null || len <= 0 || len > MAX_PAYLOAD
                || off < 0 || off > payload.length - len) {
            return;
        }
        byte[] copy = new byte[len];
        System.arraycopy(payload, off, copy, 0, len);
        if (!queue.offer(new Packet(arrivalNanos, rtpTimestamp, copy))) {
            dropped.incrementAndGet();
        }
    }

    /**
     * A song started: a chapter at {@code at} (wall clock, {@link Options#clock()}). The sidecars are rewritten with it.
     *
     * @param index the set list's index of the song (kept as {@code song} in the sidecar)
     */
    public void chapter(int index, String title, Instant at) {
        requireNonNull(title, "title");
        requireNonNull(at, "at");
        if (state != RecordingStatus.State.RECORDING || closing) {
            return;
        }
        long atNanos = startedNanos + Duration.between(startedAt, at).toNanos();
        marks.add(new ChapterMark(index, title, at, atNanos));
        queue.offer(marks); // a wake-up only: the marks are taken from their own queue, so a full queue loses none
    }

    public RecordingStatus status() {
        return new RecordingStatus(state, file, bytesWritten, Duration.ofNanos(playableSamples * 1_000_000_000L / 48_000),
                packetsWritten, dropped.get(), packetsLate, silenceFrames, chapterCount, lastError);
    }

    /**
     * Ends the recording: writes what is queued, the EOS page and the final chapters, and closes the file. Waits up to
     * 10 s for the recorder's thread. Idempotent; never throws for I/O (see {@link #status()}).
     */
    @Override
    public void close() {
        closing = true;
        queue.offer(CLOSE);
        if (thread.isAlive()) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void open(Path dataDir) {
        String safe = showId.replaceAll("[^A-Za-z0-9._-]", "_");
        String base = safe + "-run" + runId + "-" + FILE_TIME.format(startedAt);
        Path dir = dataDir.resolve("recordings");
        Path target = dir.resolve(base + ".opus");
        file = target;
        try {
            Files.createDirectories(dir);
            for (int attempt = 2; channel == null; attempt++) {
                try {
                    channel = options.opener().open(target);
                } catch (FileAlreadyExistsException e) {
                    if (attempt > 100) {
                        throw e;
                    }
                    target = dir.resolve(base + "-" + attempt + ".opus");
                    file = target;
                }
            }
            List<String> comments = baseComments();
            writer = new OggOpusWriter(channel, options.channels(), new SecureRandom().nextInt(), comments,
                    (int) (options.pageDuration().toMillis() * 48));
            bytesWritten = writer.bytesWritten();
            ChapterSidecar.write(target, showId, runId, info.title(), info.artist(), startedAt, List.of(), 0, false);
            LOG.info("show {} run {}: recording to {}", showId, runId, target);
        } catch (IOException | RuntimeException e) {
            fail(target, e);
        }
    }

    private List<String> baseComments() {
        List<String> comments = new ArrayList<>();
        if (info.title() != null) {
            comments.add("TITLE=" + info.title());
        }
        if (info.artist() != null) {
            comments.add("ARTIST=" + info.artist());
        }
        comments.add("DATE=" + startedAt);
        comments.add("ENCODER=Encore (the performer's Opus packets, not re-encoded)");
        comments.add("ENCORE_SHOW=" + showId);
        comments.add("ENCORE_RUN=" + runId);
        return comments;
    }

    private void run() {
        try {
            while (true) {
                Object item = queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (item instanceof Packet p) {
                    timeline.offer(p.arrivalNanos(), p.rtpTimestamp(), p.payload(), sink);
                } else if (item == null) {
                    // The performer paused: write what the reorder window holds, and the page once it is old enough.
                    timeline.drain(sink);
                    if (writer.pendingPackets() > 0 && System.nanoTime() - pageOpenedNanos >= options.pageDuration().toNanos()) {
                        writer.flush();
                    }
                } else if (item == CLOSE) {
                    break;
                }
                takeMarks(false);
                publish();
                if (closing && queue.isEmpty()) {
                    break;
                }
            }
            finish();
        } catch (IOException | RuntimeException e) {
            fail(file, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(file, new IOException("the recorder was interrupted"));
        }
    }

    private final OpusTimeline.Sink sink = new OpusTimeline.Sink() {
        @Override
        public void packet(byte[] data, int samples) throws IOException {
            notePageOpen();
            writer.writePacket(data, 0, data.length);
        }

        @Override
        public void silence(long frames) throws IOException {
            notePageOpen();
            writer.writeSilence(frames);
        }
    };

    private void notePageOpen() {
        if (writer.pendingPackets() == 0) {
            pageOpenedNanos = System.nanoTime();
        }
    }

    /**
     * Places new chapter marks once the timeline has its first packet; at the end, whatever is left (with no audio at
     * all, every chapter is at 0).
     */
    private void takeMarks(boolean atEnd) throws IOException {
        for (ChapterMark m = marks.poll(); m != null; m = marks.poll()) {
            pendingMarks.add(m);
        }
        if (pendingMarks.isEmpty() || (timeline.position() == 0 && !atEnd)) {
            return;
        }
        for (ChapterMark m : pendingMarks) {
            long samples = Math.max(0, timeline.positionAt(m.atNanos()) - OggOpusWriter.PRE_SKIP);
            long previous = chapters.isEmpty() ? 0 : chapters.get(chapters.size() - 1).offset().toNanos() * 48 / 1_000_000;
            samples = Math.max(samples, previous);
            chapters.add(new Chapter(chapters.size() + 1, m.song(), m.title(), m.at(),
                    Duration.ofNanos(samples * 1_000_000_000L / 48_000)));
        }
        pendingMarks.clear();
        chapterCount = chapters.size();
        ChapterSidecar.write(file, showId, runId, info.title(), info.artist(), startedAt, chapters,
                writer.playableSamples() / 48, false);
    }

    private void publish() {
        bytesWritten = writer.bytesWritten();
        playableSamples = writer.playableSamples();
        packetsWritten = writer.packets();
        silenceFrames = writer.silenceFrames();
        packetsLate = timeline.late() + timeline.malformed();
    }

    private void finish() throws IOException {
        timeline.drain(sink);
        takeMarks(true);
        List<String> comments = baseComments();
        for (Chapter c : chapters) {
            String n = String.format("%03d", c.number());
            comments.add("CHAPTER" + n + "=" + c.timestamp());
            comments.add("CHAPTER" + n + "NAME=" + c.title());
        }
        boolean inHeader = writer.finish(comments);
        if (!inHeader) {
            LOG.warn("show {} run {}: {} chapters don't fit the comment header; they are in {}", showId, runId, chapters.size(),
                    ChapterSidecar.jsonPath(file).getFileName());
        }
        publish();
        channel.close();
        ChapterSidecar.write(file, showId, runId, info.title(), info.artist(), startedAt, chapters,
                writer.playableSamples() / 48, true);
        state = RecordingStatus.State.CLOSED;
        LOG.info("show {} run {}: recording closed: {}", showId, runId, status());
    }

    private void fail(Path target, Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        lastError = (message.contains("No space left") ? "DiskFull: " : e.getClass().getSimpleName() + ": ") + message;
        state = RecordingStatus.State.FAILED;
        queue.clear();
        if (writer != null) {
            try {
                writer.truncateToLastPage();
            } catch (IOException | RuntimeException t) {
                e.addSuppressed(t);
            }
            publish();
        }
        if (channel != null) {
            try {
                channel.close();
                if (writer == null) {
                    // Not even the headers made it: no half-written file is left behind.
                    Files.deleteIfExists(target);
                }
            } catch (IOException t) {
                e.addSuppressed(t);
            }
        }
        if (e instanceof IOException) {
            LOG.error("show {} run {}: recording to {} stopped: {}", showId, runId, target, lastError);
        } else {
            LOG.error("show {} run {}: recording to {} stopped by a bug: {}", showId, runId, target, lastError, e);
        }
        try {
            options.onFailure().accept(status());
        } catch (RuntimeException t) {
            LOG.warn("the recording failure listener failed", t);
        }
    }
}
