package dev.encore.loadtest.janus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.encore.audio.OpusFrameDecoder;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StampedToneTest {

    @Test
    void stampRoundTripsAndKeepsTheFrame() {
        byte[] frame = {(byte) 0xFC, 1, 2, 3, 4, 5}; // TOC with code 0, then the frame
        byte[] out = new byte[64];

        int n = StampedTone.stamp(frame, frame.length, 0x0102_0304_0506_0708L, out);

        assertThat(n).isEqualTo(frame.length + StampedTone.OVERHEAD);
        assertThat(out[0] & 0xFF).isEqualTo(0xFF); // code 3
        assertThat(out[1] & 0xFF).isEqualTo(0x41); // one frame, padding
        assertThat(out[2]).isEqualTo((byte) StampedTone.PADDING);
        assertThat(java.util.Arrays.copyOfRange(out, 3, 3 + frame.length - 1)).containsExactly(1, 2, 3, 4, 5);
        assertThat(StampedTone.sendNanos(out, 0, n)).isEqualTo(0x0102_0304_0506_0708L);
    }

    @Test
    void unstampedPayloadsCarryNoTime() {
        byte[] frame = {(byte) 0xFC, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};

        assertThat(StampedTone.sendNanos(frame, 0, frame.length)).isEqualTo(-1);
        assertThat(StampedTone.stamp(new byte[] {(byte) 0xFD, 1}, 2, 1, new byte[64])).isEqualTo(-1); // code 1: not stamped
    }

    @Test
    void sendsDecodableStampedOpusAtTheFramePace() throws Exception {
        CountDownLatch five = new CountDownLatch(5);
        byte[][] last = new byte[1][];
        long before = System.nanoTime();
        try (StampedTone tone = new StampedTone((opus, len) -> {
            last[0] = java.util.Arrays.copyOf(opus, len);
            five.countDown();
            return true;
        })) {
            tone.start();
            assertThat(five.await(10, TimeUnit.SECONDS)).isTrue();
        }
        byte[] packet = last[0];
        long sent = StampedTone.sendNanos(packet, 0, packet.length);
        assertThat(sent).isGreaterThan(before);
        OpusFrameDecoder decoder = new OpusFrameDecoder(true);
        short[] pcm = new short[960 * 2 * 6];
        assertThat(decoder.decode(packet, 0, packet.length, pcm)).isEqualTo(960);
    }
}
