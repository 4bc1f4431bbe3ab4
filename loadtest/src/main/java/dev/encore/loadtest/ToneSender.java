package dev.encore.loadtest;

import static java.util.Objects.requireNonNull;

import dev.encore.audio.Frames;
import dev.encore.audio.OpusFrameEncoder;
import dev.encore.audio.ToneSynth;
import dev.encore.loadtest.client.WebRtcPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The synthetic performer's signal: a {@value #TONE_HZ} Hz sine, stereo, {@value #BITRATE} bit/s Opus (the demo show's
 * format), one 20 ms frame per packet at the real pace, each packet carrying its send time ({@link SendStamp}). One second
 * of frames is encoded up front and played in a loop (440 whole cycles per second: the loop is seamless), so the run
 * costs no encoder CPU.
 *
 * <p>Each packet is stamped with its frame's due time on the 20 ms audio clock (start + k x 20 ms), not the moment it was
 * handed over: a late frame (the tool's own stall) is sent at once and shows up as latency, never hidden (coordinated
 * omission at the source).
 *
 * <p>Threads: one pacing thread of its own (daemon) that sleeps to each frame's deadline.
 */
final class ToneSender implements AutoCloseable {
    static final double TONE_HZ = 440;
    static final int BITRATE = 96_000;
    private static final long FRAME_NANOS = TimeUnit.MILLISECONDS.toNanos(Frames.FRAME_MILLIS);
    private static final int LOOP_FRAMES = 50;

    private final WebRtcPublisher publisher;
    private final byte[][] frames = new byte[LOOP_FRAMES][];
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong late = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    ToneSender(WebRtcPublisher publisher) {
        this.publisher = requireNonNull(publisher, "publisher");
        ToneSynth tone = new ToneSynth(TONE_HZ, 0.5, true);
        OpusFrameEncoder encoder = new OpusFrameEncoder(BITRATE, true);
        short[] pcm = new short[Frames.SAMPLES_PER_CHANNEL * 2];
        byte[] packet = new byte[Frames.MAX_PACKET_BYTES];
        for (int i = 0; i < LOOP_FRAMES; i++) {
            tone.render(pcm);
            int n = encoder.encode(pcm, packet);
            frames[i] = java.util.Arrays.copyOf(packet, n);
        }
        thread = new Thread(this::pace, "encore-loadtest-performer");
        thread.setDaemon(true);
        thread.setPriority(Thread.MAX_PRIORITY);
    }

    void start() {
        thread.start();
    }

    private void pace() {
        byte[] out = new byte[Frames.MAX_PACKET_BYTES + SendStamp.OVERHEAD];
        long t0 = System.nanoTime();
        long k = 0;
        while (running) {
            long deadline = t0 + k * FRAME_NANOS;
            long wait = deadline - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
                continue;
            }
            if (wait < -FRAME_NANOS) {
                late.incrementAndGet();
            }
            byte[] frame = frames[(int) (k % LOOP_FRAMES)];
            int n = SendStamp.stamp(frame, frame.length, deadline, out);
            boolean ok = n > 0 ? publisher.send(out, 0, n) : publisher.send(frame, 0, frame.length);
            if (ok) {
                sent.incrementAndGet();
            }
            k++;
        }
    }

    /** Frames handed to the publisher. */
    long sent() {
        return sent.get();
    }

    /** Frames sent more than one frame late (the tool's own pacing stalled). */
    long late() {
        return late.get();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
