package dev.encore.loadtest.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.encore.loadtest.client.ReceptionStats.Arrival;
import org.junit.jupiter.api.Test;

class ReceptionStatsTest {
    private static final long FRAME_NANOS = 20_000_000L;

    private final ReceptionStats stats = new ReceptionStats(48_000);

    /** Feeds seq with the timestamp and arrival time a 20 ms stream would give it. */
    private Arrival feed(int seq) {
        return stats.onPacket(seq, seq * 960L, 100, seq * FRAME_NANOS);
    }

    @Test
    void inOrderStreamHasNoLoss() {
        assertThat(feed(0)).isEqualTo(Arrival.FIRST);
        for (int s = 1; s < 100; s++) {
            assertThat(feed(s)).isEqualTo(Arrival.IN_ORDER);
        }
        assertThat(stats.expected()).isEqualTo(100);
        assertThat(stats.unique()).isEqualTo(100);
        assertThat(stats.lost()).isZero();
        assertThat(stats.bytes()).isEqualTo(100 * 100);
        assertThat(stats.extendedHighest()).isEqualTo(99);
        assertThat(stats.jitter()).isZero();
    }

    @Test
    void gapsCountAsLossAndReportTheirLength() {
        for (int s : new int[] {0, 1, 2, 4, 5, 6, 9}) {
            feed(s);
            if (s == 4) {
                assertThat(stats.lastGap()).isEqualTo(1);
            }
            if (s == 9) {
                assertThat(stats.lastGap()).isEqualTo(2);
            }
        }
        assertThat(stats.expected()).isEqualTo(10);
        assertThat(stats.lost()).isEqualTo(3);
    }

    @Test
    void sequenceWrapExtendsTheHighestNumber() {
        int[] seqs = {65530, 65531, 65532, 65533, 65534, 65535, 0, 1, 2, 3, 4, 5};
        for (int s : seqs) {
            stats.onPacket(s, 0, 10, 0);
        }
        assertThat(stats.expected()).isEqualTo(12);
        assertThat(stats.lost()).isZero();
        // RFC 3550 §6.4.1: cycle count in the high 16 bits.
        assertThat(stats.extendedHighest()).isEqualTo(0x1_0005L);
    }

    @Test
    void duplicatesAndReorderedPacketsAreToldApart() {
        feed(1);
        feed(3);
        assertThat(feed(2)).isEqualTo(Arrival.REORDERED);
        assertThat(feed(2)).isEqualTo(Arrival.DUPLICATE);
        assertThat(feed(3)).isEqualTo(Arrival.DUPLICATE);
        assertThat(stats.duplicates()).isEqualTo(2);
        assertThat(stats.reordered()).isEqualTo(1);
        assertThat(stats.unique()).isEqualTo(3);
        assertThat(stats.lost()).isZero();
    }

    @Test
    void aPacketFromBeforeTheFirstWidensTheSpan() {
        feed(100);
        assertThat(feed(99)).isEqualTo(Arrival.REORDERED);
        assertThat(stats.expected()).isEqualTo(2);
        assertThat(stats.lost()).isZero();
    }

    @Test
    void duplicatesDoNotHideLosses() {
        feed(0);
        feed(2);
        feed(2);
        assertThat(stats.lost()).isEqualTo(1);
    }

    @Test
    void reportBlockLossFollowsRfc3550A3() {
        for (int s : new int[] {0, 1, 2, 3, 5, 6, 7, 9}) {
            feed(s);
        }
        int[] first = stats.nextReportLoss();
        // 10 expected, 8 received: fraction = 2 * 256 / 10 = 51, cumulative 2.
        assertThat(first).containsExactly(51, 2);
        for (int s = 10; s < 20; s++) {
            feed(s);
        }
        assertThat(stats.nextReportLoss()).containsExactly(0, 2);
    }

    @Test
    void cumulativeLossGoesNegativeWithDuplicatesAsTheRfcSays() {
        feed(0);
        feed(1);
        feed(1);
        // RFC 3550 A.3: lost = expected - received, and received counts duplicates.
        assertThat(stats.nextReportLoss()).containsExactly(0, -1);
    }

    @Test
    void jitterFollowsRfc3550A8() {
        stats.onPacket(0, 0, 10, 0);
        stats.onPacket(1, 960, 10, FRAME_NANOS);
        assertThat(stats.jitter()).isZero();
        // 10 ms late = 480 timestamp units: J = 0 + (480 - 0) / 16 = 30.
        stats.onPacket(2, 1920, 10, 2 * FRAME_NANOS + 10_000_000L);
        assertThat(stats.jitter()).isEqualTo(30);
        // Back on time: D = 480 again, J = 30 + (480 - 30) / 16 = 58.125.
        stats.onPacket(3, 2880, 10, 3 * FRAME_NANOS);
        assertThat(stats.jitter()).isEqualTo(58);
        assertThat(stats.jitterMillis()).isCloseTo(58 / 48.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void jitterSurvivesTimestampWrap() {
        long ts = 0xFFFF_FFFFL - 959;
        stats.onPacket(0, ts, 10, 0);
        stats.onPacket(1, (ts + 960) & 0xFFFF_FFFFL, 10, FRAME_NANOS);
        stats.onPacket(2, (ts + 1920) & 0xFFFF_FFFFL, 10, 2 * FRAME_NANOS);
        assertThat(stats.jitter()).isZero();
    }

    @Test
    void aLargeJumpIsDroppedUnlessTheNextPacketConfirmsIt() {
        feed(10);
        feed(11);
        assertThat(stats.onPacket(20_000, 0, 10, 0)).isEqualTo(Arrival.JUMP);
        assertThat(stats.jumps()).isEqualTo(1);
        assertThat(stats.expected()).isEqualTo(2);
        // RFC 3550 A.1: the next in sequence confirms a restart.
        assertThat(stats.onPacket(20_001, 0, 10, 0)).isEqualTo(Arrival.FIRST);
        assertThat(stats.onPacket(20_002, 0, 10, 0)).isEqualTo(Arrival.IN_ORDER);
        assertThat(stats.expected()).isEqualTo(2 + 2);
        assertThat(stats.unique()).isEqualTo(4);
        assertThat(stats.lost()).isZero();
    }

    @Test
    void delaySinceLastSrIsIn65536thsOfASecond() {
        assertThat(WebRtcListener.delaySinceLastSr(1_500_000_000L)).isEqualTo(98_304);
        assertThat(WebRtcListener.delaySinceLastSr(-5)).isZero();
    }
}
