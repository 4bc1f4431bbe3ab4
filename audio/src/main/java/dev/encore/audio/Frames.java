package dev.encore.audio;

/**
 * The one PCM and Opus framing Encore uses: 48 kHz, 20 ms frames, 16-bit samples, channels interleaved (L, R, L, R, ...).
 */
public final class Frames {
    /** Opus's native rate; WebRTC's Opus RTP clock runs at it too (https://www.rfc-editor.org/rfc/rfc7587#section-4.1). */
    public static final int SAMPLE_RATE = 48_000;
    public static final int FRAME_MILLIS = 20;
    /** Samples per channel in one 20 ms frame. */
    public static final int SAMPLES_PER_CHANNEL = SAMPLE_RATE / 1000 * FRAME_MILLIS;
    /** The largest Opus packet for one frame (https://www.rfc-editor.org/rfc/rfc6716#section-3.2.1). */
    public static final int MAX_PACKET_BYTES = 1275;
    /** The longest audio one Opus packet can carry, 120 ms, in samples per channel. */
    public static final int MAX_SAMPLES_PER_CHANNEL_IN_PACKET = SAMPLE_RATE / 1000 * 120;

    private Frames() {
    }

    /** Samples in one interleaved 20 ms frame. */
    public static int frameLength(int channels) {
        return SAMPLES_PER_CHANNEL * channels;
    }
}
