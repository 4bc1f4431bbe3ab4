package dev.encore.app;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;
import io.github.jaredmdobson.concentus.OpusSignal;

/**
 * TEMPORARY: the demo's music until {@code dev.encore.audio} ({@code MusicSynth}, {@code OpusFrameEncoder}) is merged; then
 * {@link DemoShow} uses those and this class and the app's direct concentus dependency go. A slow I-vi-IV-V arpeggio in
 * C major, and a concentus Opus encoder in music mode. Not thread-safe: owned by the performer's thread.
 */
final class StandInAudio {
    private StandInAudio() {
    }

    /** Plucked arpeggio notes (Hz), four bars that loop. */
    private static final double[][] CHORDS = {
        {261.63, 329.63, 392.00, 523.25}, {220.00, 261.63, 329.63, 440.00},
        {174.61, 220.00, 261.63, 349.23}, {196.00, 246.94, 293.66, 392.00},
    };

    static SyntheticPerformer.PcmSource synth(int channels) {
        return new SyntheticPerformer.PcmSource() {
            private static final int NOTE_SAMPLES = 48_000 / 4;
            private long sample;

            @Override
            public void render(short[] interleaved) {
                int frames = interleaved.length / channels;
                for (int i = 0; i < frames; i++, sample++) {
                    long note = sample / NOTE_SAMPLES;
                    double[] chord = CHORDS[(int) (note / 8 % CHORDS.length)];
                    double f = chord[(int) (note % chord.length)];
                    double t = (sample % NOTE_SAMPLES) / 48_000.0;
                    double env = Math.exp(-t * 5.0);
                    double bass = 0.25 * Math.sin(2 * Math.PI * chord[0] / 2 * (sample / 48_000.0));
                    double v = 0.35 * env * (Math.sin(2 * Math.PI * f * t) + 0.3 * Math.sin(4 * Math.PI * f * t)) + bass;
                    short s = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v * 12_000));
                    for (int c = 0; c < channels; c++) {
                        interleaved[i * channels + c] = s;
                    }
                }
            }
        };
    }

    static SyntheticPerformer.FrameEncoder encoder(int bitrate, int channels) {
        OpusEncoder encoder;
        try {
            encoder = new OpusEncoder(48_000, channels, OpusApplication.OPUS_APPLICATION_AUDIO);
        } catch (OpusException e) {
            throw new IllegalStateException("Opus encoder: " + e.getMessage(), e);
        }
        encoder.setBitrate(bitrate);
        encoder.setSignalType(OpusSignal.OPUS_SIGNAL_MUSIC);
        encoder.setComplexity(5);
        return (pcm, out) -> {
            try {
                return encoder.encode(pcm, 0, SyntheticPerformer.FRAME_SAMPLES, out, 0, out.length);
            } catch (OpusException e) {
                throw new IllegalStateException("Opus encode: " + e.getMessage(), e);
            }
        };
    }
}
