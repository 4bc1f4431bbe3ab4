package dev.encore.loadtest.client;

import dev.encore.audio.Frames;
import dev.encore.audio.OpusFrameEncoder;
import dev.encore.audio.ToneSynth;
import io.github.jaredmdobson.concentus.OpusException;
import java.time.Duration;
import java.util.Arrays;

/**
 * Runs the listener's own per-packet code that {@code JoinPathWarmUp} (protocol module: DTLS, offer/answer, ICE, SRTP)
 * does not, in memory before the first arrival: Opus decoding for the decode sample. A freshly started tool spent a third
 * of its CPU in the C2 compiler during the first seconds of a join storm, the largest share on the Opus decoder
 * (concentus), and that CPU was taken from the storm's handshakes.
 *
 * <p>Opens no socket; runs on the caller's thread.
 */
public final class PacketPathWarmUp {
    private static final int TONE_FRAMES = 50;

    private PacketPathWarmUp() {
    }

    /**
     * Decodes up to {@code decodes} Opus frames (a 440 Hz stereo tone at 96 kbps, as the synthetic performer sends, with a
     * concealed frame every tenth), stopping when {@code budget} has passed.
     *
     * @return the frames decoded
     */
    public static int run(int decodes, Duration budget) {
        return opus(decodes, System.nanoTime() + budget.toNanos());
    }

    /**
     * Waits until the JIT compiler has been idle for 200 ms (its total compilation time stopped growing), at most
     * {@code atMost}: compilations the warm-up queued would otherwise run during the first arrivals.
     *
     * @return true when the compiler went idle (or the JVM does not report its compilation time)
     */
    public static boolean awaitCompilerIdle(Duration atMost) {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return true;
        }
        long deadline = System.nanoTime() + atMost.toNanos();
        long last = jit.getTotalCompilationTime();
        while (!late(deadline)) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            long now = jit.getTotalCompilationTime();
            if (now == last) {
                return true;
            }
            last = now;
        }
        return false;
    }

    private static boolean late(long deadline) {
        return System.nanoTime() - deadline > 0;
    }

    private static int opus(int decodes, long deadline) {
        ToneSynth tone = new ToneSynth(440, 0.5, true);
        OpusFrameEncoder encoder = new OpusFrameEncoder(96_000, true);
        short[] pcm = new short[Frames.SAMPLES_PER_CHANNEL * 2];
        byte[] packet = new byte[Frames.MAX_PACKET_BYTES];
        byte[][] frames = new byte[TONE_FRAMES][];
        for (int i = 0; i < TONE_FRAMES; i++) {
            tone.render(pcm);
            frames[i] = Arrays.copyOf(packet, encoder.encode(pcm, packet));
        }
        PcmDecoder decoder = new PcmDecoder(true);
        short[] out = decoder.newBuffer();
        int done = 0;
        try {
            while (done < decodes && !late(deadline)) {
                byte[] f = frames[done % TONE_FRAMES];
                decoder.decode(f, 0, f.length, out);
                if (done % 10 == 9) {
                    decoder.conceal(out);
                }
                done++;
            }
        } catch (OpusException e) {
            throw new IllegalStateException("the warm-up's own tone did not decode: " + e.getMessage(), e);
        }
        return done;
    }

}
