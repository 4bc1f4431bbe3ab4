package dev.encore.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** RFC 3550 A.1/A.3/A.8 figures and the 2 s window, on a fake clock. */
class IncomingStatsTest {
    private static final long FRAME_NANOS = 20_000_000L;

    @Test
    void aSteadyStreamHasNoLossNoJitterAndItsBitrate() {
        IncomingStats stats = new IncomingStats();
        long t = 1_000_000_000L;
        for (int i = 0; i < 150; i++) {
            stats.onPacket(65_500 + i, 960L * i, 200, t + i * FRAME_NANOS); // wraps the sequence number
        }
        long now = t + 149 * FRAME_NANOS;
        assertThat(stats.expected()).isEqualTo(150);
        assertThat(stats.cumulativeLost()).isZero();
        assertThat(stats.extendedHighest()).isEqualTo(0x10000 + (65_500 + 149 - 0x10000));
        assertThat(stats.jitter()).isZero();
        IncomingStats.Window w = stats.window(now);
        assertThat(w.loss()).isZero();
        assertThat(w.bitrate()).isCloseTo(200 * 8 * 50, within(2_000.0));
        assertThat(stats.window(now + 5_000_000_000L).bitrate()).as("nothing for 5 s").isZero();
    }

    @Test
    void gapsAreLossAndReorderingIsNot() {
        IncomingStats stats = new IncomingStats();
        long t = 0;
        int[] seqs = {0, 1, 2, 4, 3, 5, 8, 9};
        for (int i = 0; i < seqs.length; i++) {
            stats.onPacket(seqs[i], 960L * seqs[i], 100, t + i * FRAME_NANOS);
        }
        assertThat(stats.expected()).isEqualTo(10);
        assertThat(stats.cumulativeLost()).isEqualTo(2);
        assertThat(stats.nextReportFraction()).isEqualTo(2 * 256 / 10);
        assertThat(stats.nextReportFraction()).as("nothing new since").isZero();
    }

    @Test
    void jitterFollowsVaryingTransitTime() {
        IncomingStats stats = new IncomingStats();
        for (int i = 0; i < 200; i++) {
            long wobble = (i % 2) * 4_000_000L; // every other packet 4 ms late
            stats.onPacket(i, 960L * i, 100, i * FRAME_NANOS + wobble);
        }
        // |D| is 4 ms every packet, so J converges to 4 ms (RFC 3550 A.8).
        assertThat(stats.jitterMillis()).isCloseTo(4.0, within(0.2));
    }

    @Test
    void aNewSourceIsNotLoss() {
        IncomingStats stats = new IncomingStats();
        for (int i = 0; i < 10; i++) {
            stats.onPacket(100 + i, 960L * i, 100, i * FRAME_NANOS);
        }
        stats.newSource();
        for (int i = 0; i < 10; i++) {
            stats.onPacket(50_000 + i, 7L + 960L * i, 100, (20 + i) * FRAME_NANOS);
        }
        assertThat(stats.expected()).isEqualTo(20);
        assertThat(stats.cumulativeLost()).isZero();
        assertThat(stats.window(29 * FRAME_NANOS).loss()).isZero();
    }
}
