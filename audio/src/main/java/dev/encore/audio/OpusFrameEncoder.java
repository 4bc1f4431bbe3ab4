package dev.encore.audio;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;
import io.github.jaredmdobson.concentus.OpusSignal;

/**
 * Encodes 20 ms frames of 48 kHz PCM to Opus packets (https://www.rfc-editor.org/rfc/rfc6716) with concentus, tuned for
 * music: application AUDIO, signal MUSIC, variable bit rate.
 *
 * <p>Not thread-safe: owned by the thread that encodes (the encoder keeps state from frame to frame).
 */
public final class OpusFrameEncoder {
    /** Complexity 0..10; 5 costs about half of 10 and sounds close to it at the bit rates Encore uses. */
    public static final int DEFAULT_COMPLEXITY = 5;

    private final OpusEncoder encoder;
    private final int channels;

    public OpusFrameEncoder(int bitrate, boolean stereo) {
        this(bitrate, stereo, DEFAULT_COMPLEXITY);
    }

    /**
     * @param bitrate target bit rate in bit/s, 6,000 to 510,000
     * @param complexity 0 (fastest) to 10 (best)
     */
    public OpusFrameEncoder(int bitrate, boolean stereo, int complexity) {
        if (bitrate < 6_000 || bitrate > 510_000) {
            throw new IllegalArgumentException("bitrate: " + bitrate + " (expected: 6000..510000)");
        }
        if (complexity < 0 || complexity > 10) {
            throw new IllegalArgumentException("complexity: " + complexity + " (expected: 0..10)");
        }
        this.channels = stereo ? 2 : 1;
        try {
            encoder = new OpusEncoder(Frames.SAMPLE_RATE, channels, OpusApplication.OPUS_APPLICATION_AUDIO);
        } catch (OpusException e) {
            throw new IllegalStateException("cannot create an Opus encoder: " + e.getMessage(), e);
        }
        encoder.setBitrate(bitrate);
        encoder.setComplexity(complexity);
        encoder.setSignalType(OpusSignal.OPUS_SIGNAL_MUSIC);
    }

    public int channels() {
        return channels;
    }

    /**
     * Encodes one 20 ms frame.
     *
     * @param pcm {@code 960 * channels} interleaved samples
     * @param out room for the packet; {@link Frames#MAX_PACKET_BYTES} always suffices
     * @return the packet's length in bytes
     */
    public int encode(short[] pcm, byte[] out) {
        MusicSynth.checkFrame(pcm, channels);
        try {
            return encoder.encode(pcm, 0, Frames.SAMPLES_PER_CHANNEL, out, 0, Math.min(out.length, Frames.MAX_PACKET_BYTES));
        } catch (OpusException | RuntimeException e) {
            throw new IllegalStateException("Opus encoding failed: " + e.getMessage() + " (expected: room for a packet in "
                    + out.length + " bytes)", e);
        }
    }
}
