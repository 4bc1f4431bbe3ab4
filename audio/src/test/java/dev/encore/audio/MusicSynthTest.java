package dev.encore.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

class MusicSynthTest {
    private static final int FRAME = Frames.frameLength(2);
    /** One whole stereo loop, rendered once for the tests that only look at it. */
    private static final short[] LOOP = render(new MusicSynth(true), MusicSynth.LOOP_FRAMES);

    private static short[] render(MusicSynth synth, int frames) {
        short[] out = new short[frames * Frames.frameLength(synth.channels())];
        short[] frame = new short[Frames.frameLength(synth.channels())];
        for (int f = 0; f < frames; f++) {
            synth.render(frame);
            System.arraycopy(frame, 0, out, f * frame.length, frame.length);
        }
        return out;
    }

    @Test
    void loopIsWholeFrames() {
        assertThat(MusicSynth.LOOP_FRAMES).isEqualTo(960); // 8 bars of 2.4 s
    }

    @Test
    void isMusicAtAComfortableLevel() {
        short[] loop = LOOP;

        assertThat(ToneAnalysis.rmsDbfs(loop)).isBetween(-20.0, -14.0);
        assertThat(ToneAnalysis.peakDbfs(loop)).isBetween(-8.0, -1.0); // never clipped
        // no frame is silent: the pad and bass carry across every bar line
        for (int f = 0; f < MusicSynth.LOOP_FRAMES; f++) {
            short[] frame = Arrays.copyOfRange(loop, f * FRAME, (f + 1) * FRAME);
            assertThat(ToneAnalysis.rmsDbfs(frame)).as("frame %d", f).isGreaterThan(-40.0);
        }
    }

    @Test
    void hasNoClicks() {
        short[] loop = new short[LOOP.length + 2 * FRAME]; // the seam too: the loop's end runs into its start
        System.arraycopy(LOOP, 0, loop, 0, LOOP.length);
        System.arraycopy(LOOP, 0, loop, LOOP.length, 2 * FRAME);
        // A fourth difference is a steep high-pass: the music (nothing above ~3.2 kHz) stays under ~160 in it, while a note
        // cut short or a seam steps 3x its jump. Cutting the plucks' tails one eighth early measures ~470.
        int largest = 0;
        for (int i = 8; i < loop.length; i++) { // stride 2: the same channel
            int fourth = loop[i] - 4 * loop[i - 2] + 6 * loop[i - 4] - 4 * loop[i - 6] + loop[i - 8];
            largest = Math.max(largest, Math.abs(fourth));
        }
        assertThat(largest).isLessThan(300);
    }

    @Test
    void channelsDifferInStereo() {
        short[] pcm = LOOP;
        long differentSamples = 0;
        for (int i = 0; i < pcm.length; i += 2) {
            if (Math.abs(pcm[i] - pcm[i + 1]) > 100) {
                differentSamples++;
            }
        }

        assertThat(differentSamples).isGreaterThan(pcm.length / 2 / 2);
        assertThat(ToneAnalysis.rmsDbfs(pcm, 2, 0)).isBetween(-21.0, -13.0);
        assertThat(ToneAnalysis.rmsDbfs(pcm, 2, 1)).isBetween(-21.0, -13.0);
    }

    @Test
    void monoIsTheAverageOfStereo() {
        short[] stereo = render(new MusicSynth(true), 10);
        short[] mono = render(new MusicSynth(false), 10);

        assertThat(mono).hasSize(stereo.length / 2);
        for (int i = 0; i < mono.length; i++) {
            assertThat(Math.abs(mono[i] - (stereo[2 * i] + stereo[2 * i + 1]) / 2)).isLessThanOrEqualTo(1);
        }
    }

    @Test
    void isDeterministicAndLoops() {
        MusicSynth synth = new MusicSynth(true);
        short[] first = render(synth, MusicSynth.LOOP_FRAMES);
        assertThat(synth.position()).isZero();
        short[] again = render(synth, 50);

        assertThat(first).isEqualTo(LOOP); // a new synth plays the same
        assertThat(again).isEqualTo(Arrays.copyOf(LOOP, again.length)); // and after a loop it starts over
        // it is not one bar over and over: the second half differs from the first
        int half = first.length / 2;
        assertThat(Arrays.copyOfRange(first, half, first.length)).isNotEqualTo(Arrays.copyOfRange(first, 0, half));
    }

    @Test
    void playsTheProgression() {
        // the bass is the strongest partial: each half bar's dominant frequency is its note, C2 G2 A2 F2 (I V vi IV)
        short[] pcm = render(new MusicSynth(false), 4 * 120);
        double[] expected = {65.41, 98.00, 110.00, 87.31};
        for (int bar = 0; bar < 4; bar++) {
            short[] halfBar = Arrays.copyOfRange(pcm, bar * 120 * 960, (bar * 120 + 60) * 960);

            assertThat(ToneAnalysis.dominantFrequency(halfBar, 1, 48_000)).as("bar %d", bar).isCloseTo(expected[bar], within(0.5));
        }
    }

    @Test
    void rejectsAWrongFrameLength() {
        assertThatIllegalArgumentException().isThrownBy(() -> new MusicSynth(false).render(new short[1920]))
                .withMessage("frame length: 1920 (expected: 960 for 20 ms of 1 channel(s))");
    }
}
