package dev.encore.media;

import static dev.encore.media.TestPackets.payload;
import static dev.encore.media.TestPackets.rtp;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutgoingStreamTest {
    private static final long MS = 1_000_000L;

    private final OutgoingStream stream = new OutgoingStream(0xCAFEBABEL, 5000, 100_000);

    private static int seq(long r) {
        return (int) (r >>> 32);
    }

    private static long ts(long r) {
        return r & 0xFFFFFFFFL;
    }

    private long rewrite(int seq, long ts, long ssrc, long nowNanos) {
        byte[] p = rtp(111, seq, ts, ssrc, payload(40, seq));
        return stream.rewrite(p, 0, p.length, nowNanos);
    }

    @Test
    void startsAtTheInitialValuesAndKeepsTheSourcesSpacing() {
        long a = rewrite(10, 1_000, 0x1111, 0);
        assertThat(seq(a)).isEqualTo(5000);
        assertThat(ts(a)).isEqualTo(100_000);
        long b = rewrite(11, 1_960, 0x1111, 20 * MS);
        assertThat(seq(b)).isEqualTo(5001);
        assertThat(ts(b)).isEqualTo(100_960);
        // a lost packet (seq 12) stays a gap, a late one keeps its place
        long d = rewrite(13, 3_880, 0x1111, 60 * MS);
        long c = rewrite(12, 2_920, 0x1111, 61 * MS);
        assertThat(seq(d)).isEqualTo(5003);
        assertThat(seq(c)).isEqualTo(5002);
        assertThat(ts(c)).isEqualTo(101_920);
        assertThat(stream.packetCount()).isEqualTo(4);
        assertThat(stream.octetCount()).isEqualTo(4 * 40);
    }

    @Test
    void aNewSourceContinuesTheSequenceAndAdvancesTimestampByElapsedTime() {
        rewrite(10, 1_000, 0x1111, 0);
        long last = rewrite(11, 1_960, 0x1111, 20 * MS);
        // the performer reconnects 2.5 s later with a new SSRC and unrelated numbering
        long next = rewrite(40_000, 7_777_777, 0x2222, 2_520 * MS);
        assertThat(seq(next)).isEqualTo(seq(last) + 1);
        assertThat(ts(next)).isEqualTo(ts(last) + 2_500 * 48);
        long after = rewrite(40_001, 7_777_777 + 960, 0x2222, 2_540 * MS);
        assertThat(seq(after)).isEqualTo(seq(last) + 2);
        assertThat(ts(after)).isEqualTo(ts(next) + 960);
    }

    @Test
    void aNewSourceRightAwayStillMovesOnByOneFrame() {
        long last = rewrite(10, 1_000, 0x1111, 0);
        long next = rewrite(99, 5, 0x2222, 1 * MS);
        assertThat(ts(next)).isEqualTo(ts(last) + OutgoingStream.MIN_GAP_TICKS);
    }

    @Test
    void aSequenceJumpFromTheSameSourceIsTreatedAsARestart() {
        long last = rewrite(100, 1_000, 0x1111, 0);
        long next = rewrite(30_000, 500_000_000L, 0x1111, 1_000 * MS);
        assertThat(seq(next)).isEqualTo(seq(last) + 1);
        assertThat(ts(next)).isEqualTo(ts(last) + 48_000);
    }

    @Test
    void wrapsSequenceAndTimestamp() {
        OutgoingStream s = new OutgoingStream(1, 65_535, 0xFFFF_FFFFL);
        byte[] p1 = rtp(111, 7, 0, 9, payload(10, 1));
        byte[] p2 = rtp(111, 8, 960, 9, payload(10, 2));
        long a = s.rewrite(p1, 0, p1.length, 0);
        long b = s.rewrite(p2, 0, p2.length, 20 * MS);
        assertThat(seq(a)).isEqualTo(65_535);
        assertThat(seq(b)).isZero();
        assertThat(ts(a)).isEqualTo(0xFFFF_FFFFL);
        assertThat(ts(b)).isEqualTo(959);
    }

    @Test
    void extrapolatesTheTimestampForSenderReports() {
        rewrite(10, 1_000, 0x1111, 0);
        assertThat(stream.timestampAt(500 * MS)).isEqualTo(100_000 + 24_000);
    }
}
