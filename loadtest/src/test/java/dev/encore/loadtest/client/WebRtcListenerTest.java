package dev.encore.loadtest.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.encore.protocol.rtcp.RtcpCodec;
import dev.encore.protocol.rtcp.SenderReport;
import dev.encore.protocol.rtp.RtpPacket;
import dev.encore.protocol.srtp.SrtpSession;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The listener against a {@link FakeServer} the test drives: hostile input, timeouts, consent, reports, WHEP errors. */
class WebRtcListenerTest {
    private static ClientRuntime runtime;
    private FakeServer server;

    @BeforeAll
    static void startRuntime() {
        runtime = ClientRuntime.create(new ClientRuntime.Options(1, 2, 1, Duration.ofSeconds(5), true));
    }

    @AfterAll
    static void stopRuntime() {
        runtime.close();
    }

    @BeforeEach
    void startServer() throws IOException {
        server = new FakeServer();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private ListenerConfig.Builder config() {
        return ListenerConfig.builder(server.base(), FakeServer.SHOW).iceTimeout(Duration.ofSeconds(5)).dtlsTimeout(Duration.ofSeconds(5));
    }

    private static byte[] srtp(SrtpSession session, int seq, int payloadType) {
        byte[] buf = new byte[200];
        byte[] payload = new byte[40];
        Arrays.fill(payload, (byte) seq);
        int n = RtpPacket.write(buf, 0, payloadType, false, seq, seq * 960L, FakeServer.SSRC, payload, 0, payload.length);
        n = session.protectRtp(buf, 0, n);
        return Arrays.copyOf(buf, n);
    }

    /**
     * The same client over io_uring ({@code --io-uring}): WHEP over an io_uring TCP socket, ICE, DTLS and SRTP over an
     * io_uring UDP socket. Where the kernel (or a container's seccomp profile) refuses io_uring, the runtime falls back to
     * epoll, and the listener must work just the same.
     */
    @Test
    void aListenerOverIoUringJoinsAndReceives() throws Exception {
        try (ClientRuntime uring = ClientRuntime.create(new ClientRuntime.Options(1, 2, 1, Duration.ofSeconds(5), true)
                .withIoUring(true))) {
            assertThat(uring.transport()).as("io_uring where the kernel offers it, else epoll")
                    .isEqualTo(io.netty.channel.uring.IoUring.isAvailable() ? "io_uring" : "epoll");
            WebRtcListener listener = WebRtcListener.create(uring, config().build());
            try {
                listener.connect().get(10, TimeUnit.SECONDS);
                SrtpSession srtp = server.srtp();
                for (int seq = 1; seq <= 20; seq++) {
                    server.send(srtp(srtp, seq, 111));
                }
                await(() -> listener.stats().packets() == 20, () -> "20 packets over io_uring, got "
                        + listener.stats().packets());
                assertThat(listener.stats().lost()).isZero();
                assertThat(listener.timings().signalingNanos()).isPositive();
            } finally {
                listener.close();
            }
        }
    }

    /**
     * Both socket layouts: shared sockets ({@link LoopbackMux}, the default against a loopback server) and a connected
     * socket per listener ({@code --socket-per-listener}).
     */
    @ParameterizedTest(name = "shared loopback sockets: {0}")
    @ValueSource(booleans = {true, false})
    void hostileDatagramsAreDroppedAndCountedNeverThrown(boolean shared) throws Exception {
        try (ClientRuntime own = ClientRuntime.create(new ClientRuntime.Options(1, 2, 1, Duration.ofSeconds(5), true)
                .withSharedLoopbackSockets(shared))) {
            assertThat(own.sharesLoopbackSockets()).isEqualTo(shared && own.epoll());
            hostileDatagrams(own, own.sharesLoopbackSockets());
        }
    }

    private void hostileDatagrams(ClientRuntime runtime, boolean shared) throws Exception {
        WebRtcListener listener = WebRtcListener.create(runtime, config()
                .reportInterval(Duration.ofMillis(100)).consent(Duration.ofMillis(200), Duration.ofSeconds(30)).build());
        try {
            listener.connect().get(10, TimeUnit.SECONDS);
            InetAddress seen = server.client.getAddress();
            if (shared) {
                assertThat(seen.isLoopbackAddress()).isTrue();
                assertThat(seen).as("an address of its own").isNotEqualTo(InetAddress.getByName("127.0.0.1"));
            } else {
                assertThat(seen).isEqualTo(InetAddress.getByName("127.0.0.1"));
            }
            SrtpSession srtp = server.srtp();
            byte[] last = null;
            for (int seq = 1; seq <= 10; seq++) {
                last = srtp(srtp, seq, 111);
                server.send(last);
            }
            await(() -> listener.stats().packets() == 10, "10 packets");

            server.send(last); // replayed
            byte[] eleven = srtp(srtp, 11, 111);
            byte[] tampered = eleven.clone();
            tampered[20] ^= 0x01;
            server.send(tampered);
            server.send(eleven);
            server.send(srtp(srtp, 12, 96)); // not the answer's Opus payload type
            server.send(new byte[] {(byte) 0x80, 111, 0, 1, 0}); // RTP-range but truncated
            byte[] stun = new byte[20];
            stun[1] = 0x01; // a Binding success for a transaction we never started
            System.arraycopy(new byte[] {0x21, 0x12, (byte) 0xA4, 0x42}, 0, stun, 4, 4);
            server.send(stun);
            byte[] badRtcp = new byte[40];
            badRtcp[0] = (byte) 0x80;
            badRtcp[1] = (byte) 200;
            badRtcp[3] = 0x50; // says 324 bytes; there are 8
            int n = srtp.protectRtcp(badRtcp, 0, 8);
            server.send(Arrays.copyOf(badRtcp, n));
            byte[] sr = new byte[100];
            n = RtcpCodec.write(List.of(new SenderReport(FakeServer.SSRC, RtcpCodec.ntpTimestamp(System.currentTimeMillis()), 0, 10,
                    400, List.of())), sr, 0);
            n = srtp.protectRtcp(sr, 0, n);
            server.send(Arrays.copyOf(sr, n));
            byte[] thirteen = srtp(srtp, 13, 111);
            try (DatagramSocket stranger = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                stranger.send(new DatagramPacket(thirteen, thirteen.length, server.client));
            }
            server.send(thirteen);
            await(() -> listener.stats().packets() == 12 && listener.stats().senderReports() == 1, "12 packets and an SR");

            ListenerStats s = listener.stats();
            assertThat(s.drops(DropReason.REPLAY)).isEqualTo(1);
            assertThat(s.drops(DropReason.AUTH)).isEqualTo(1);
            assertThat(s.drops(DropReason.PAYLOAD_TYPE)).isEqualTo(1);
            assertThat(s.drops(DropReason.STUN)).isEqualTo(1);
            assertThat(s.drops(DropReason.RTCP_INVALID)).isEqualTo(1);
            // A socket of its own is connected to the server: the kernel drops the stranger's datagram before we see it. A
            // shared socket takes datagrams from anyone, and the listener drops the stranger's by its source.
            assertThat(s.drops(DropReason.FOREIGN_SOURCE)).isEqualTo(shared ? 1 : 0);
            assertThat(s.drops(DropReason.SRTP_MALFORMED) + s.drops(DropReason.UNKNOWN)).isEqualTo(1);
            assertThat(s.drops(DropReason.INTERNAL)).isZero();
            // The payload-type-12 packet was authentic but unusable: a loss for the listener.
            assertThat(s.expected()).isEqualTo(13);
            assertThat(s.lost()).isEqualTo(1);

            // Random bytes: every datagram outside the DTLS range (which goes to the DTLS endpoint) is counted once. Sent in
            // batches so that the socket's receive buffer cannot overflow.
            Random random = new Random(42);
            for (int batch = 0; batch < 15; batch++) {
                long expectedDrops = listener.stats().totalDrops();
                for (int i = 0; i < 20; i++) {
                    byte[] junk = new byte[random.nextInt(1400)];
                    random.nextBytes(junk);
                    if (i % 3 == 0 && junk.length > 0) {
                        junk[0] = (byte) (0x80 | random.nextInt(0x40)); // RTP/RTCP range: must fail SRTP, not parse
                    }
                    boolean toDtls = junk.length > 0 && (junk[0] & 0xFF) >= 20 && (junk[0] & 0xFF) <= 63;
                    expectedDrops += toDtls ? 0 : 1;
                    server.send(junk);
                }
                long target = expectedDrops;
                await(() -> listener.stats().totalDrops() == target, () -> "junk counted: " + listener.stats().drops()
                        + " (expected: " + target + " in all)");
            }
            server.send(srtp(srtp, 14, 111));
            await(() -> listener.stats().packets() == 13, "the stream goes on after the junk");
            assertThat(listener.stats().drops(DropReason.INTERNAL)).isZero();
            assertThat(listener.state()).isEqualTo(WebRtcListener.State.CONNECTED);

            // Receiver reports reach the server, about our stream, with its highest sequence; consent checks get answers.
            await(() -> server.receiverReports.stream().anyMatch(rr -> !rr.reports().isEmpty()
                    && rr.reports().get(0).highestSequence() == 14), "an RR up to seq 14");
            assertThat(server.receiverReports.get(server.receiverReports.size() - 1).reports().get(0).ssrc())
                    .isEqualTo(FakeServer.SSRC);
            await(() -> listener.stats().rttMicros() >= 0, "a consent round trip");
        } finally {
            listener.close();
        }
        assertThat(listener.state()).isEqualTo(WebRtcListener.State.CLOSED);
        assertThat(server.httpRequests).containsExactly("POST /whep/hostile", "DELETE /whep/hostile/session-1");
    }

    @Test
    void unansweredChecksFailWithIceTimeoutAndDeleteTheSession() throws Exception {
        server.answerStun = false;
        WebRtcListener listener = WebRtcListener.create(runtime, config().iceTimeout(Duration.ofMillis(1000)).build());
        assertThatThrownBy(() -> listener.connect().get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(ListenerException.class)
                .satisfies(e -> assertThat(((ListenerException) e).reason()).isEqualTo(FailureReason.ICE_TIMEOUT));
        // 0, 50, 150, 350, 750 ms: five checks paced by RFC 8445 Ta and back-off; the next would be at 1550 ms.
        assertThat(server.stunRequests).isEqualTo(5);
        await(() -> server.httpRequests.contains("DELETE /whep/hostile/session-1"), "DELETE after failure");
        assertThat(listener.state()).isEqualTo(WebRtcListener.State.FAILED);
    }

    @Test
    void consentLostAfterTheServerFallsSilent() throws Exception {
        WebRtcListener listener = WebRtcListener.create(runtime, config()
                .consent(Duration.ofMillis(100), Duration.ofMillis(600)).build());
        listener.connect().get(10, TimeUnit.SECONDS);
        server.answerStun = false;
        await(() -> listener.state() == WebRtcListener.State.FAILED, "consent lost");
        assertThat(listener.failure().reason()).isEqualTo(FailureReason.CONSENT_LOST);
    }

    @Test
    void whepErrorSurfacesTheStatusAndBody() {
        WebRtcListener listener = WebRtcListener.create(runtime, ListenerConfig.builder(server.base(), "missing").build());
        assertThatThrownBy(() -> listener.connect().get(10, TimeUnit.SECONDS))
                .cause().isInstanceOf(ListenerException.class)
                .hasMessageContaining("404")
                .hasMessageContaining("no such show")
                .satisfies(e -> assertThat(((ListenerException) e).reason()).isEqualTo(FailureReason.WHEP_STATUS));
        assertThat(listener.timings().answeredNanos()).isEqualTo(-1);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        await(condition, () -> what);
    }

    private static void await(BooleanSupplier condition, java.util.function.Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for: " + what.get());
            }
            Thread.sleep(20);
        }
    }
}
