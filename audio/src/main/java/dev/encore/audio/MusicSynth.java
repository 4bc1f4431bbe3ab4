package dev.encore.audio;

/**
 * Generated music for the demo performer and the load tool: an eight-bar loop of I–V–vi–IV in C major (C, G, Am, F,
 * twice) at 100 BPM, with a soft detuned pad, a plucked eighth-note arpeggio that alternates left and right, and a bass
 * note on each half bar. Levels sit around -17 dBFS RMS, peaks near -4 dBFS.
 *
 * <p>Every sample is a pure function of its position in the loop, so the output is deterministic, loops seamlessly
 * ({@link #LOOP_FRAMES} frames, 19.2 s) and never drifts. Not thread-safe: owned by the thread that renders.
 */
public final class MusicSynth implements FrameSource {
    private static final int SR = Frames.SAMPLE_RATE;
    private static final int EIGHTH = SR * 3 / 10; // 100 BPM: a quarter is 0.6 s, so an eighth is 0.3 s (15 frames)
    private static final int HALF_BAR = 4 * EIGHTH;
    private static final int BAR = 8 * EIGHTH;
    private static final int BARS = 8;
    private static final int LOOP = BARS * BAR;
    /** The loop's length in 20 ms frames (960). */
    public static final int LOOP_FRAMES = LOOP / Frames.SAMPLES_PER_CHANNEL;

    /** Chord of each bar: 0 = C, 1 = G, 2 = Am, 3 = F. */
    private static final int[] CHORD_OF_BAR = {0, 1, 2, 3, 0, 1, 2, 3};
    /** Pad voicings around middle C (MIDI notes), voice-led. */
    private static final int[][] PAD = {{60, 64, 67}, {59, 62, 67}, {57, 60, 64}, {57, 60, 65}};
    /** Arpeggio tones an octave up: root, third, fifth, octave. */
    private static final int[][] ARP = {{72, 76, 79, 84}, {67, 71, 74, 79}, {69, 72, 76, 81}, {65, 69, 72, 77}};
    /** Which arpeggio tone each eighth plays: the second time round the pattern turns over. */
    private static final int[][] PATTERN = {{0, 1, 2, 3, 2, 1, 2, 1}, {0, 2, 1, 3, 1, 2, 3, 2}};
    /** Bass: root on the first half bar; the second time round, the fifth on the second half bar. */
    private static final int[][] BASS = {{36, 43}, {43, 38}, {45, 40}, {41, 36}};

    /** Brings the mix to about -17 dBFS RMS, peaks near -4 dBFS. */
    private static final double MASTER = 1.6;
    private static final double PAD_LEVEL = 0.055;
    private static final double ARP_LEVEL = 0.16;
    private static final double BASS_LEVEL = 0.24;
    private static final double PAD_DETUNE = 0.003;
    private static final int PAD_ATTACK = SR / 4;
    private static final int PAD_RELEASE = SR / 2;
    /** A plucked note rings for three eighths at most; its envelope reaches zero there, so cutting it makes no click. */
    private static final int ARP_RING = 3 * EIGHTH;
    private static final int ARP_OVERLAP = 3;

    private static final int SINE_SIZE = 4096;
    private static final float[] SINE = new float[SINE_SIZE + 1];
    /** Arpeggio envelopes by sample since the pluck: fundamental, 2nd and 3rd harmonic (brighter at first). */
    private static final float[][] ARP_ENVELOPE = new float[3][ARP_RING];
    private static final float[] BASS_ENVELOPE = new float[HALF_BAR];
    private static final double[] FREQUENCY = new double[128];
    /** Pad tones low to high sit left, centre, right; plucks alternate left and right. */
    private static final double[] PAD_LEFT = {gainLeft(-0.5), gainLeft(0), gainLeft(0.5)};
    private static final double[] PAD_RIGHT = {gainRight(-0.5), gainRight(0), gainRight(0.5)};
    private static final double[] ARP_LEFT = {gainLeft(-0.4), gainLeft(0.4)};
    private static final double[] ARP_RIGHT = {gainRight(-0.4), gainRight(0.4)};

    static {
        for (int note = 0; note < FREQUENCY.length; note++) {
            FREQUENCY[note] = frequency(note);
        }
        for (int i = 0; i <= SINE_SIZE; i++) {
            SINE[i] = (float) Math.sin(2 * Math.PI * i / SINE_SIZE);
        }
        int attack = SR * 3 / 1000;
        double[] decay = {0.22 * SR, 0.08 * SR, 0.05 * SR};
        double[] weight = {1.0, 0.35, 0.15};
        for (int t = 0; t < ARP_RING; t++) {
            double shape = Math.min(1.0, (double) t / attack) * (1.0 - (double) t / ARP_RING);
            for (int h = 0; h < 3; h++) {
                ARP_ENVELOPE[h][t] = (float) (weight[h] * shape * Math.exp(-t / decay[h]));
            }
        }
        int bassAttack = SR * 8 / 1000;
        int bassFade = SR * 40 / 1000;
        for (int t = 0; t < HALF_BAR; t++) {
            double fade = Math.min(1.0, (double) (HALF_BAR - t) / bassFade);
            BASS_ENVELOPE[t] = (float) (Math.min(1.0, (double) t / bassAttack) * fade * Math.exp(-t / (0.9 * SR)));
        }
    }

