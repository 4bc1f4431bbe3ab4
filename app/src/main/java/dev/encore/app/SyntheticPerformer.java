package dev.encore.app;

import static java.util.Objects.requireNonNull;

import dev.encore.protocol.rtp.RtpPacket;
import java.security.SecureRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's in-process performer: every 20 ms it renders a frame of music, encodes it as Opus and feeds it to a show's
 * router as RTP (payload type 111, RFC 7587), as a performer's rig would.
 *
 * <p>Timing is drift-free: frame {@code n} is due at {@code start + n * 20 ms} and each tick is scheduled for the next due
 * frame, so scheduling delays never add up. A late tick sends every frame that is due; after a long stall (more than
 * {@value #MAX_CATCH_UP_FRAMES} frames) the missed frames are skipped (the RTP timestamp still advances, as for a real
 * performer whose packets were lost) rather than sent in a burst.
 *
 * <p>Threads: the buffers, the synth and the encoder are owned by the performer's single scheduler thread; {@link #start} and
 * {@link #close} may be called from any thread.
 */
final class SyntheticPerformer implements AutoCloseable {
    static final int PAYLOAD_TYPE = 111;
    static final int SAMPLE_RATE = 48_000;
    static final int FRAME_SAMPLES = 960;
    static final long FRAME_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    static final int MAX_CATCH_UP_FRAMES = 10;
    private static final int MAX_OPUS_BYTES = 1275;
    private static final Logger LOG = LoggerFactory.getLogger(SyntheticPerformer.class);

    /** Renders 20 ms of interleaved 16-bit PCM at 48 kHz ({@code dev.encore.audio.MusicSynth#render}). */
    @FunctionalInterface
    interface PcmSource {
        void render(short[] interleaved);
    }

    /** Encodes one 20 ms PCM frame into an Opus packet, returning its length ({@code OpusFrameEncoder#encode}). */
    @FunctionalInterface
    interface FrameEncoder {
        int encode(short[] pcm, byte[] out);
    }

    /** Where the RTP packets go: {@code Router#feed}. */
    @FunctionalInterface
    interface RtpSink {
        void feed(byte[] rtp, int off, int len);
    }

    private final PcmSource synth;
    private final FrameEncoder encoder;
    private final RtpSink sink;
    private final LongSupplier nanoClock;
    private final short[] pcm;
    private final byte[] opus = new byte[MAX_OPUS_BYTES];
    private final byte[] rtp = new byte[RtpPacket.FIXED_HEADER_LENGTH + MAX_OPUS_BYTES];
    private final long ssrc;
    private final ScheduledExecutorService scheduler;

    private long startNanos;
    /** Frames due so far, sent or skipped: the RTP timestamp is {@code frame * 960}. */
    private long frame;
    private int sequence;
    private long sent;
    private volatile boolean running;

    SyntheticPerformer(int channels, PcmSource synth, FrameEncoder encoder, RtpSink sink) {
        this(channels, synth, encoder, sink, System::nanoTime, newScheduler());
    }

    SyntheticPerformer(int channels, PcmSource synth, FrameEncoder encoder, RtpSink sink, LongSupplier nanoClock,
            ScheduledExecutorService scheduler) {
        if (channels != 1 && channels != 2) {
            throw new IllegalArgumentException("channels: " + channels + " (expected: 1 or 2)");
        }
        this.pcm = new short[FRAME_SAMPLES * channels];
        this.synth = requireNonNull(synth, "synth");
        this.encoder = requireNonNull(encoder, "encoder");
        this.sink = requireNonNull(sink, "sink");
        this.nanoClock = requireNonNull(nanoClock, "nanoClock");
        this.scheduler = requireNonNull(scheduler, "scheduler");
        SecureRandom random = new SecureRandom();
        this.ssrc = random.nextInt() & 0xFFFF_FFFFL;
        this.sequence = random.nextInt(1 << 16);
    }

    private static ScheduledExecutorService newScheduler() {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "encore-synthetic-performer");
            t.setDaemon(true);
            t.setPriority(Thread.MAX_PRIORITY);
            return t;
        });
    }

    void start() {
        scheduler.execute(() -> {
            startNanos = nanoClock.getAsLong();
            running = true;
            tick();
        });
    }

    long ssrc() {
        return ssrc;
    }

    /** Runs on the scheduler thread: sends what is due, then sleeps until the next frame is due. */
    void tick() {
        if (!running) {
            return;
        }
        try {
            long due = (nanoClock.getAsLong() - startNanos) / FRAME_NANOS + 1;
            if (due - frame > MAX_CATCH_UP_FRAMES) {
                LOG.debug("performer stalled: skipping {} frames", due - frame - 1);
                frame = due - 1;
            }
            while (frame < due) {
                sendFrame();
            }
        } catch (RuntimeException e) {
            // One bad frame must not end the show; the next tick tries again.
            LOG.warn("synthetic performer: frame {} failed", frame, e);
            frame++;
        }
        long delay = startNanos + frame * FRAME_NANOS - nanoClock.getAsLong();
        if (running) {
            scheduler.schedule(this::tick, Math.max(0, delay), TimeUnit.NANOSECONDS);
        }
    }

    private void sendFrame() {
        synth.render(pcm);
        int opusLength = encoder.encode(pcm, opus);
        long timestamp = (frame * FRAME_SAMPLES) & 0xFFFF_FFFFL;
        // RFC 7587 §4.1: no marker needed for Opus, but RFC 3550 §5.1 marks the first packet of a talkspurt.
        int length = RtpPacket.write(rtp, 0, PAYLOAD_TYPE, sent == 0, sequence, timestamp, ssrc, opus, 0, opusLength);
        frame++;
        sequence = (sequence + 1) & 0xFFFF;
        sent++;
        sink.feed(rtp, 0, length);
    }

    @Override
    public void close() {
        running = false;
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
