package dev.encore.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.sun.net.httpserver.HttpServer;
import dev.encore.loadtest.ListenerLoad;
import dev.encore.loadtest.LoadReport;
import dev.encore.loadtest.client.ClientRuntime;
import dev.encore.loadtest.client.DropReason;
import dev.encore.loadtest.client.ListenerConfig;
import dev.encore.loadtest.client.ListenerGroup;
import dev.encore.loadtest.client.ListenerStats;
import dev.encore.loadtest.client.PhaseTimings;
import dev.encore.loadtest.client.WebRtcListener;
import dev.encore.protocol.rtp.RtpPacket;
import dev.encore.show.AccessMode;
import dev.encore.show.AudioSettings;
import dev.encore.show.Secret;
import dev.encore.show.ShowConfig;
import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;
import io.github.jaredmdobson.concentus.OpusSignal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole listener path on loopback: a real {@link MediaServer} on 127.0.0.1 (port 0) with a producer feeding a 440 Hz
 * Opus tone through {@link Router#feed} every 20 ms; the project's Java client joins over WHEP (a minimal HTTP front for
 * {@link WhepService}), ICE, DTLS and SRTP, and decodes what it hears.
 */
class LoopbackListenerTest {
    private static final String SHOW = "loopback";
    private static final double TONE_HZ = 440;

    private static MediaServer server;
    private static Router router;
    private static HttpServer http;
    private static URI base;
    private static ScheduledExecutorService performer;
    private static ClientRuntime runtime;

    @BeforeAll
    static void start() throws Exception {
        server = MediaServer.start(new MediaServerConfig("127.0.0.1", 0, null, 2));
        router = server.addShow(new ShowConfig(null, SHOW, "Loopback", Secret.of("performer-key-for-tests-only"), AccessMode.OPEN,
                new AudioSettings(96_000, true), null));
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/whep/", LoopbackRig.whepFront(server::whep, (offer, session) -> { }));
        http.start();
        base = URI.create("http://127.0.0.1:" + http.getAddress().getPort());
        performer = Executors.newSingleThreadScheduledExecutor();
        new ToneRtp(TONE_HZ).feedEvery20ms(performer, router);
        runtime = ClientRuntime.create(new ClientRuntime.Options(2, 4, 2, Duration.ofSeconds(5), true));
    }

