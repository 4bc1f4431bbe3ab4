package dev.encore.audio;

import static java.util.Objects.requireNonNull;

import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusException;

/**
 * Decodes Opus packets to 48 kHz interleaved PCM with concentus, and conceals lost frames
 * (https://www.rfc-editor.org/rfc/rfc6716#section-4.4).
 *
 * <p>Packets come off the network, so anything may arrive: every failure, including concentus's own runtime errors on
 * malformed input, surfaces as an {@link OpusDecodeException}. Not thread-safe: owned by the thread that decodes.
 */
public final class OpusFrameDecoder {
    private final OpusDecoder decoder;
    private final int channels;

    public OpusFrameDecoder(boolean stereo) {
        this.channels = stereo ? 2 : 1;
        try {
            decoder = new OpusDecoder(Frames.SAMPLE_RATE, channels);
        } catch (OpusException e) {
            throw new IllegalStateException("cannot create an Opus decoder: " + e.getMessage(), e);
        }
    }

    public int channels() {
        return channels;
    }

    /**
     * Decodes one packet into {@code pcm}.
     *
     * @param pcm room for the packet's audio, interleaved: {@code 960 * channels} for a 20 ms packet, up to
     *     {@code 5760 * channels} for the longest
     * @return samples per channel written (960 for a 20 ms packet)
     * @throws OpusDecodeException when the packet is empty or malformed, or {@code pcm} is too small for it
     */
    public int decode(byte[] data, int off, int len, short[] pcm) throws OpusDecodeException {
        requireNonNull(data, "data");
        requireNonNull(pcm, "pcm");
        if (len <= 0) {
            throw new OpusDecodeException("empty Opus packet: " + len + " bytes (expected: at least 1)");
        }
        if (off < 0 || off > data.length - len) {
            throw new IndexOutOfBoundsException("off: " + off + ", len: " + len + " (expected: within " + data.length + ")");
        }
        int capacity = capacity(pcm);
        try {
            return decoder.decode(data, off, len, pcm, 0, capacity, false);
        } catch (OpusException e) {
            throw new OpusDecodeException("cannot decode Opus packet of " + len + " bytes: " + e.getMessage()
                    + " (expected: a valid Opus packet of at most " + capacity + " samples per channel)", e);
        } catch (RuntimeException e) {
            throw new OpusDecodeException("malformed Opus packet of " + len + " bytes: " + e
                    + " (expected: a valid Opus packet)", e);
        }
    }

    /**
     * Fills {@code pcm} with a guess at one lost 20 ms frame, extrapolated from the audio before it.
     *
     * @param pcm {@code 960 * channels} samples or more
     * @return samples per channel written (960)
     */
    public int conceal(short[] pcm) {
        if (capacity(pcm) < Frames.SAMPLES_PER_CHANNEL) {
            throw new IllegalArgumentException("pcm length: " + pcm.length + " (expected: at least "
                    + Frames.frameLength(channels) + ")");
        }
        try {
            return decoder.decode(null, 0, 0, pcm, 0, Frames.SAMPLES_PER_CHANNEL, false);
        } catch (OpusException | RuntimeException e) {
            throw new IllegalStateException("Opus concealment failed: " + e.getMessage(), e);
        }
    }

    private int capacity(short[] pcm) {
        return Math.min(pcm.length / channels, Frames.MAX_SAMPLES_PER_CHANNEL_IN_PACKET);
    }
}
