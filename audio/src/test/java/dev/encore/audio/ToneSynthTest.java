package dev.encore.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ToneSynthTest {

    @Test
    void rendersTheToneAtTheAmplitudeOnEveryChannel() {
        ToneSynth synth = new ToneSynth(880, 0.25, true);
        short[] second = new short[2 * 48_000];
        short[] frame = new short[Frames.frameLength(2)];
        for (int f = 0; f < 50; f++) {
            synth.render(frame);
            System.arraycopy(frame, 0, second, f * frame.length, frame.length);
        }

        assertThat(ToneAnalysis.dominantFrequency(second, 2, 48_000)).isCloseTo(880, within(0.5));
        assertThat(ToneAnalysis.peakDbfs(second)).isCloseTo(20 * Math.log10(0.25), within(0.05));
        for (int i = 0; i < second.length; i += 2) {
            assertThat(second[i]).isEqualTo(second[i + 1]);
        }
    }

    @Test
    void phaseContinuesAcrossFrames() {
        ToneSynth synth = new ToneSynth(441, 1.0, false); // not a whole number of cycles per frame
        short[] a = new short[960];
        short[] b = new short[960];
        synth.render(a);
        synth.render(b);

        double expected = Math.sin(2 * Math.PI * 441 * 960 / 48_000.0) * Short.MAX_VALUE;
        assertThat((double) b[0]).isCloseTo(expected, within(1.0));
        // the step from a's last sample to b's first is an ordinary step of the sine, not a jump
        assertThat(Math.abs(b[0] - a[959])).isLessThan(2000);
    }

    @Test
    void rejectsBadSettingsAndFrames() {
        assertThatIllegalArgumentException().isThrownBy(() -> new ToneSynth(0, 0.5, true));
        assertThatIllegalArgumentException().isThrownBy(() -> new ToneSynth(24_000, 0.5, true));
        assertThatIllegalArgumentException().isThrownBy(() -> new ToneSynth(440, 1.5, true));
        assertThatIllegalArgumentException().isThrownBy(() -> new ToneSynth(440, 0.5, true).render(new short[960]))
                .withMessage("frame length: 960 (expected: 1920 for 20 ms of 2 channel(s))");
    }
}
