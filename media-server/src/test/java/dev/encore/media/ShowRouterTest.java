package dev.encore.media;

import static dev.encore.media.TestPackets.payload;
import static dev.encore.media.TestPackets.rtp;
import static dev.encore.media.TestPackets.show;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.encore.protocol.rtcp.RtcpCodec;
import dev.encore.protocol.rtcp.RtcpPacket;
import dev.encore.protocol.rtcp.SenderReport;
import dev.encore.protocol.rtp.RtpPacket;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ShowRouterTest {
    private static final long MS = 1_000_000L;

    private final EmbeddedChannel ch0 = new EmbeddedChannel();
    private final EmbeddedChannel ch1 = new EmbeddedChannel();
    private final List<FanoutShard> shards = List.of(new FanoutShard(0, ch0), new FanoutShard(1, ch1));
    private final MediaMetrics metrics = new MediaMetrics(List::of);
    private final long[] now = {1_000 * MS};
    private final ShowRouter router = new ShowRouter(show("rooftop", 96_000, null), shards, metrics, () -> now[0]);

    @AfterEach
    void tearDown() {
        router.close();
        runAll();
        ch0.finishAndReleaseAll();
        ch1.finishAndReleaseAll();
    }

    private void runAll() {
        ch0.runPendingTasks();
        ch1.runPendingTasks();
    }

    private static InetSocketAddress addr(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }

    /** Reads every datagram written on {@code ch} as (recipient, bytes), releasing them. */
    private static List<Sent> sent(EmbeddedChannel ch) {
        List<Sent> out = new ArrayList<>();
        for (Object o; (o = ch.readOutbound()) != null;) {
            DatagramPacket p = (DatagramPacket) o;
            out.add(new Sent(p.recipient(), ByteBufUtil.getBytes(p.content())));
            p.release();
        }
        return out;
    }

    private record Sent(InetSocketAddress to, byte[] bytes) {
    }

    @Test
    void fansOutOneRewrittenCopyPerListenerWithItsPayloadTypeOnItsOwnShard() {
        TestPackets.FakeSrtp s1 = new TestPackets.FakeSrtp();
        TestPackets.FakeSrtp s2 = new TestPackets.FakeSrtp();
        TestPackets.FakeSrtp s3 = new TestPackets.FakeSrtp();
        router.addConsumer(new Consumer("a", shards.get(0), s1, 111, addr(4001)));
        router.addConsumer(new Consumer("b", shards.get(0), s2, 109, addr(4002)));
        router.addConsumer(new Consumer("c", shards.get(1), s3, 111, addr(4003)));
        runAll();
        assertThat(router.consumerCount()).isEqualTo(3);

        byte[] payload = payload(120, 7);
        router.feed(rtp(96, 1234, 777_000, 0x1234_5678L, payload), 0, RtpPacket.FIXED_HEADER_LENGTH + payload.length);
        assertThat(metrics.delayTotal().getTotalCount()).as("not written yet").isZero();
        runAll();

        List<Sent> shard0 = sent(ch0);
        List<Sent> shard1 = sent(ch1);
        assertThat(shard0).extracting(Sent::to).containsExactly(addr(4001), addr(4002));
        assertThat(shard1).extracting(Sent::to).containsExactly(addr(4003));
        List<Sent> all = new ArrayList<>(shard0);
        all.addAll(shard1);
        for (Sent s : all) {
            byte[] b = s.bytes();
            int len = b.length - TestPackets.FakeSrtp.TAG_LENGTH;
            assertThat(RtpPacket.isValid(b, 0, len)).isTrue();
            assertThat(RtpPacket.ssrc(b, 0)).isEqualTo(router.outgoingSsrc());
            assertThat(Arrays.copyOfRange(b, RtpPacket.FIXED_HEADER_LENGTH, len)).isEqualTo(payload);
            assertThat(Arrays.copyOfRange(b, len, b.length)).containsOnly(TestPackets.FakeSrtp.TAG);
        }
        assertThat(RtpPacket.payloadType(shard0.get(0).bytes(), 0)).isEqualTo(111);
        assertThat(RtpPacket.payloadType(shard0.get(1).bytes(), 0)).isEqualTo(109);
        assertThat(RtpPacket.sequenceNumber(shard0.get(0).bytes(), 0)).isEqualTo(RtpPacket.sequenceNumber(shard1.get(0).bytes(), 0));
        assertThat(metrics.delayTotal().getTotalCount()).isEqualTo(1);
        assertThat(metrics.forShow("rooftop").packetsOut().getLongValue()).isEqualTo(3);
        assertThat(metrics.forShow("rooftop").packetsIn().getLongValue()).isEqualTo(1);
    }

    @Test
    void eachListenersFirstPacketWrittenIsItsFirstAudioToldOnceWithTheTimeSinceItsOffer() {
        List<String> told = new ArrayList<>();
        ShowRouter r = new ShowRouter(show("rooftop", 96_000, null), shards, metrics, () -> now[0], (show, session, ttfa) -> {
            told.add(show + " " + session + " " + ttfa.toNanos() / MS + " ms");
            if (session.equals("a")) {
                throw new IllegalStateException("a broken listener");
            }
        });
        try {
            long t = now[0];
            r.addConsumer(new Consumer("a", shards.get(0), new TestPackets.FakeSrtp(), 111, addr(4001), t - 150 * MS));
            r.addConsumer(new Consumer("b", shards.get(0), new TestPackets.FakeSrtp(), 111, addr(4002), t - 40 * MS));
            Consumer c = new Consumer("c", shards.get(1), new TestPackets.FakeSrtp(), 111, null, t - 1_000 * MS);
            r.addConsumer(c); // connected, but no address to send to yet
            runAll();
            byte[] p = rtp(111, 1, 960, 1, payload(40, 1));
            r.feed(p, 0, p.length);
            runAll();
            assertThat(told).containsExactly("rooftop a 150 ms", "rooftop b 40 ms");
            assertThat(sent(ch0)).as("a's broken listener stops nobody's audio").hasSize(2);

            now[0] += 20 * MS;
            c.address(addr(4003));
            RtpPacket.setSequenceNumber(p, 0, 2);
            r.feed(p, 0, p.length);
            runAll();
            now[0] += 20 * MS;
            RtpPacket.setSequenceNumber(p, 0, 3);
            r.feed(p, 0, p.length);
            runAll();
            assertThat(sent(ch0)).hasSize(4);
            assertThat(sent(ch1)).hasSize(2);
            assertThat(told).containsExactly("rooftop a 150 ms", "rooftop b 40 ms", "rooftop c 1020 ms");
            HistogramSnapshot.HistogramDataPointSnapshot h = ttfaHistogram("rooftop");
            assertThat(h.getCount()).isEqualTo(3);
            assertThat(h.getSum()).isCloseTo(1.21, within(1e-9));
            assertThat(metrics.dropped(DropReason.INTERNAL_ERROR)).isZero();
        } finally {
            r.close();
        }
    }

    private HistogramSnapshot.HistogramDataPointSnapshot ttfaHistogram(String show) {
        return metrics.registry().scrape().stream().filter(m -> m.getMetadata().getName().equals("encore_time_to_first_audio_seconds"))
                .map(m -> (HistogramSnapshot) m).flatMap(m -> m.getDataPoints().stream())
                .filter(d -> show.equals(d.getLabels().get("show"))).findFirst().orElseThrow();
    }

    @Test
    void consecutivePacketsStayConsecutiveAcrossAPerformerReconnect() {
        router.addConsumer(new Consumer("a", shards.get(0), new TestPackets.FakeSrtp(), 111, addr(4001)));
        runAll();
        byte[] p = payload(50, 1);
        router.feed(rtp(111, 10, 1000, 1, p), 0, 62);
        runAll();
        now[0] += 20 * MS;
        router.feed(rtp(111, 11, 1960, 1, p), 0, 62);
        runAll();
        now[0] += 3_000 * MS;
        router.feed(rtp(100, 60_000, 42, 2, p), 0, 62);
        runAll();
        List<Sent> out = sent(ch0);
        assertThat(out).hasSize(3);
        int s0 = RtpPacket.sequenceNumber(out.get(0).bytes(), 0);
        long t0 = RtpPacket.timestamp(out.get(0).bytes(), 0);
        assertThat(RtpPacket.sequenceNumber(out.get(1).bytes(), 0)).isEqualTo((s0 + 1) & 0xFFFF);
        assertThat(RtpPacket.sequenceNumber(out.get(2).bytes(), 0)).isEqualTo((s0 + 2) & 0xFFFF);
        assertThat(RtpPacket.timestamp(out.get(1).bytes(), 0)).isEqualTo((t0 + 960) & 0xFFFFFFFFL);
        assertThat(RtpPacket.timestamp(out.get(2).bytes(), 0)).isEqualTo((t0 + 960 + 3_000 * 48) & 0xFFFFFFFFL);
        assertThat(out).allSatisfy(s -> assertThat(RtpPacket.ssrc(s.bytes(), 0)).isEqualTo(router.outgoingSsrc()));
    }

    @Test
    void aFanOutRunningLateRefusesNewListenersForAWhileThenLetsThemIn() throws Exception {
        router.addConsumer(new Consumer("a", shards.get(0), new TestPackets.FakeSrtp(), 111, addr(4001)));
        runAll();
        byte[] p = rtp(111, 1, 960, 1, payload(80, 2));
        router.feed(p, 0, p.length);
        runAll();
        assertThat(router.refusesListeners()).as("copies left in time").isNull();

        // A stall: a few packets' copies leave 300 ms late, then in time again. Nobody is refused for a blip.
        int seq = 1;
        for (int i = 0; i < 3; i++) {
            seq = feedLate(p, seq, 300);
        }
        for (int i = 0; i < 10; i++) {
            seq = feedLate(p, seq, 0);
        }
        assertThat(router.refusesListeners()).as("a stall of three packets").isNull();

        // Overload: every packet's copies leave 400 ms late; within a third of a second of audio the mean passes 250 ms.
        for (int i = 0; i < 16 && router.refusesListeners() == null; i++) {
            seq = feedLate(p, seq, 400);
        }
        assertThat(router.refusesListeners()).isNotNull().contains("rooftop", "ms late on average",
                "expected: under " + java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(ShowRouter.GUARD_NANOS) + " ms");
        // A WHEP offer now is refused (the HTTP layer answers 503 Retry-After); a WHIP performer is not.
        dev.encore.protocol.dtls.DtlsIdentity identity = dev.encore.protocol.dtls.DtlsIdentity.generate();
        PeerTable peers = new PeerTable();
        MediaWhepService whep = new MediaWhepService(id -> id.equals("rooftop") ? router : null, peers,
                identity.fingerprint(), "127.0.0.1", 20_000, () -> now[0]);
        String listenerOffer = dev.encore.protocol.sdp.WebRtcSdp.offer(new dev.encore.protocol.sdp.LocalMedia(
                dev.encore.protocol.stun.IceCredentials.random(), identity.fingerprint(), null, 0,
                dev.encore.protocol.sdp.Direction.RECVONLY, 0, "cname", "stream", true, 0));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> whep.subscribe("rooftop", listenerOffer))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("at its capacity on this server");
        assertThat(peers.pending()).as("no session was made").isZero();

        now[0] += 400 * MS; // when the last late packet's copies left
        now[0] += ShowRouter.GUARD_HOLD_NANOS - MS;
        assertThat(router.refusesListeners()).as("still within the hold").isNotNull();
        now[0] += 2 * MS;
        assertThat(router.refusesListeners()).as("the guard lifts once the fan-out kept time for the hold").isNull();
        assertThat(whep.subscribe("rooftop", listenerOffer).answerSdp()).contains("a=sendonly");
    }

    /** Feeds the next packet and lets the shards deliver it {@code lateMillis} after it came in (a loop behind by that). */
    private int feedLate(byte[] p, int seq, int lateMillis) {
        int next = seq + 1;
        RtpPacket.setSequenceNumber(p, 0, next);
        RtpPacket.setTimestamp(p, 0, next * 960L);
        now[0] += 20 * MS;
        router.feed(p, 0, p.length);
        now[0] += lateMillis * MS;
        runAll();
        now[0] -= lateMillis * MS; // the next packet arrives 20 ms after this one did
        return next;
    }

    @Test
    void aShardFarBehindSkipsAStalePacketCountsEachCopyAndCatchesUpWithTheNext() {
        router.addConsumer(new Consumer("a", shards.get(0), new TestPackets.FakeSrtp(), 111, addr(4001)));
        router.addConsumer(new Consumer("b", shards.get(0), new TestPackets.FakeSrtp(), 111, addr(4002)));
        router.addConsumer(new Consumer("c", shards.get(1), new TestPackets.FakeSrtp(), 111, addr(4003)));
        runAll();
        byte[] p = rtp(111, 1, 960, 1, payload(80, 2));
        router.feed(p, 0, p.length);
        ch1.runPendingTasks();
        assertThat(sent(ch1)).hasSize(1);

        // Shard 0's loop only gets to the packet after the limit (an overloaded loop), and to the next one in time.
        now[0] += ShowRouter.LATE_NANOS + MS;
        RtpPacket.setSequenceNumber(p, 0, 2);
        RtpPacket.setTimestamp(p, 0, 1920);
        router.feed(p, 0, p.length);
        runAll();

        List<Sent> shard0 = sent(ch0);
        assertThat(shard0).extracting(Sent::to).containsExactly(addr(4001), addr(4002));
        List<Sent> shard1 = sent(ch1);
        assertThat(shard1).hasSize(1);
        assertThat(RtpPacket.sequenceNumber(shard0.get(0).bytes(), 0)).isEqualTo(RtpPacket.sequenceNumber(shard1.get(0).bytes(), 0));
        assertThat(metrics.dropped(DropReason.FANOUT_LATE)).isEqualTo(2);
        assertThat(metrics.forShow("rooftop").packetsOut().getLongValue()).isEqualTo(4);
        assertThat(metrics.delayTotal().getTotalCount()).as("both packets released, delay recorded either way").isEqualTo(2);
    }

    @Test
    void stripsCsrcsExtensionsAndPadding() {
        router.addConsumer(new Consumer("a", shards.get(0), new TestPackets.FakeSrtp(), 111, addr(4001)));
        runAll();
        // V=2 P=1 X=1 CC=1, one CSRC, a one-word extension, 4 payload bytes, 3 bytes of padding
        byte[] p = {(byte) 0xB1, 111, 0, 5, 0, 0, 0, 9, 0, 0, 0, 1, 0, 0, 0, 2, (byte) 0xBE, (byte) 0xDE, 0, 1, 1, 2, 3, 4,
            10, 11, 12, 13, 0, 0, 3};
        router.feed(p, 0, p.length);
        runAll();
        byte[] b = sent(ch0).get(0).bytes();
        assertThat(b).hasSize(RtpPacket.FIXED_HEADER_LENGTH + 4 + TestPackets.FakeSrtp.TAG_LENGTH);
        assertThat(b[0]).isEqualTo((byte) 0x80);
        assertThat(Arrays.copyOfRange(b, 12, 16)).containsExactly(10, 11, 12, 13);
    }

    @Test
    void dropsAndCountsWhatIsNotOpusRtp() {
        router.addConsumer(new Consumer("a", shards.get(0), new TestPackets.FakeSrtp(), 111, addr(4001)));
        runAll();
        byte[] notV2 = rtp(111, 1, 1, 1, payload(10, 1));
        notV2[0] = 0x40;
        router.feed(notV2, 0, notV2.length);
        router.feed(new byte[5], 0, 5);
        byte[] pcmu = rtp(0, 1, 1, 1, payload(10, 1));
        router.feed(pcmu, 0, pcmu.length);
        runAll();
        assertThat(sent(ch0)).isEmpty();
        assertThat(metrics.dropped(DropReason.RTP_MALFORMED)).isEqualTo(2);
        assertThat(metrics.dropped(DropReason.BAD_PAYLOAD_TYPE)).isEqualTo(1);
        assertThat(router.performerOnline()).isFalse();
    }

    @Test
    void rateLimitsAPerformerFarOverTheBitrate() {
        router.addConsumer(new Consumer("a", shards.get(0), new TestPackets.FakeSrtp(), 111, addr(4001)));
        runAll();
        // 96 kbit/s x4 = 48,000 bytes/s; 1,000 packets of 1,000 bytes within one millisecond are far over it.
        byte[] p = rtp(111, 0, 0, 5, payload(988, 3));
        for (int i = 0; i < 1000; i++) {
            RtpPacket.setSequenceNumber(p, 0, i);
            router.feed(p, 0, p.length);
        }
        runAll();
        long passed = sent(ch0).size();
        assertThat(passed).isBetween(1L, 60L);
        assertThat(metrics.dropped(DropReason.RATE_LIMITED)).isEqualTo(1000 - passed);
    }

    @Test
    void performerOnlineForASecondAfterItsLastPacket() {
        byte[] p = rtp(111, 1, 1, 1, payload(10, 1));
        router.feed(p, 0, p.length);
        assertThat(router.performerOnline()).isTrue();
        now[0] += 1_500 * MS;
        assertThat(router.performerOnline()).isFalse();
    }

    @Test
    void aRemovedListenerGetsNothingAndItsSrtpIsClosedOnItsLoop() {
        TestPackets.FakeSrtp srtp = new TestPackets.FakeSrtp();
        Consumer a = new Consumer("a", shards.get(1), srtp, 111, addr(4001));
        router.addConsumer(a);
        runAll();
        router.removeConsumer(a);
        assertThat(srtp.closed).isFalse();
        runAll();
        assertThat(srtp.closed).isTrue();
        byte[] p = rtp(111, 1, 1, 1, payload(10, 1));
        router.feed(p, 0, p.length);
        runAll();
        assertThat(sent(ch1)).isEmpty();
        assertThat(router.consumerCount()).isZero();
    }

    @Test
    void sendsSenderReportsWithTheStreamsClockAndTheListenersCounts() throws Exception {
        ch0.freezeTime();
        router.startReports();
        router.addConsumer(new Consumer("a", shards.get(0), new TestPackets.FakeSrtp(), 111, addr(4001)));
        runAll();
        byte[] p = rtp(111, 1, 1, 1, payload(100, 1));
        router.feed(p, 0, p.length);
        now[0] += 20 * MS;
        RtpPacket.setSequenceNumber(p, 0, 2);
        RtpPacket.setTimestamp(p, 0, 961);
        router.feed(p, 0, p.length);
        runAll();
        List<Sent> media = sent(ch0);
        long ts2 = RtpPacket.timestamp(media.get(1).bytes(), 0);
        now[0] += 500 * MS;
        ch0.advanceTimeBy(1, TimeUnit.SECONDS);
        ch0.runScheduledPendingTasks();
        List<Sent> reports = sent(ch0);
        assertThat(reports).hasSize(1);
        byte[] b = reports.get(0).bytes();
        List<RtcpPacket> parsed = RtcpCodec.parse(b, 0, b.length - TestPackets.FakeSrtp.TAG_LENGTH);
        assertThat(parsed).hasSize(1);
        SenderReport sr = (SenderReport) parsed.get(0);
        assertThat(sr.ssrc()).isEqualTo(router.outgoingSsrc());
        assertThat(sr.packetCount()).isEqualTo(2);
        assertThat(sr.octetCount()).isEqualTo(200);
        assertThat(sr.rtpTimestamp()).isEqualTo((ts2 + 500 * 48) & 0xFFFFFFFFL);
        long ntpSeconds = sr.ntpTimestamp() >>> 32;
        long expected = System.currentTimeMillis() / 1000 + 2_208_988_800L;
        assertThat(ntpSeconds).isBetween(expected - 5, expected + 5);
    }

    private record Tapped(long arrivalNanos, int sequence, long rtpTimestamp, byte[] payload) {
    }

    @Test
    void theRecorderTapSeesEachAcceptedPacketAfterItsFanOutWithOutgoingNumbers() {
        TestPackets.FakeSrtp s1 = new TestPackets.FakeSrtp();
        router.addConsumer(new Consumer("a", shards.get(0), s1, 111, addr(4001)));
        runAll();
        List<Tapped> tapped = new ArrayList<>();
        router.setRecorderTap((arrival, seq, ts, buf, off, len) -> {
            assertThat(ch0.hasPendingTasks()).as("the fan-out was handed to its loop first").isTrue();
            tapped.add(new Tapped(arrival, seq, ts, Arrays.copyOfRange(buf, off, off + len)));
        });
        byte[] p1 = payload(80, 1);
        byte[] p2 = payload(90, 2);
        router.feed(rtp(96, 500, 10_000, 0xAAAAL, p1), 0, RtpPacket.FIXED_HEADER_LENGTH + p1.length);
        runAll();
        now[0] += 20 * MS;
        router.feed(rtp(96, 501, 10_960, 0xAAAAL, p2), 0, RtpPacket.FIXED_HEADER_LENGTH + p2.length);
        runAll();
        List<Sent> out = sent(ch0);
        assertThat(out).hasSize(2);
        assertThat(tapped).hasSize(2);
        assertThat(tapped.get(0).payload()).isEqualTo(p1);
        assertThat(tapped.get(1).payload()).isEqualTo(p2);
        assertThat(tapped.get(1).arrivalNanos() - tapped.get(0).arrivalNanos()).isEqualTo(20 * MS);
        // The tap gets the outgoing stream's numbers, the ones the listeners got.
        for (int i = 0; i < 2; i++) {
            assertThat(tapped.get(i).sequence()).isEqualTo(RtpPacket.sequenceNumber(out.get(i).bytes(), 0));
            assertThat(tapped.get(i).rtpTimestamp()).isEqualTo(RtpPacket.timestamp(out.get(i).bytes(), 0));
        }
        assertThat(tapped.get(1).rtpTimestamp() - tapped.get(0).rtpTimestamp()).isEqualTo(960);
    }

    @Test
    void theRecorderTapRunsWithoutListenersAndItsFailuresAreCountedNotThrown() {
        int[] calls = {0};
        router.setRecorderTap((arrival, seq, ts, buf, off, len) -> {
            calls[0]++;
            throw new IllegalStateException("a broken recorder");
        });
        byte[] p = payload(80, 1);
        router.feed(rtp(96, 1, 0, 0xBBBBL, p), 0, RtpPacket.FIXED_HEADER_LENGTH + p.length);
        assertThat(calls[0]).isEqualTo(1);
        assertThat(metrics.dropped(DropReason.INTERNAL_ERROR)).isEqualTo(1);
        router.setRecorderTap(null);
        router.feed(rtp(96, 2, 960, 0xBBBBL, p), 0, RtpPacket.FIXED_HEADER_LENGTH + p.length);
        assertThat(calls[0]).isEqualTo(1);
    }
}
