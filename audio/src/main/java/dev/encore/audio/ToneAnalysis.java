package dev.encore.audio;

/**
 * Measurements on PCM, for tests and the load tool: which tone is playing, and how loud. Stateless.
 */
public final class ToneAnalysis {
    private static final int MIN_FFT_SIZE = 1 << 14;

    private ToneAnalysis() {
    }

    /**
     * The frequency of the strongest tone, in Hz: channels are averaged, a Hann window applied, the spectrum computed by an
     * FFT zero-padded to at least 16,384 points, and the peak refined by Gaussian (parabolic on log magnitude)
     * interpolation. Within ±0.5 Hz for a clean sine of 0.2 s or more (tested); 0 for silence.
     *
     * @param interleaved samples, {@code channels} interleaved
     * @param sampleRate in Hz
     */
    public static double dominantFrequency(short[] interleaved, int channels, int sampleRate) {
        checkArguments(interleaved, channels);
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sampleRate: " + sampleRate + " (expected: > 0)");
        }
        int n = interleaved.length / channels;
        if (n < 4) {
            throw new IllegalArgumentException("samples per channel: " + n + " (expected: at least 4)");
        }
        int size = Math.max(MIN_FFT_SIZE, Integer.highestOneBit(n - 1) << 1);
        double[] re = new double[size];
        double[] im = new double[size];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int c = 0; c < channels; c++) {
                sum += interleaved[i * channels + c];
            }
            double hann = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / (n - 1));
            re[i] = sum / channels * hann;
        }
        fft(re, im);

        int peak = -1;
        double peakPower = 0;
        for (int k = 1; k < size / 2; k++) { // bin 0 is DC
            double power = re[k] * re[k] + im[k] * im[k];
            if (power > peakPower) {
                peakPower = power;
                peak = k;
            }
        }
        if (peak < 0) {
            return 0;
        }
        double offset = 0;
        if (peak + 1 < size / 2) {
            // a Hann-windowed sine's main lobe is close to a Gaussian: a parabola through log power finds its top
            double left = Math.log(re[peak - 1] * re[peak - 1] + im[peak - 1] * im[peak - 1] + 1e-30);
            double middle = Math.log(peakPower);
            double right = Math.log(re[peak + 1] * re[peak + 1] + im[peak + 1] * im[peak + 1] + 1e-30);
            double denominator = left - 2 * middle + right;
            if (denominator < 0) {
                offset = 0.5 * (left - right) / denominator;
            }
        }
        return (peak + offset) * sampleRate / size;
    }

    /** RMS level of all samples in dB relative to full scale (a full-scale square wave is 0, a full-scale sine -3.01). */
    public static double rmsDbfs(short[] samples) {
        if (samples.length == 0) {
            throw new IllegalArgumentException("samples: none (expected: at least 1)");
        }
        double sum = 0;
        for (short s : samples) {
            sum += (double) s * s;
        }
        return toDbfs(Math.sqrt(sum / samples.length));
    }

    /** RMS level of one channel of interleaved samples, in dBFS. */
    public static double rmsDbfs(short[] interleaved, int channels, int channel) {
        checkArguments(interleaved, channels);
        if (channel < 0 || channel >= channels) {
            throw new IllegalArgumentException("channel: " + channel + " (expected: 0.." + (channels - 1) + ")");
        }
        int n = interleaved.length / channels;
        if (n == 0) {
            throw new IllegalArgumentException("samples: none (expected: at least 1)");
        }
        double sum = 0;
        for (int i = channel; i < interleaved.length; i += channels) {
            sum += (double) interleaved[i] * interleaved[i];
        }
        return toDbfs(Math.sqrt(sum / n));
    }

    /** The largest absolute sample in dBFS (full scale = 0). */
    public static double peakDbfs(short[] samples) {
        int peak = 0;
        for (short s : samples) {
            peak = Math.max(peak, Math.abs(s));
        }
        return toDbfs(peak);
    }

    private static double toDbfs(double amplitude) {
        return amplitude == 0 ? Double.NEGATIVE_INFINITY : 20 * Math.log10(amplitude / 32768.0);
    }

    private static void checkArguments(short[] interleaved, int channels) {
        if (channels < 1) {
            throw new IllegalArgumentException("channels: " + channels + " (expected: >= 1)");
        }
        if (interleaved.length % channels != 0) {
            throw new IllegalArgumentException("samples: " + interleaved.length + " (expected: a multiple of " + channels
                    + " channels)");
        }
    }

    /** In-place iterative radix-2 Cooley-Tukey FFT; the length must be a power of two. */
    static void fft(double[] re, double[] im) {
        int n = re.length;
        for (int i = 1, j = 0; i < n; i++) {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) {
                j ^= bit;
            }
            j ^= bit;
            if (i < j) {
                double t = re[i];
                re[i] = re[j];
                re[j] = t;
                t = im[i];
                im[i] = im[j];
                im[j] = t;
            }
        }
        for (int length = 2; length <= n; length <<= 1) {
            double angle = -2 * Math.PI / length;
            double stepRe = Math.cos(angle);
            double stepIm = Math.sin(angle);
            for (int start = 0; start < n; start += length) {
                double wRe = 1;
                double wIm = 0;
                for (int k = 0; k < length / 2; k++) {
                    int a = start + k;
                    int b = a + length / 2;
                    double xRe = re[b] * wRe - im[b] * wIm;
                    double xIm = re[b] * wIm + im[b] * wRe;
                    re[b] = re[a] - xRe;
                    im[b] = im[a] - xIm;
                    re[a] += xRe;
                    im[a] += xIm;
                    double nextRe = wRe * stepRe - wIm * stepIm;
                    wIm = wRe * stepIm + wIm * stepRe;
                    wRe = nextRe;
                }
            }
        }
    }
}
