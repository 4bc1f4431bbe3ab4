package dev.encore.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.encore.protocol.rtp.RtpPacket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The demo performer's RTP and its drift-free timing, on a fake clock. */
class SyntheticPerformerTest {
    private static final long MS = 1_000_000L;

    private final AtomicLong clock = new AtomicLong(5_000 * MS);
    private final List<byte[]> packets = new ArrayList<>();
    private final List<short[]> rendered = new ArrayList<>();
    private SyntheticPerformer performer;

    @AfterEach
    void close() {
        if (performer != null) {
            performer.close();
        }
    }

    private void start(int channels) {
        performer = new SyntheticPerformer(channels,
                pcm -> {
                    Arrays.fill(pcm, (short) 7);
                    synchronized (packets) {
                        rendered.add(pcm.clone());
                    }
                },
                (pcm, out) -> {
                    out[0] = (byte) 0xFC;
                    out[1] = (byte) pcm.length;
                    return 2;
                },
                (rtp, off, len) -> {
                    synchronized (packets) {
                        packets.add(Arrays.copyOfRange(rtp, off, off + len));
                    }
                },
                clock::get, Executors.newSingleThreadScheduledExecutor());
        performer.start();
    }

    private List<byte[]> awaitPackets(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            synchronized (packets) {
                if (packets.size() >= count) {
                    break;
                }
            }
            Thread.sleep(5);
        }
        // Ticks keep running every 20 ms of real time; with the clock still, nothing more may be sent.
        Thread.sleep(80);
        synchronized (packets) {
            return new ArrayList<>(packets);
        }
    }

    @Test
    void sendsOneOpusRtpPacketPerDueFrame() throws Exception {
        start(2);
        assertThat(awaitPackets(1)).hasSize(1);
        clock.addAndGet(100 * MS);
        List<byte[]> sent = awaitPackets(6);
        assertThat(sent).hasSize(6);
        long ssrc = performer.ssrc();
        int firstSeq = RtpPacket.sequenceNumber(sent.get(0), 0);
        for (int i = 0; i < sent.size(); i++) {
            byte[] p = sent.get(i);
            assertThat(RtpPacket.isValid(p, 0, p.length)).isTrue();
            assertThat(RtpPacket.payloadType(p, 0)).isEqualTo(111);
            assertThat(RtpPacket.ssrc(p, 0)).isEqualTo(ssrc);
            assertThat(RtpPacket.sequenceNumber(p, 0)).isEqualTo((firstSeq + i) & 0xFFFF);
            assertThat(RtpPacket.timestamp(p, 0)).isEqualTo(i * 960L);
            assertThat(RtpPacket.marker(p, 0)).isEqualTo(i == 0);
            assertThat(p).hasSize(12 + 2);
            assertThat(p[12]).isEqualTo((byte) 0xFC);
            assertThat(p[13]).isEqualTo((byte) (960 * 2));
        }
        synchronized (packets) {
            assertThat(rendered).allSatisfy(pcm -> assertThat(pcm).hasSize(1920));
        }
    }

    @Test
    void aLongStallSkipsFramesButKeepsTheTimestampOnTime() throws Exception {
        start(1);
        assertThat(awaitPackets(1)).hasSize(1);
        clock.addAndGet(1_000 * MS); // 50 frames late: far more than the catch-up limit
        List<byte[]> sent = awaitPackets(2);
        assertThat(sent).hasSize(2);
        byte[] resumed = sent.get(1);
        assertThat(RtpPacket.timestamp(resumed, 0)).isEqualTo(50 * 960L);
        assertThat(RtpPacket.sequenceNumber(resumed, 0)).isEqualTo((RtpPacket.sequenceNumber(sent.get(0), 0) + 1) & 0xFFFF);
    }

    @Test
    void aShortDelayIsCaughtUpFrameByFrame() throws Exception {
        start(1);
        assertThat(awaitPackets(1)).hasSize(1);
        clock.addAndGet(SyntheticPerformer.MAX_CATCH_UP_FRAMES * 20 * MS);
        List<byte[]> sent = awaitPackets(1 + SyntheticPerformer.MAX_CATCH_UP_FRAMES);
        assertThat(sent).hasSize(1 + SyntheticPerformer.MAX_CATCH_UP_FRAMES);
        assertThat(RtpPacket.timestamp(sent.get(sent.size() - 1), 0)).isEqualTo(SyntheticPerformer.MAX_CATCH_UP_FRAMES * 960L);
    }

    @Test
    void rejectsOddChannelCounts() {
        assertThatThrownBy(() -> new SyntheticPerformer(3, pcm -> { }, (pcm, out) -> 0,
                (rtp, off, len) -> { })).hasMessage("channels: 3 (expected: 1 or 2)");
    }
}
