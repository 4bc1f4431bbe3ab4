package dev.encore.media;

import static dev.encore.media.TestPackets.show;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.encore.loadtest.client.ListenerConfig;
import dev.encore.loadtest.client.PhaseTimings;
import dev.encore.loadtest.client.WebRtcListener;
import dev.encore.protocol.sdp.AudioAnswer;
import dev.encore.protocol.sdp.AudioOffer;
import dev.encore.protocol.sdp.WebRtcSdp;
import dev.encore.protocol.stun.StunCodec;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Time to first audio on loopback: a real {@link MediaServer} with a performer feeding a tone every 20 ms, the project's
 * Java WebRTC listeners joining over WHEP, ICE, DTLS and SRTP, and a session that passes ICE but never starts DTLS. The
 * {@link FirstAudioListener} hears of each real listener once, on a media event loop, with a time that the client's own
 * phase timings bracket (same JVM, same {@code nanoTime}).
 */
class FirstAudioTest {
    private static final String SHOW = "ttfa";
    private static final int LISTENERS = 3;

    private record Told(String showId, String sessionId, Duration ttfa, String thread) {
    }

    @Test
    void eachListenerIsToldOnceWithATimeItsClientBracketsAndASessionWithoutDtlsNever() throws Exception {
        ScheduledExecutorService performer = Executors.newSingleThreadScheduledExecutor();
        List<WebRtcListener> listeners = new ArrayList<>();
        try (LoopbackRig rig = LoopbackRig.start(show(SHOW, 96_000, null))) {
            List<Told> told = new CopyOnWriteArrayList<>();
            rig.server().onFirstAudio((showId, sessionId, ttfa) -> told.add(new Told(showId, sessionId, ttfa,
                    Thread.currentThread().getName())));
            Router router = rig.server().router(SHOW).orElseThrow();
            new LoopbackListenerTest.ToneRtp(440).feedEvery20ms(performer, router);

            String stuck = iceOnlySession(rig.server());
            for (int i = 0; i < LISTENERS; i++) {
                WebRtcListener listener = WebRtcListener.create(rig.runtime(), ListenerConfig.builder(rig.base(), SHOW).build());
                listeners.add(listener);
                listener.connect().get(15, TimeUnit.SECONDS);
            }
            LoopbackRig.await(() -> listeners.stream().allMatch(l -> l.stats().packets() >= 50), Duration.ofSeconds(20),
                    () -> "a second of audio for every listener");

            List<String> ids = listeners.stream().map(FirstAudioTest::sessionId).toList();
            assertThat(told).as("once per listener, after a second of audio").extracting(Told::sessionId)
                    .containsExactlyInAnyOrderElementsOf(ids);
            for (WebRtcListener listener : listeners) {
                Told t = told.stream().filter(x -> x.sessionId().equals(sessionId(listener))).findFirst().orElseThrow();
                PhaseTimings client = listener.timings();
                assertThat(t.showId()).isEqualTo(SHOW);
                assertThat(t.thread()).as("told on a media event loop").startsWith("encore-media");
                // The session was created before the client had its answer, and its first packet went out after the
                // client's ICE check succeeded (DTLS starts then) and before the client received it.
                assertThat(t.ttfa().toNanos()).as("server TTFA (ns) of %s", listener)
                        .isGreaterThan(client.iceDurationNanos())
                        .isLessThanOrEqualTo(client.timeToFirstAudioNanos());
            }

            PeerSession stuckSession = rig.server().peers().byId(stuck);
            assertThat(stuckSession.nominated()).as("ICE done").isTrue();
            assertThat(stuckSession.connected()).as("DTLS never done").isFalse();
            assertThat(told).extracting(Told::sessionId).doesNotContain(stuck);

            HistogramSnapshot.HistogramDataPointSnapshot histogram = rig.server().metrics().scrape().stream()
                    .filter(m -> m.getMetadata().getName().equals("encore_time_to_first_audio_seconds"))
                    .map(m -> (HistogramSnapshot) m).flatMap(m -> m.getDataPoints().stream()).findFirst().orElseThrow();
            assertThat(histogram.getLabels().get("show")).isEqualTo(SHOW);
            assertThat(histogram.getCount()).isEqualTo(LISTENERS);
            assertThat(histogram.getSum()).isCloseTo(told.stream().mapToDouble(t -> t.ttfa().toNanos() / 1e9).sum(),
                    within(1e-6));

            // Each completed handshake is split by where its time went; the stuck one (no client flight after ICE) is not.
            java.util.Map<String, HistogramSnapshot.HistogramDataPointSnapshot> parts = rig.server().metrics().scrape()
                    .stream().filter(m -> m.getMetadata().getName().equals("encore_media_dtls_handshake_seconds"))
                    .map(m -> (HistogramSnapshot) m).flatMap(m -> m.getDataPoints().stream())
                    .collect(java.util.stream.Collectors.toMap(d -> d.getLabels().get("part"), d -> d));
            assertThat(parts.keySet()).containsExactlyInAnyOrder("total", "thread_wait", "turn_wait", "computing",
                    "peer_wait");
            for (HistogramSnapshot.HistogramDataPointSnapshot part : parts.values()) {
                assertThat(part.getCount()).isEqualTo(LISTENERS);
            }
            assertThat(parts.get("computing").getSum()).isPositive();
            // Each handshake started from its first ClientHello: an ICE-authenticated address needs no cookie round trip.
            assertThat(rig.counter("encore_media_dtls_hello_verify")).as("HelloVerifyRequests sent").isZero();
            assertThat(parts.get("thread_wait").getSum() + parts.get("turn_wait").getSum() + parts.get("computing").getSum()
                    + parts.get("peer_wait").getSum()).isCloseTo(parts.get("total").getSum(), within(1e-3));

            listeners.forEach(WebRtcListener::close);
            LoopbackRig.await(() -> router.consumerCount() == 0, Duration.ofSeconds(10), () -> "the listeners left");
            assertThat(told).hasSize(LISTENERS);
            assertThat(rig.problems()).isEmpty();
        } finally {
            performer.shutdownNow();
            listeners.forEach(WebRtcListener::close);
        }
    }

    /** The session id: the last segment of the WHEP resource's URL. */
    private static String sessionId(WebRtcListener listener) {
        String path = listener.location().getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** A WHEP session whose peer answers ICE (nominating its address) and then sends nothing: no DTLS, no consumer. */
    private static String iceOnlySession(MediaServer server) throws Exception {
        String offerSdp = MediaServerTest.fixture("chrome-whep-recvonly.sdp");
        AudioOffer offer = WebRtcSdp.parseOffer(offerSdp);
        WhepSession session = server.whep().subscribe(SHOW, offerSdp);
        AudioAnswer answer = WebRtcSdp.parseAnswer(session.answerSdp());
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            socket.setSoTimeout(5_000);
            byte[] check = StunCodec.encodeRequest(StunCodec.newTransactionId(), offer.remoteIce(), answer.remoteIce(), 1, 2, true);
            socket.send(new DatagramPacket(check, check.length, server.localAddress()));
            socket.receive(new DatagramPacket(new byte[1500], 1500));
        }
        return session.sessionId();
    }
}
