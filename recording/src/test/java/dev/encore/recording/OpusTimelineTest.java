package dev.encore.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpusTimelineTest {
    private static final long MS = 1_000_000L;
    private final List<String> out = new ArrayList<>();
    private final OpusTimeline.Sink sink = new OpusTimeline.Sink() {
        @Override
        public void packet(byte[] data, int samples) {
            out.add("p" + data[1]);
        }

        @Override
        public void silence(long frames) {
            out.add("s" + frames);
        }
    };

    /** A 20 ms CELT packet tagged with {@code id}. */
    private static byte[] packet(int id) {
        return new byte[] {(byte) 0xFC, (byte) id};
    }

    /** Packet {@code id} at its natural time: RTP timestamp {@code base + id * 960}, arrival {@code id * 20 ms}. */
    private void offer(OpusTimeline t, long base, int id) throws Exception {
        t.offer(id * 20 * MS, base + id * 960L, packet(id), sink);
    }

    @Test
    void contiguousPacketsPassThrough() throws Exception {
        OpusTimeline t = new OpusTimeline(0);
        for (int i = 0; i < 4; i++) {
            offer(t, 5000, i);
        }
        assertThat(out).containsExactly("p0", "p1", "p2", "p3");
        assertThat(t.position()).isEqualTo(4 * 960);
    }

    @Test
    void aLostPacketBecomesTwentyMillisecondsOfSilence() throws Exception {
        OpusTimeline t = new OpusTimeline(0);
        offer(t, 0, 0);
        offer(t, 0, 1);
        offer(t, 0, 3);
        assertThat(out).containsExactly("p0", "p1", "s1", "p3");
        assertThat(t.position()).isEqualTo(4 * 960);
        assertThat(t.holes()).isEqualTo(1);
    }

    @Test
    void reorderedPacketsArePutBackInPlace() throws Exception {
        OpusTimeline t = new OpusTimeline(3);
        for (int id : new int[] {0, 2, 1, 3, 5, 4, 6}) {
            offer(t, 0, id);
        }
        t.drain(sink);
        assertThat(out).containsExactly("p0", "p1", "p2", "p3", "p4", "p5", "p6");
        assertThat(t.late()).isZero();
    }

    @Test
    void packetsLaterThanTheWindowAndDuplicatesAreDropped() throws Exception {
        OpusTimeline t = new OpusTimeline(1);
        for (int id : new int[] {0, 2, 3, 1, 3, 4}) {
            offer(t, 0, id);
        }
        t.drain(sink);
        assertThat(out).containsExactly("p0", "s1", "p2", "p3", "p4");
        assertThat(t.late()).isEqualTo(2);
        assertThat(t.position()).isEqualTo(5 * 960);
    }

    @Test
    void thePerformerAwayIsSilenceAsLongAsTheAbsence() throws Exception {
        OpusTimeline t = new OpusTimeline(0);
        offer(t, 0, 0);
        // The router's outgoing stream re-anchors a reconnecting performer 2 s (100 frames) later.
        t.offer(2020 * MS, 101 * 960, packet(9), sink);
        assertThat(out).containsExactly("p0", "s100", "p9");
        assertThat(t.position()).isEqualTo(102 * 960);
    }

    @Test
    void holesThatAreNotWholeFramesCarryTheirRemainder() throws Exception {
        OpusTimeline t = new OpusTimeline(0);
        t.offer(0, 0, packet(0), sink);
        t.offer(41 * MS, 960 + 1000, packet(1), sink); // a hole of 1,000 samples: 1 frame, 40 carried
        t.offer(82 * MS, 2 * 960 + 2000, packet(2), sink); // 1,000 + 40: 1 frame, 80 carried
        t.offer(123 * MS, 3 * 960 + 3000 + 400, packet(3), sink); // 1,400 + 80 = 1,480: 2 frames, -440 carried
        assertThat(out).containsExactly("p0", "s1", "p1", "s1", "p2", "s2", "p3");
        assertThat(t.position()).isEqualTo(8 * 960);
    }

    @Test
    void timestampsWrapAround() throws Exception {
        OpusTimeline t = new OpusTimeline(2);
        long base = 0xFFFFFFFFL - 2 * 960 + 1;
        for (int id = 0; id < 6; id++) {
            t.offer(id * 20 * MS, (base + id * 960L) & 0xFFFFFFFFL, packet(id), sink);
        }
        t.drain(sink);
        assertThat(out).containsExactly("p0", "p1", "p2", "p3", "p4", "p5");
    }

    @Test
    void aTimestampJumpFarBeyondRealTimeIsCutToTheTimeThatPassed() throws Exception {
        OpusTimeline t = new OpusTimeline(0);
        offer(t, 0, 0);
        t.offer(1020 * MS, 960 + 48_000L * 3600, packet(1), sink); // an hour on the RTP clock, a second on the wall clock
        assertThat(out).containsExactly("p0", "s50", "p1");
        assertThat(t.clockJumps()).isEqualTo(1);
    }

    @Test
    void malformedPacketsAreCounted() throws Exception {
        OpusTimeline t = new OpusTimeline(0);
        t.offer(0, 0, new byte[] {(byte) 0xFF}, sink); // code 3 without its frame count
        assertThat(out).isEmpty();
        assertThat(t.malformed()).isEqualTo(1);
    }

    @Test
    void positionsOfMomentsFollowTheWallClockFromTheNewestPacket() throws Exception {
        OpusTimeline t = new OpusTimeline(0);
        assertThat(t.positionAt(5 * MS)).isZero();
        offer(t, 0, 0);
        offer(t, 0, 1);
        assertThat(t.positionAt(20 * MS)).isEqualTo(960);
        assertThat(t.positionAt(1020 * MS)).as("a second later, while away").isEqualTo(960 + 48_000);
        assertThat(t.positionAt(-100 * MS)).isZero();
    }
}
