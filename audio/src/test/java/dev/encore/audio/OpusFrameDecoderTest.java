package dev.encore.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class OpusFrameDecoderTest {

    private static byte[] encodeOne(FrameSource source, OpusFrameEncoder encoder, int frames) {
        short[] pcm = new short[Frames.frameLength(source.channels())];
        byte[] packet = new byte[Frames.MAX_PACKET_BYTES];
        int length = 0;
        for (int f = 0; f < frames; f++) {
            source.render(pcm);
            length = encoder.encode(pcm, packet);
        }
        return java.util.Arrays.copyOf(packet, length);
    }

    @Test
    void rejectsMalformedPacketsWithItsOwnException() {
        OpusFrameDecoder decoder = new OpusFrameDecoder(true);
        short[] pcm = new short[Frames.frameLength(2)];

        // TOC code 3 (arbitrary frame count) with a count of 0 frames: https://www.rfc-editor.org/rfc/rfc6716#section-3.2.5
        Throwable zeroFrames = catchThrowable(() -> decoder.decode(new byte[] {(byte) 0xFB, 0x00}, 0, 2, pcm));
        assertThat(zeroFrames).isInstanceOf(OpusDecodeException.class).hasMessageContaining("cannot decode Opus packet of 2 bytes");

        // TOC code 2 (two frames of different sizes) whose first length runs past the packet's end
        Throwable overrun = catchThrowable(() -> decoder.decode(new byte[] {(byte) 0xFA, (byte) 200, 1, 2}, 0, 4, pcm));
        assertThat(overrun).isInstanceOf(OpusDecodeException.class);

        Throwable empty = catchThrowable(() -> decoder.decode(new byte[10], 3, 0, pcm));
        assertThat(empty).isInstanceOf(OpusDecodeException.class).hasMessage("empty Opus packet: 0 bytes (expected: at least 1)");
    }

    @Test
    void randomBytesEitherDecodeOrThrowOpusDecodeException() {
        SplittableRandom random = new SplittableRandom(42);
        short[] pcm = new short[Frames.frameLength(2) * 6];
        int rejected = 0;
        for (int i = 0; i < 2000; i++) {
            OpusFrameDecoder decoder = new OpusFrameDecoder(i % 2 == 0);
            byte[] garbage = new byte[1 + random.nextInt(400)];
            random.nextBytes(garbage);
            try {
                int samples = decoder.decode(garbage, 0, garbage.length, pcm);
                assertThat(samples).isBetween(120, Frames.MAX_SAMPLES_PER_CHANNEL_IN_PACKET);
            } catch (OpusDecodeException e) {
                rejected++;
                assertThat(e).hasMessageContaining("(expected: ");
            }
        }
        assertThat(rejected).isPositive(); // some are structurally invalid; the rest decode to noise, as libopus would
    }

    @Test
    void aPacketLongerThanTheBufferIsRejected() {
        // code 3, 6 frames of 20 ms CELT (config 31) = 120 ms: more than a 20 ms buffer holds
        byte[] sixFrames = {(byte) 0xFB, 0x06, 0, 0, 0, 0, 0, 0};
        Throwable thrown = catchThrowable(() -> new OpusFrameDecoder(true).decode(sixFrames, 0, sixFrames.length,
                new short[Frames.frameLength(2)]));

        assertThat(thrown).isInstanceOf(OpusDecodeException.class);
    }

    @Test
    void decodesAtAnOffset() throws Exception {
        byte[] packet = encodeOne(new ToneSynth(440, 0.5, false), new OpusFrameEncoder(64_000, false), 10);
        byte[] framed = new byte[packet.length + 12];
        System.arraycopy(packet, 0, framed, 12, packet.length);
        short[] direct = new short[960];
        short[] offset = new short[960];

        assertThat(new OpusFrameDecoder(false).decode(packet, 0, packet.length, direct)).isEqualTo(960);
        assertThat(new OpusFrameDecoder(false).decode(framed, 12, packet.length, offset)).isEqualTo(960);
        assertThat(offset).isEqualTo(direct);
    }

    @Test
    void concealsALostFrameFromWhatCameBefore() throws Exception {
        ToneSynth tone = new ToneSynth(440, 0.5, true);
        OpusFrameEncoder encoder = new OpusFrameEncoder(96_000, true);
        OpusFrameDecoder decoder = new OpusFrameDecoder(true);
        short[] pcm = new short[Frames.frameLength(2)];
        short[] decoded = new short[Frames.frameLength(2)];
        byte[] packet = new byte[Frames.MAX_PACKET_BYTES];
        for (int f = 0; f < 20; f++) {
            tone.render(pcm);
            decoder.decode(packet, 0, encoder.encode(pcm, packet), decoded);
        }

        short[] concealed = new short[Frames.frameLength(2)];
        assertThat(decoder.conceal(concealed)).isEqualTo(Frames.SAMPLES_PER_CHANNEL);
        assertThat(ToneAnalysis.rmsDbfs(concealed)).isGreaterThan(-30.0); // not silence: the tone carries on
        // and decoding resumes after the gap
        tone.render(pcm);
        assertThat(decoder.decode(packet, 0, encoder.encode(pcm, packet), decoded)).isEqualTo(Frames.SAMPLES_PER_CHANNEL);
    }

    @Test
    void concealingBeforeAnyPacketGivesSilence() {
        short[] pcm = new short[Frames.frameLength(1)];
        pcm[0] = 1234;

        assertThat(new OpusFrameDecoder(false).conceal(pcm)).isEqualTo(960);
        assertThat(pcm).containsOnly((short) 0);
    }

    @Test
    void concealRejectsASmallBuffer() {
        assertThatIllegalArgumentException().isThrownBy(() -> new OpusFrameDecoder(true).conceal(new short[960]))
                .withMessage("pcm length: 960 (expected: at least 1920)");
    }
}
