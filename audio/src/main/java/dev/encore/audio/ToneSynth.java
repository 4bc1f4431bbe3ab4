package dev.encore.audio;

/**
 * A pure sine, the same on every channel, phase-continuous from frame to frame: a test signal whose frequency survives
 * encoding and can be measured at the far end ({@link ToneAnalysis}).
 *
 * <p>Not thread-safe: owned by the thread that renders.
 */
public final class ToneSynth implements FrameSource {
    private final double cyclesPerSample;
    private final double amplitude;
    private final int channels;
    private double phase; // in cycles, [0, 1)

    /**
     * @param frequency in Hz, above 0 and below the Nyquist frequency (24 kHz)
     * @param amplitude of the peak, as a fraction of full scale (0 to 1)
     * @param stereo two channels, or one
     */
    public ToneSynth(double frequency, double amplitude, boolean stereo) {
        if (!(frequency > 0 && frequency < Frames.SAMPLE_RATE / 2.0)) {
            throw new IllegalArgumentException("frequency: " + frequency + " (expected: 0 < frequency < 24000 Hz)");
        }
        if (!(amplitude >= 0 && amplitude <= 1)) {
            throw new IllegalArgumentException("amplitude: " + amplitude + " (expected: 0..1 of full scale)");
        }
        this.cyclesPerSample = frequency / Frames.SAMPLE_RATE;
        this.amplitude = amplitude * Short.MAX_VALUE;
        this.channels = stereo ? 2 : 1;
    }

    @Override
    public int channels() {
        return channels;
    }

    @Override
    public void render(short[] interleaved) {
        MusicSynth.checkFrame(interleaved, channels);
        for (int i = 0; i < interleaved.length; i += channels) {
            short sample = (short) Math.round(amplitude * Math.sin(2 * Math.PI * phase));
            for (int c = 0; c < channels; c++) {
                interleaved[i + c] = sample;
            }
            phase += cyclesPerSample;
            if (phase >= 1) {
                phase -= 1;
            }
        }
    }
}
