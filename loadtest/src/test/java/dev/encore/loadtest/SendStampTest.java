package dev.encore.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.encore.audio.Frames;
import dev.encore.audio.OpusFrameDecoder;
import dev.encore.audio.OpusFrameEncoder;
import dev.encore.audio.ToneSynth;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SendStampTest {

    @Test
    void aStampedPacketDecodesToTheSamePcmAndCarriesTheTime() throws Exception {
        ToneSynth tone = new ToneSynth(440, 0.5, true);
        OpusFrameEncoder encoder = new OpusFrameEncoder(96_000, true);
        OpusFrameDecoder plain = new OpusFrameDecoder(true);
        OpusFrameDecoder stamped = new OpusFrameDecoder(true);
        short[] pcm = new short[Frames.SAMPLES_PER_CHANNEL * 2];
        byte[] packet = new byte[Frames.MAX_PACKET_BYTES];
        byte[] out = new byte[Frames.MAX_PACKET_BYTES + SendStamp.OVERHEAD];
        short[] a = new short[Frames.MAX_SAMPLES_PER_CHANNEL_IN_PACKET * 2];
        short[] b = new short[Frames.MAX_SAMPLES_PER_CHANNEL_IN_PACKET * 2];
        for (int frame = 0; frame < 20; frame++) {
            tone.render(pcm);
            int len = encoder.encode(pcm, packet);
            long time = 0x0123_4567_89AB_CDEFL + frame;
            int n = SendStamp.stamp(packet, len, time, out);

            assertThat(n).isEqualTo(len + SendStamp.OVERHEAD);
            assertThat(SendStamp.isStamped(out, 0, n)).isTrue();
            assertThat(SendStamp.sendNanos(out, 0, n)).isEqualTo(time);
            assertThat(SendStamp.isStamped(packet, 0, len)).isFalse();
            int sa = plain.decode(packet, 0, len, a);
            int sb = stamped.decode(out, 0, n, b);
            assertThat(sb).isEqualTo(sa).isEqualTo(960);
            assertThat(Arrays.copyOf(b, sb * 2)).isEqualTo(Arrays.copyOf(a, sa * 2));
        }
    }

    @Test
    void multiFramePacketsAreNotStamped() {
        byte[] code1 = {(byte) 0xFD, 1, 2, 3};
        assertThat(SendStamp.stamp(code1, code1.length, 1, new byte[64])).isEqualTo(-1);
        assertThat(SendStamp.stamp(new byte[0], 0, 1, new byte[64])).isEqualTo(-1);
    }

    @Test
    void negativeTimesSurviveTheRoundTrip() {
        byte[] out = new byte[64];
        int n = SendStamp.stamp(new byte[] {(byte) 0xFC, 9, 9}, 3, -42L, out);
        assertThat(SendStamp.sendNanos(out, 0, n)).isEqualTo(-42L);
    }
}