    @AfterAll
    static void stop() {
        if (runtime != null) {
            runtime.close();
        }
        if (performer != null) {
            performer.shutdownNow();
        }
        if (http != null) {
            http.stop(0);
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void listenerHearsTheToneWithContinuousSequenceNumbers() throws Exception {
        List<Integer> sequences = new ArrayList<>();
        ListenerConfig config = ListenerConfig.builder(base, SHOW)
                .decode(true, Duration.ofSeconds(1))
                .packetListener((l, ssrc, seq, ts, payload, off, len, arrival) -> {
                    synchronized (sequences) {
                        sequences.add(seq);
                    }
                })
                .build();
        WebRtcListener listener = WebRtcListener.create(runtime, config);
        try {
            listener.connect().get(15, TimeUnit.SECONDS);
            assertThat(listener.state()).isEqualTo(WebRtcListener.State.CONNECTED);
            // 2 s of audio: a full second of PCM kept after the decoder settled, and a receiver report or more sent.
            await(() -> listener.stats().decodedFrames() >= 100 && listener.stats().receiverReports() >= 1, "100 frames decoded");

            short[] pcm = listener.pcm().snapshot();
            assertThat(pcm).hasSize(48_000 * 2);
            assertThat(dominantFrequency(pcm, 2, 48_000)).isCloseTo(TONE_HZ, within(5.0));

            ListenerStats stats = listener.stats();
            assertThat(stats.drops(DropReason.AUTH)).isZero();
            assertThat(stats.drops(DropReason.REPLAY)).isZero();
            assertThat(stats.drops(DropReason.SRTP_MALFORMED)).isZero();
            assertThat(stats.decodeErrors()).isZero();
            assertThat(stats.lost()).isZero();
            assertThat(stats.duplicates()).isZero();
            assertThat(stats.packets()).isEqualTo(stats.expected());
            List<Integer> seen;
            synchronized (sequences) {
                seen = new ArrayList<>(sequences);
            }
            assertThat(seen).hasSizeGreaterThanOrEqualTo(100);
            for (int i = 1; i < seen.size(); i++) {
                assertThat(seen.get(i)).as("sequence after %d", seen.get(i - 1)).isEqualTo((seen.get(i - 1) + 1) & 0xFFFF);
            }
            PhaseTimings t = listener.timings();
            assertThat(t.signalingNanos()).isPositive();
            assertThat(t.iceDurationNanos()).isPositive();
            assertThat(t.dtlsDurationNanos()).isPositive();
            assertThat(t.timeToFirstAudioNanos()).isGreaterThanOrEqualTo(t.signalingNanos());
            assertThat(router.consumerCount()).isEqualTo(1);
        } finally {
            listener.close();
        }
        // close() sent the WHEP DELETE: the server forgets the consumer.
        await(() -> router.consumerCount() == 0, "consumer removed after DELETE");
    }

    @Test
    void twentyListenersAtOnceAllReceive() throws Exception {
        try (ListenerGroup group = new ListenerGroup(runtime)) {
            ListenerConfig config = ListenerConfig.builder(base, SHOW).build();
            for (int i = 0; i < 20; i++) {
                group.join(config);
            }
            group.settled().get(30, TimeUnit.SECONDS);
            assertThat(group.connectedCount()).as("connected (failures: %s)", failures(group)).isEqualTo(20);
            await(() -> group.listeners().stream().allMatch(l -> l.stats().packets() >= 25), "25 packets each");
            for (WebRtcListener l : group.listeners()) {
                ListenerStats s = l.stats();
                assertThat(s.drops(DropReason.AUTH)).isZero();
                assertThat(s.drops(DropReason.REPLAY)).isZero();
                assertThat(s.packets()).isGreaterThanOrEqualTo(25);
            }
            assertThat(router.consumerCount()).isEqualTo(20);
        }
        await(() -> router.consumerCount() == 0, "all consumers removed");
    }

    @Test
    void loadRunnerMeasuresFullDeliveryAndPasses() throws Exception {
        java.io.StringWriter text = new java.io.StringWriter();
        ListenerLoad load = new ListenerLoad(new ListenerLoad.Settings(base, SHOW, 5, Duration.ofMillis(500), Duration.ofSeconds(2),
                null), ClientRuntime.Options.defaults(), new java.io.PrintWriter(text, true));
        LoadReport report = load.run(runtime);
        assertThat(report.joined()).as(text.toString()).isEqualTo(5);
        assertThat(report.failures()).isEmpty();
        assertThat(report.packetsExpected()).isGreaterThanOrEqualTo(5 * 50L);
        assertThat(report.deliveryRatio()).isGreaterThanOrEqualTo(LoadReport.PASS_RATIO);
        assertThat(report.authFailures()).isZero();
        assertThat(report.ttfa().getTotalCount()).isEqualTo(5);
        assertThat(report.exitCode()).isEqualTo(LoadReport.EXIT_PASS);
        assertThat(text.toString()).contains("listeners joined", "5 / 5", "delivery ratio", "PASS");
        await(() -> router.consumerCount() == 0, "the runner's listeners left");
    }

    private static List<String> failures(ListenerGroup group) {
        return group.listeners().stream().filter(l -> l.failure() != null).map(l -> l.failure().getMessage()).toList();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }

    /** The frequency (1 Hz steps, 50–4000 Hz) with the most energy in the first channel, by the Goertzel algorithm. */
    static double dominantFrequency(short[] interleaved, int channels, int sampleRate) {
        int n = interleaved.length / channels;
        double best = 0;
        double bestPower = -1;
        for (int f = 50; f <= 4000; f++) {
            double coeff = 2 * Math.cos(2 * Math.PI * f / sampleRate);
            double s1 = 0;
            double s2 = 0;
            for (int i = 0; i < n; i++) {
                double s = interleaved[i * channels] + coeff * s1 - s2;
                s2 = s1;
                s1 = s;
            }
            double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
            if (power > bestPower) {
                bestPower = power;
                best = f;
            }
        }
        return best;
    }

    /** A performer in a box: a stereo sine tone, 20 ms Opus frames (concentus), plain RTP with payload type 111. */
    static final class ToneRtp {
        private final OpusEncoder encoder;
        private final double step;
        private final short[] pcm = new short[960 * 2];
        private final byte[] opus = new byte[1275];
        private final byte[] rtp = new byte[1500];
        private double phase;
        private int seq = 1000;
        private long timestamp = 123_456;

        ToneRtp(double hz) throws OpusException {
            encoder = new OpusEncoder(48_000, 2, OpusApplication.OPUS_APPLICATION_AUDIO);
            encoder.setBitrate(96_000);
            encoder.setSignalType(OpusSignal.OPUS_SIGNAL_MUSIC);
            step = 2 * Math.PI * hz / 48_000;
        }

        /** Feeds {@code router} the next frame every 20 ms on {@code performer} (shut that down after the test). */
        void feedEvery20ms(ScheduledExecutorService performer, Router router) {
            performer.scheduleAtFixedRate(() -> {
                byte[] rtp = next();
                router.feed(rtp, 0, rtp.length);
            }, 0, 20, TimeUnit.MILLISECONDS);
        }

        byte[] next() {
            for (int i = 0; i < 960; i++) {
                short s = (short) (Math.sin(phase) * 12_000);
                phase += step;
                pcm[2 * i] = s;
                pcm[2 * i + 1] = s;
            }
            phase %= 2 * Math.PI;
            int n;
            try {
                n = encoder.encode(pcm, 0, 960, opus, 0, opus.length);
            } catch (OpusException e) {
                throw new IllegalStateException(e);
            }
            int len = RtpPacket.write(rtp, 0, 111, false, seq, timestamp, 0x1234_5678L, opus, 0, n);
            seq = (seq + 1) & 0xFFFF;
            timestamp += 960;
            return java.util.Arrays.copyOf(rtp, len);
        }
    }
}
