package dev.encore.recording;

import static org.assertj.core.api.Assertions.assertThat;

import dev.encore.audio.OpusDecodeException;
import dev.encore.audio.OpusFrameDecoder;
import dev.encore.audio.OpusFrameEncoder;
import dev.encore.audio.ToneSynth;
import org.junit.jupiter.api.Test;

class OpusPacketTest {

    @Test
    void samplesFromTheTocByte() {
        // RFC 6716 §3.1: config 31 is CELT FB 20 ms, 1 is SILK NB 20 ms, 13 hybrid FB 20 ms, 16 CELT NB 2.5 ms.
        assertThat(OpusPacket.samples(new byte[] {(byte) (31 << 3)}, 0, 1)).isEqualTo(960);
        assertThat(OpusPacket.samples(new byte[] {(byte) (1 << 3), 1, 2}, 0, 3)).isEqualTo(960);
        assertThat(OpusPacket.samples(new byte[] {(byte) (3 << 3), 1}, 0, 2)).as("SILK 60 ms").isEqualTo(2880);
        assertThat(OpusPacket.samples(new byte[] {(byte) (12 << 3), 1}, 0, 2)).as("hybrid 10 ms").isEqualTo(480);
        assertThat(OpusPacket.samples(new byte[] {(byte) (16 << 3), 1}, 0, 2)).as("CELT 2.5 ms").isEqualTo(120);
        // code 1: two equal frames; code 2: two frames; code 3: the count byte.
        assertThat(OpusPacket.samples(new byte[] {(byte) ((31 << 3) | 1), 1, 2}, 0, 3)).isEqualTo(1920);
        assertThat(OpusPacket.samples(new byte[] {(byte) ((31 << 3) | 2), 1, 2, 3}, 0, 4)).isEqualTo(1920);
        assertThat(OpusPacket.samples(new byte[] {(byte) ((31 << 3) | 3), 6, 0, 0}, 0, 4)).isEqualTo(5760);
    }

    @Test
    void malformedPacketsHaveNoLength() {
        assertThat(OpusPacket.samples(new byte[0], 0, 0)).isEqualTo(-1);
        assertThat(OpusPacket.samples(new byte[] {(byte) ((31 << 3) | 1), 1}, 0, 2)).as("code 1, odd length").isEqualTo(-1);
        assertThat(OpusPacket.samples(new byte[] {(byte) ((31 << 3) | 3)}, 0, 1)).as("code 3 without count").isEqualTo(-1);
        assertThat(OpusPacket.samples(new byte[] {(byte) ((31 << 3) | 3), 0}, 0, 2)).as("no frame").isEqualTo(-1);
        assertThat(OpusPacket.samples(new byte[] {(byte) ((31 << 3) | 3), 7, 0}, 0, 3)).as("140 ms").isEqualTo(-1);
    }

    /** The silence packet decodes to digital silence once the previous frame's overlap has died out (concentus). */
    @Test
    void silencePacketDecodesToZeros() throws OpusDecodeException {
        OpusFrameEncoder encoder = new OpusFrameEncoder(128_000, true);
        OpusFrameDecoder decoder = new OpusFrameDecoder(true);
        ToneSynth tone = new ToneSynth(440, 0.5, true);
        short[] pcm = new short[960 * 2];
        byte[] packet = new byte[1275];
        for (int i = 0; i < 25; i++) {
            tone.render(pcm);
            int n = encoder.encode(pcm, packet);
            decoder.decode(packet, 0, n, pcm);
        }
        assertThat(peak(pcm)).as("the tone").isGreaterThan(10_000);
        byte[] silence = OpusPacket.silence20ms(2);
        assertThat(OpusPacket.samples(silence, 0, silence.length)).isEqualTo(960);
        assertThat(decoder.decode(silence, 0, silence.length, pcm)).isEqualTo(960);
        for (int i = 0; i < 3; i++) {
            assertThat(decoder.decode(silence, 0, silence.length, pcm)).isEqualTo(960);
            assertThat(peak(pcm)).as("silence frame %d after the first", i).isZero();
        }
        OpusFrameDecoder mono = new OpusFrameDecoder(false);
        byte[] monoSilence = OpusPacket.silence20ms(1);
        short[] monoPcm = new short[960];
        assertThat(mono.decode(monoSilence, 0, monoSilence.length, monoPcm)).isEqualTo(960);
        assertThat(peak(monoPcm)).isZero();
    }

    static int peak(short[] pcm) {
        int peak = 0;
        for (short s : pcm) {
            peak = Math.max(peak, Math.abs(s));
        }
        return peak;
    }
}
