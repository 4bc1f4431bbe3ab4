package dev.encore.media;

import static dev.encore.media.TestPackets.show;
import static dev.encore.media.WhipTestKit.await;
import static dev.encore.media.WhipTestKit.frequency;
import static dev.encore.media.WhipTestKit.listenerConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.encore.loadtest.client.PublisherStats;
import dev.encore.loadtest.client.WebRtcListener;
import dev.encore.loadtest.client.WebRtcPublisher;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * WHIP end to end on loopback: the Java publisher (a sine through Opus) publishes through {@link MediaServer#whip()}, a Java
 * listener connected through WHEP decodes it; publishers leave, come back and replace each other while the listener stays.
 */
class WhipIngestTest {
    private static final int BITRATE = 64_000;

    private WhipTestKit kit;
    private Router router;

    @BeforeEach
    void start() throws Exception {
        kit = new WhipTestKit();
        router = kit.server.addShow(show("live", BITRATE, null));
    }

    @AfterEach
    void stop() {
        kit.close();
    }

    /** One packet as the listener saw it. */
    private record Seen(int seq, long ts, long arrivalNanos) {
    }

    @Test
    void aJavaPublisherIsHeardByAJavaListenerAndGetsReceiverReports() throws Exception {
        assertThat(router.status().performerOnline()).isFalse();
        assertThat(router.status().ingest()).isNull();
        WebRtcListener listener = kit.listener("live", listenerConfig("live"));
        WebRtcPublisher publisher = kit.publisher("live");
        try (WhipTestKit.ToneSender tone = kit.play(publisher, 440, BITRATE)) {
            listener.firstPacket().get(5, TimeUnit.SECONDS);
            await("a second of audio", () -> listener.stats().decodedFrames() >= 60);
            assertThat(frequency(listener, 500)).isCloseTo(440, within(5.0));

            RouterStatus status = router.status();
            assertThat(status.performerOnline()).isTrue();
            assertThat(status.ingest()).isEqualTo("whip");
            assertThat(status.listeners()).isEqualTo(1);
            // 50 packets/s of Opus (VBR, at most 64 kbit/s) plus 12-byte RTP headers.
            assertThat(status.inBitrate()).isBetween(8_000.0, 120_000.0);
            assertThat(status.performerLoss()).isZero();
            assertThat(status.performerJitterMs()).isBetween(0.0, 50.0);

            await("receiver reports from the server", () -> publisher.stats().receiverReports() >= 1);
            Producer producer = kit.server.showRouter("live").publisher();
            assertThat(producer.ssrc()).isEqualTo(publisher.ssrc());
            await("the publisher's sender report read", () -> producer.senderReports() >= 1);
            await("a report with RTT", () -> !Double.isNaN(publisher.stats().rttMillis()));
            PublisherStats stats = publisher.stats();
            assertThat(stats.fractionLost()).isZero();
            assertThat(stats.highestSequence()).isPositive();
            assertThat(stats.rttMillis()).isBetween(0.0, 1000.0);
            await("the listener's RTT", () -> router.status().listenerRttMs() >= 0);
            assertThat(router.status().listenerLoss()).isZero();
        }
        MediaMetrics metrics = kit.server.mediaMetrics();
        assertThat(metrics.whipSessionsCreated()).isEqualTo(1);
        assertThat(metrics.dropped(DropReason.SRTP_AUTH)).isZero();
        assertThat(metrics.dropped(DropReason.INTERNAL_ERROR)).isZero();
        publisher.close();
        await("the session to end", () -> kit.server.showRouter("live").publisherSessions() == 0);
        assertThat(kit.server.showRouter("live").publisher()).isNull();
        await("offline", () -> !router.status().performerOnline());
        assertThat(router.status().ingest()).isNull();
    }

    @Test
    void aListenerStaysContinuousWhenThePerformerLeavesAndAnotherArrives() throws Exception {
        List<Seen> seen = new ArrayList<>();
        WebRtcListener listener = kit.listener("live", listenerConfig("live").packetListener((l, ssrc, seq, ts, p, off, len, at) -> {
            synchronized (seen) {
                seen.add(new Seen(seq, ts, at));
            }
        }));
        WebRtcPublisher a = kit.publisher("live");
        try (WhipTestKit.ToneSender tone = kit.play(a, 440, BITRATE)) {
            await("a second of 440 Hz", () -> listener.stats().decodedFrames() >= 50);
            assertThat(frequency(listener, 500)).isCloseTo(440, within(5.0));
        }
        a.close();
        await("offline", () -> !router.status().performerOnline());
        assertThat(router.status().ingest()).isNull();
        assertThat(router.status().inBitrate()).isLessThan(BITRATE);
        int before = seen.size();
        Thread.sleep(2_000); // B arrives about 3 s after A left
        assertThat(seen).hasSize(before); // nothing is sent while no performer is connected

        WebRtcPublisher b = kit.publisher("live");
        long bStarted = System.nanoTime();
        try (WhipTestKit.ToneSender tone = kit.play(b, 880, BITRATE)) {
            await("B's first packet at the listener within a second", 1_000, () -> {
                synchronized (seen) {
                    return seen.size() > before;
                }
            });
            long resumedNanos;
            synchronized (seen) {
                resumedNanos = seen.get(before).arrivalNanos() - bStarted;
            }
            assertThat(resumedNanos).isLessThan(TimeUnit.SECONDS.toNanos(1));
            long frames = listener.stats().decodedFrames();
            await("a second of 880 Hz", () -> listener.stats().decodedFrames() >= frames + 50);
            assertThat(frequency(listener, 500)).isCloseTo(880, within(5.0));
            assertThat(router.status().ingest()).isEqualTo("whip");
        }
        List<Seen> all;
        synchronized (seen) {
            all = List.copyOf(seen);
        }
        assertContinuous(all);
        // The gap: the timestamp moved by the real time that passed between the two packets (±100 ms).
        Seen last = all.get(before - 1);
        Seen first = all.get(before);
        long tsJump = (first.ts() - last.ts()) & 0xFFFFFFFFL;
        long elapsedTicks = (first.arrivalNanos() - last.arrivalNanos()) * 48 / 1_000_000;
        assertThat(elapsedTicks).isGreaterThan(48_000 * 2);
        assertThat(tsJump).isCloseTo(elapsedTicks, within(4_800L));
        assertThat(listener.state()).isEqualTo(WebRtcListener.State.CONNECTED);
        assertThat(kit.server.mediaMetrics().dtlsHandshakes()).as("no renegotiation").isEqualTo(3);
    }

    @Test
    void theNewestPublisherWinsAndTheReplacedOnesPacketsAreDropped() throws Exception {
        WebRtcListener listener = kit.listener("live", listenerConfig("live"));
        WebRtcPublisher a = kit.publisher("live");
        try (WhipTestKit.ToneSender toneA = kit.play(a, 440, BITRATE)) {
            await("440 Hz", () -> listener.stats().decodedFrames() >= 30);
            assertThat(frequency(listener, 400)).isCloseTo(440, within(5.0));
            WebRtcPublisher b = kit.publisher("live");
            try (WhipTestKit.ToneSender toneB = kit.play(b, 880, BITRATE)) {
                await("B to be the publisher", () -> kit.server.showRouter("live").publisher() != null
                        && kit.server.showRouter("live").publisher().ssrc() == b.ssrc());
                long frames = listener.stats().decodedFrames();
                await("a second more", () -> listener.stats().decodedFrames() >= frames + 50);
                assertThat(frequency(listener, 500)).isCloseTo(880, within(5.0));
                MediaMetrics metrics = kit.server.mediaMetrics();
                assertThat(metrics.dropped(DropReason.NOT_PUBLISHER)).as("A's packets after B connected").isGreaterThan(20);
                assertThat(metrics.whipSessionsReplaced()).isEqualTo(1);
                assertThat(kit.server.showRouter("live").publisherSessions()).isEqualTo(1);
                assertThat(toneA.sent()).isGreaterThan(50);
            }
        }
    }

    @Test
    void reorderedPacketsPassAndReplayedOnesAreDropped() throws Exception {
        List<Integer> seqs = new ArrayList<>();
        WebRtcListener listener = kit.listener("live", listenerConfig("live").packetListener((l, ssrc, seq, ts, p, off, len, at) -> {
            synchronized (seqs) {
                seqs.add(seq);
            }
        }));
        WebRtcPublisher publisher = kit.publisher("live");
        byte[] payload = new byte[80];
        int[] order = {100, 101, 103, 102, 104};
        for (int seq : order) {
            assertThat(publisher.send(seq, 960L * seq, payload, 0, payload.length)).isTrue();
            Thread.sleep(20);
        }
        publisher.replayLast();
        await("5 packets at the listener", () -> listener.stats().packets() >= 5);
        await("the replay dropped", () -> kit.server.mediaMetrics().dropped(DropReason.SRTP_REPLAY) == 1);
        Thread.sleep(100);
        synchronized (seqs) {
            assertThat(seqs).hasSize(5);
            int base = seqs.get(0);
            assertThat(seqs).containsExactly(base, (base + 1) & 0xFFFF, (base + 3) & 0xFFFF, (base + 2) & 0xFFFF,
                    (base + 4) & 0xFFFF);
        }
        assertThat(router.status().performerLoss()).isZero();
    }

    @Test
    void aPublisherFarAboveTheShowsBitrateIsRateLimited() throws Exception {
        Router slow = kit.server.addShow(show("slow", 32_000, null));
        WebRtcListener listener = kit.listener("slow", listenerConfig("slow"));
        WebRtcPublisher publisher = kit.publisher("slow");
        byte[] payload = new byte[800]; // 800 bytes every 20 ms: 320 kbit/s, ten times the show's
        var flood = kit.every20ms(() -> publisher.send(payload, 0, payload.length));
        try {
            await("drops", () -> kit.server.mediaMetrics().dropped(DropReason.RATE_LIMITED) >= 10);
            assertThat(slow.status().inBitrate()).isGreaterThan(4 * 32_000);
        } finally {
            flood.cancel(false);
        }
        assertThat(listener.stats().packets()).isPositive();
        assertThat(listener.state()).isEqualTo(WebRtcListener.State.CONNECTED);
        assertThat(slow.consumerCount()).isEqualTo(1);
        assertThat(kit.server.mediaMetrics().dropped(DropReason.INTERNAL_ERROR)).isZero();
    }

    /** Sequence numbers go up by one each packet, timestamps never go back. */
    static void assertContinuous(List<Seen> seen) {
        for (int i = 1; i < seen.size(); i++) {
            Seen p = seen.get(i - 1);
            Seen q = seen.get(i);
            assertThat(q.seq()).as("sequence number after %s", p).isEqualTo((p.seq() + 1) & 0xFFFF);
            long step = (q.ts() - p.ts()) & 0xFFFFFFFFL;
            assertThat(step).as("timestamp step after %s", p).isBetween(1L, 0x7FFFFFFFL);
        }
    }
}
