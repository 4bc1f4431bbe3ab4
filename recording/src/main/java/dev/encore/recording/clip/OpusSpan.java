package dev.encore.recording.clip;

import java.util.List;

/**
 * The Opus packets covering one span of a recording, as they were recorded, and how much of their decoded output belongs to
 * the span. Immutable.
 *
 * @param head the recording's identification header
 * @param packets the packets, in order: from the pre-roll before the span through the one holding the span's last sample
 * @param durations each packet's length in 48 kHz samples
 * @param primingSamples decoded samples before the span starts (decoder warm-up plus the span's offset into its first
 *     packet): the MP4 edit list's media time
 * @param validSamples samples in the span itself: the MP4 edit list's segment duration
 * @param fromSeconds where the span starts in the recording
 */
record OpusSpan(OpusHead head, List<byte[]> packets, int[] durations, long primingSamples, long validSamples,
        double fromSeconds) {

    static final int RATE = 48_000;

    double durationSeconds() {
        return validSamples / (double) RATE;
    }

    double toSeconds() {
        return fromSeconds + durationSeconds();
    }
}