    private final int channels;
    private final double[] lr = new double[2];
    private int position; // sample index in the loop, [0, LOOP)

    public MusicSynth(boolean stereo) {
        this.channels = stereo ? 2 : 1;
    }

    @Override
    public int channels() {
        return channels;
    }

    /** The next frame's first sample's position in the loop, in samples per channel. */
    public int position() {
        return position;
    }

    @Override
    public void render(short[] interleaved) {
        checkFrame(interleaved, channels);
        for (int i = 0; i < interleaved.length; i += channels) {
            sample(position, lr);
            if (channels == 2) {
                interleaved[i] = toShort(lr[0]);
                interleaved[i + 1] = toShort(lr[1]);
            } else {
                interleaved[i] = toShort((lr[0] + lr[1]) * 0.5);
            }
            position = position + 1 == LOOP ? 0 : position + 1;
        }
    }

    /** Left and right at loop position {@code s}, as fractions of full scale. */
    private static void sample(int s, double[] lr) {
        double left = 0;
        double right = 0;

        // Pad: this bar's chord, and the previous bar's chord releasing under it.
        int bar = s / BAR;
        for (int back = 0; back < 2; back++) {
            int b = Math.floorMod(bar - back, BARS);
            int t = s - bar * BAR + back * BAR;
            double envelope = Math.min(1.0, (double) t / PAD_ATTACK);
            if (t >= BAR) {
                envelope *= 1.0 - (double) (t - BAR) / PAD_RELEASE;
                if (envelope <= 0) {
                    continue;
                }
            }
            int[] chord = PAD[CHORD_OF_BAR[b]];
            for (int k = 0; k < chord.length; k++) {
                double cycles = FREQUENCY[chord[k]] * t / SR;
                double common = 0.6 * sin(cycles) + 0.12 * sin(2 * cycles);
                double l = common + 0.4 * sin(cycles * (1 - PAD_DETUNE));
                double r = common + 0.4 * sin(cycles * (1 + PAD_DETUNE));
                left += PAD_LEVEL * envelope * l * PAD_LEFT[k];
                right += PAD_LEVEL * envelope * r * PAD_RIGHT[k];
            }
        }

        // Arpeggio: this eighth's pluck and the tails of the two before it.
        int eighth = s / EIGHTH;
        int eighths = LOOP / EIGHTH;
        for (int back = 0; back < ARP_OVERLAP; back++) {
            int n = Math.floorMod(eighth - back, eighths);
            int t = s - eighth * EIGHTH + back * EIGHTH;
            int noteBar = n / 8;
            int step = n % 8;
            int note = ARP[CHORD_OF_BAR[noteBar]][PATTERN[noteBar / 4][step]];
            double cycles = FREQUENCY[note] * t / SR;
            double pluck = ARP_ENVELOPE[0][t] * sin(cycles) + ARP_ENVELOPE[1][t] * sin(2 * cycles)
                    + ARP_ENVELOPE[2][t] * sin(3 * cycles);
            left += ARP_LEVEL * pluck * ARP_LEFT[step % 2];
            right += ARP_LEVEL * pluck * ARP_RIGHT[step % 2];
        }

        // Bass, in the middle.
        int half = s / HALF_BAR;
        int t = s - half * HALF_BAR;
        int[] bass = BASS[CHORD_OF_BAR[half / 2]];
        int note = half % 2 == 1 && bar >= BARS / 2 ? bass[1] : bass[0];
        double cycles = FREQUENCY[note] * t / SR;
        double low = BASS_LEVEL * BASS_ENVELOPE[t] * (sin(cycles) + 0.25 * sin(2 * cycles)) * Math.sqrt(0.5);
        lr[0] = MASTER * (left + low);
        lr[1] = MASTER * (right + low);
    }

    /** Equal-temperament frequency of a MIDI note (A4 = 69 = 440 Hz). */
    static double frequency(int midiNote) {
        return 440.0 * Math.pow(2, (midiNote - 69) / 12.0);
    }

    /** Constant-power panning, pan in -1 (left) .. 1 (right). */
    private static double gainLeft(double pan) {
        return Math.cos((pan + 1) * Math.PI / 4);
    }

    private static double gainRight(double pan) {
        return Math.sin((pan + 1) * Math.PI / 4);
    }

    /** sin(2 pi cycles) from the table, linearly interpolated (error under 1e-6, far below 16-bit resolution). */
    private static double sin(double cycles) {
        double x = (cycles - Math.floor(cycles)) * SINE_SIZE;
        int i = (int) x;
        double f = x - i;
        return SINE[i] + (SINE[i + 1] - SINE[i]) * f;
    }

    private static short toShort(double value) {
        double scaled = Math.round(value * Short.MAX_VALUE);
        return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, scaled));
    }

    static void checkFrame(short[] interleaved, int channels) {
        if (interleaved.length != Frames.frameLength(channels)) {
            throw new IllegalArgumentException("frame length: " + interleaved.length + " (expected: "
                    + Frames.frameLength(channels) + " for 20 ms of " + channels + " channel(s))");
        }
    }
}
