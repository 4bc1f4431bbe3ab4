package dev.encore.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpusFrameEncoderTest {

    /** Encodes {@code frames} frames of {@code source}, decodes them, and returns the decoded PCM after the first 5 frames. */
    static short[] roundTrip(FrameSource source, OpusFrameEncoder encoder, OpusFrameDecoder decoder, int frames)
            throws OpusDecodeException {
        int channels = source.channels();
        short[] pcm = new short[Frames.frameLength(channels)];
        short[] decoded = new short[Frames.frameLength(channels)];
        byte[] packet = new byte[Frames.MAX_PACKET_BYTES];
        int skip = 5; // the codec's start-up and look-ahead
        short[] out = new short[(frames - skip) * pcm.length];
        for (int f = 0; f < frames; f++) {
            source.render(pcm);
            int length = encoder.encode(pcm, packet);
            assertThat(length).isBetween(1, Frames.MAX_PACKET_BYTES);
            assertThat(decoder.decode(packet, 0, length, decoded)).isEqualTo(Frames.SAMPLES_PER_CHANNEL);
            if (f >= skip) {
                System.arraycopy(decoded, 0, out, (f - skip) * decoded.length, decoded.length);
            }
        }
        return out;
    }

    @ParameterizedTest
    @CsvSource({"440, true", "880, true", "440, false", "880, false"})
    void toneSurvivesEncodeAndDecodeAt96kbps(double frequency, boolean stereo) throws Exception {
        short[] decoded = roundTrip(new ToneSynth(frequency, 0.5, stereo), new OpusFrameEncoder(96_000, stereo),
                new OpusFrameDecoder(stereo), 55); // 1 s after the first 5 frames

        int channels = stereo ? 2 : 1;
        assertThat(ToneAnalysis.dominantFrequency(decoded, channels, Frames.SAMPLE_RATE)).isCloseTo(frequency, within(3.0));
        assertThat(ToneAnalysis.rmsDbfs(decoded)).isCloseTo(20 * Math.log10(0.5) - 3.01, within(1.0));
    }

    @Test
    void packetSizeFollowsTheBitrate() {
        MusicSynth music = new MusicSynth(true);
        short[] pcm = new short[Frames.frameLength(2)];
        byte[] packet = new byte[Frames.MAX_PACKET_BYTES];
        OpusFrameEncoder low = new OpusFrameEncoder(32_000, true);
        OpusFrameEncoder high = new OpusFrameEncoder(128_000, true);
        long lowBytes = 0;
        long highBytes = 0;
        for (int f = 0; f < 100; f++) {
            music.render(pcm);
            lowBytes += low.encode(pcm, packet);
            highBytes += high.encode(pcm, packet);
        }

        // 20 ms at 32 kbit/s is 80 bytes, at 128 kbit/s 320 (VBR wanders around the target)
        assertThat(lowBytes / 100.0).isBetween(60.0, 100.0);
        assertThat(highBytes / 100.0).isBetween(250.0, 400.0);
    }

    @Test
    void musicSurvivesWithBothChannels() throws Exception {
        short[] decoded = roundTrip(new MusicSynth(true), new OpusFrameEncoder(96_000, true, 0), new OpusFrameDecoder(true), 60);

        assertThat(ToneAnalysis.rmsDbfs(decoded, 2, 0)).isBetween(-22.0, -12.0);
        assertThat(ToneAnalysis.rmsDbfs(decoded, 2, 1)).isBetween(-22.0, -12.0);
        int different = 0;
        for (int i = 0; i < decoded.length; i += 2) {
            if (Math.abs(decoded[i] - decoded[i + 1]) > 100) {
                different++;
            }
        }
        assertThat(different).isGreaterThan(decoded.length / 8);
    }

    @Test
    void rejectsBadSettingsAndFrames() {
        assertThatIllegalArgumentException().isThrownBy(() -> new OpusFrameEncoder(5_999, true))
                .withMessage("bitrate: 5999 (expected: 6000..510000)");
        assertThatIllegalArgumentException().isThrownBy(() -> new OpusFrameEncoder(510_001, true));
        assertThatIllegalArgumentException().isThrownBy(() -> new OpusFrameEncoder(96_000, true, 11))
                .withMessage("complexity: 11 (expected: 0..10)");
        assertThatIllegalArgumentException().isThrownBy(() -> new OpusFrameEncoder(96_000, true).encode(new short[960], new byte[1275]))
                .withMessageContaining("expected: 1920");
    }
}
