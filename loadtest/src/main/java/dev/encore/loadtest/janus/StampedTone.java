package dev.encore.loadtest.janus;

import static java.util.Objects.requireNonNull;

import dev.encore.audio.Frames;
import dev.encore.audio.OpusFrameEncoder;
import dev.encore.audio.ToneSynth;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The synthetic performer's signal for both sides of the comparison, as the load engine's tone sender makes it: a 440 Hz
 * sine, stereo, 96 kbit/s Opus, one 20 ms frame per packet at the real pace, one second encoded up front and looped (440
 * whole cycles: seamless), each packet carrying its send time in Opus padding ({@link #stamp}). Where the frames go is a
 * {@link Sink}: plain RTP to a Janus mountpoint ({@link RtpFeeder}) or the tool's WHIP publisher to Encore.
 *
 * <p>Threads: one pacing thread of its own (daemon); a late frame is sent at once with its real send time, so a stall of
 * the tool shows as latency.
 */
final class StampedTone implements AutoCloseable {
    static final double TONE_HZ = 440;
    static final int BITRATE = 96_000;
    /** Padding a stamp adds: magic "EN" and 8 bytes of {@link System#nanoTime}. */
    static final int PADDING = 10;
    static final int OVERHEAD = 2 + PADDING;
    private static final long FRAME_NANOS = TimeUnit.MILLISECONDS.toNanos(Frames.FRAME_MILLIS);
    private static final int LOOP_FRAMES = 50;

    /** Where frames go; called on the pacing thread. */
    @FunctionalInterface
    interface Sink {
        /** Sends one Opus packet {@code opus[0, len)}; false when it could not be sent. */
        boolean send(byte[] opus, int len);
    }

    private final Sink sink;
    private final byte[][] frames = new byte[LOOP_FRAMES][];
    private final AtomicLong sent = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    StampedTone(Sink sink) {
        this.sink = requireNonNull(sink, "sink");
        ToneSynth tone = new ToneSynth(TONE_HZ, 0.5, true);
        OpusFrameEncoder encoder = new OpusFrameEncoder(BITRATE, true);
        short[] pcm = new short[Frames.SAMPLES_PER_CHANNEL * 2];
        byte[] packet = new byte[Frames.MAX_PACKET_BYTES];
        for (int i = 0; i < LOOP_FRAMES; i++) {
            tone.render(pcm);
            frames[i] = Arrays.copyOf(packet, encoder.encode(pcm, packet));
        }
        thread = new Thread(this::pace, "encore-janus-performer");
        thread.setDaemon(true);
        thread.setPriority(Thread.MAX_PRIORITY);
    }

    void start() {
        thread.start();
    }

    /** Packets the sink accepted. */
    long sent() {
        return sent.get();
    }

    private void pace() {
        byte[] out = new byte[Frames.MAX_PACKET_BYTES + OVERHEAD];
        long t0 = System.nanoTime();
        long k = 0;
        while (running) {
            long wait = t0 + k * FRAME_NANOS - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
                continue;
            }
            byte[] frame = frames[(int) (k % LOOP_FRAMES)];
            int n = stamp(frame, frame.length, System.nanoTime(), out);
            boolean ok = n > 0 ? sink.send(out, n) : sink.send(frame, frame.length);
            if (ok) {
                sent.incrementAndGet();
            }
            k++;
        }
    }

    /**
     * The load engine's stamp format ({@code dev.encore.loadtest.SendStamp}, package-private there): a one-frame Opus packet
     * (code 0, RFC 6716 §3.2.2) rewritten as code 3 with padding (§3.2.5): TOC|3, {@code 0x41} (one frame, padding), the
     * padding length, the frame, then "EN" and the send time big endian. Decoders ignore padding. Returns the new length,
     * or -1 for a packet that is not code 0.
     */
    static int stamp(byte[] in, int len, long sendNanos, byte[] out) {
        if (len < 1 || (in[0] & 0x03) != 0 || out.length < len + OVERHEAD) {
            return -1;
        }
        out[0] = (byte) (in[0] | 0x03);
        out[1] = 0x41;
        out[2] = PADDING;
        System.arraycopy(in, 1, out, 3, len - 1);
        int p = len + 2;
        out[p] = 'E';
        out[p + 1] = 'N';
        for (int i = 0; i < 8; i++) {
            out[p + 2 + i] = (byte) (sendNanos >>> (56 - 8 * i));
        }
        return len + OVERHEAD;
    }

    /** The send time in a stamped Opus payload {@code payload[off, off+len)}, or -1 when it carries none. */
    static long sendNanos(byte[] payload, int off, int len) {
        if (len < 3 + PADDING || (payload[off] & 0x03) != 3 || (payload[off + 1] & 0xFF) != 0x41
                || (payload[off + 2] & 0xFF) != PADDING || payload[off + len - PADDING] != 'E'
                || payload[off + len - PADDING + 1] != 'N') {
            return -1;
        }
        long t = 0;
        for (int i = off + len - 8; i < off + len; i++) {
            t = (t << 8) | (payload[i] & 0xFF);
        }
        return t;
    }

    @Override
    public void close() {
        running = false; // no interrupt: it would close the sink's channel under a write; the park ends within 20 ms
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
