package dev.encore.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ToneAnalysisTest {

    private static short[] sine(double frequency, double amplitude, int samples, int channels, int sampleRate) {
        short[] out = new short[samples * channels];
        for (int i = 0; i < samples; i++) {
            short s = (short) Math.round(amplitude * 32767 * Math.sin(2 * Math.PI * frequency * i / sampleRate + 0.3));
            for (int c = 0; c < channels; c++) {
                out[i * channels + c] = s;
            }
        }
        return out;
    }

    @ParameterizedTest
    @CsvSource({"440, 0.2", "440, 1.0", "880, 0.2", "1000.5, 0.5", "97.3, 0.5", "6000, 0.25", "443.7, 0.3"})
    void findsTheFrequencyOfASine(double frequency, double seconds) {
        short[] pcm = sine(frequency, 0.5, (int) (48_000 * seconds), 1, 48_000);

        assertThat(ToneAnalysis.dominantFrequency(pcm, 1, 48_000)).isCloseTo(frequency, within(0.5));
    }

    @Test
    void findsTheStrongerOfTwoTonesInStereo() {
        short[] a = sine(440, 0.5, 24_000, 2, 48_000);
        short[] b = sine(660, 0.1, 24_000, 2, 48_000);
        short[] mix = new short[a.length];
        for (int i = 0; i < mix.length; i++) {
            mix[i] = (short) (a[i] + b[i]);
        }

        assertThat(ToneAnalysis.dominantFrequency(mix, 2, 48_000)).isCloseTo(440, within(0.5));
    }

    @Test
    void worksAtOtherRates() {
        assertThat(ToneAnalysis.dominantFrequency(sine(1000, 0.5, 8000, 1, 16_000), 1, 16_000)).isCloseTo(1000, within(0.5));
    }

    @Test
    void silenceHasNoFrequency() {
        assertThat(ToneAnalysis.dominantFrequency(new short[9600], 1, 48_000)).isZero();
        assertThat(ToneAnalysis.rmsDbfs(new short[960])).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void levels() {
        short[] halfScale = sine(1000, 0.5, 48_000, 2, 48_000);

        assertThat(ToneAnalysis.rmsDbfs(halfScale)).isCloseTo(-6.02 - 3.01, within(0.05));
        assertThat(ToneAnalysis.rmsDbfs(halfScale, 2, 1)).isCloseTo(-9.03, within(0.05));
        assertThat(ToneAnalysis.peakDbfs(halfScale)).isCloseTo(-6.02, within(0.05));
        assertThat(ToneAnalysis.rmsDbfs(new short[] {Short.MIN_VALUE, Short.MIN_VALUE})).isZero();
    }

    @Test
    void fftOfAnImpulseIsFlat() {
        double[] re = new double[8];
        double[] im = new double[8];
        re[1] = 1;
        ToneAnalysis.fft(re, im);

        for (int k = 0; k < 8; k++) {
            assertThat(re[k]).isCloseTo(Math.cos(-2 * Math.PI * k / 8), within(1e-12));
            assertThat(im[k]).isCloseTo(Math.sin(-2 * Math.PI * k / 8), within(1e-12));
        }
    }

    @Test
    void rejectsBadArguments() {
        assertThatIllegalArgumentException().isThrownBy(() -> ToneAnalysis.dominantFrequency(new short[3], 2, 48_000))
                .withMessageContaining("multiple of 2");
        assertThatIllegalArgumentException().isThrownBy(() -> ToneAnalysis.dominantFrequency(new short[960], 0, 48_000));
        assertThatIllegalArgumentException().isThrownBy(() -> ToneAnalysis.rmsDbfs(new short[4], 2, 2));
    }
}
