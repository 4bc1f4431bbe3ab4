package dev.encore.recording.clip;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** RFC 6716 §3.1 (Table 2) and §3.2: how long a packet plays. */
class OpusTocTest {
    private static int samples(int... bytes) {
        byte[] p = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            p[i] = (byte) bytes[i];
        }
        return OpusToc.samples(p);
    }

    @Test
    void oneFramePacketsPlayTheirConfigurationsFrameSize() {
        assertThat(samples(0 << 3, 0)).isEqualTo(480); // SILK NB 10 ms
        assertThat(samples(3 << 3, 0)).isEqualTo(2880); // SILK NB 60 ms
        assertThat(samples(13 << 3, 0)).isEqualTo(960); // Hybrid SWB 20 ms
        assertThat(samples(16 << 3, 0)).isEqualTo(120); // CELT NB 2.5 ms
        assertThat(samples(0xFC, 0xFF, 0xFE)).isEqualTo(960); // CELT FB 20 ms, stereo
    }

    @Test
    void codesOneTwoAndThreeCountTheirFrames() {
        assertThat(samples((31 << 3) | 1, 0, 0)).isEqualTo(1920);
        assertThat(samples((31 << 3) | 2, 1, 0)).isEqualTo(1920);
        assertThat(samples((31 << 3) | 3, 3, 0, 0, 0)).isEqualTo(2880);
    }

    @Test
    void packetsThatCannotBeOpusAreRefused() {
        assertThat(OpusToc.samples(new byte[0])).isEqualTo(-1);
        assertThat(samples((31 << 3) | 3)).isEqualTo(-1); // code 3 without its count byte
        assertThat(samples((31 << 3) | 3, 0)).isEqualTo(-1); // zero frames
        assertThat(samples((31 << 3) | 3, 7, 0)).isEqualTo(-1); // 140 ms > 120 ms
    }
}
