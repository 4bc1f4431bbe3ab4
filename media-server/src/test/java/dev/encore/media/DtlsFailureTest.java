package dev.encore.media;

import static dev.encore.media.TestPackets.show;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.encore.protocol.dtls.DtlsEndpoint;
import dev.encore.protocol.dtls.DtlsIdentity;
import dev.encore.protocol.sdp.AudioAnswer;
import dev.encore.protocol.sdp.AudioOffer;
import dev.encore.protocol.sdp.WebRtcSdp;
import dev.encore.protocol.stun.StunCodec;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client whose certificate does not match the offer's fingerprint: ICE succeeds, DTLS fails, the failure is counted and
 * the session removed (and reported once as {@link SessionEndReason#DTLS_FAILED}); nothing reaches the router.
 */
class DtlsFailureTest {
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private MediaServer server;

    @AfterEach
    void tearDown() throws Exception {
        executor.shutdownNow();
        executor.awaitTermination(2, TimeUnit.SECONDS);
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aCertificateThatDoesNotMatchTheOfferFailsTheHandshakeAndEndsTheSession() throws Exception {
        server = MediaServer.start(new MediaServerConfig("127.0.0.1", 0, null, 1));
        server.addShow(show("s", 64_000, null));
        List<String> ended = new CopyOnWriteArrayList<>();
        server.onSessionEnded((showId, sessionId, reason) -> ended.add(showId + " " + sessionId + " " + reason));
        String offerSdp = MediaServerTest.fixture("chrome-whep-recvonly.sdp");
        AudioOffer offer = WebRtcSdp.parseOffer(offerSdp);
        WhepSession session = server.whep().subscribe("s", offerSdp);
        AudioAnswer answer = WebRtcSdp.parseAnswer(session.answerSdp());
        InetSocketAddress target = server.localAddress();
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            socket.setSoTimeout(5_000);
            byte[] check = StunCodec.encodeRequest(StunCodec.newTransactionId(), offer.remoteIce(), answer.remoteIce(), 1, 2, true);
            socket.send(new DatagramPacket(check, check.length, target));
            socket.receive(new DatagramPacket(new byte[1500], 1500));

            // our certificate is not the one the offer's fingerprint names
            DtlsEndpoint client = DtlsEndpoint.client(DtlsIdentity.generate(), answer.fingerprint(), bytes -> {
                try {
                    socket.send(new DatagramPacket(bytes, bytes.length, target));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            executor.execute(() -> {
                byte[] buf = new byte[2048];
                while (!socket.isClosed()) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    try {
                        socket.receive(p);
                    } catch (IOException e) {
                        continue;
                    }
                    client.receive(p.getData(), 0, p.getLength());
                }
            });
            assertThatThrownBy(() -> client.start(executor, Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
            client.close();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.peers().size() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(server.peers().size()).isZero();
        assertThat(server.mediaMetrics().dtlsFailures("certificate")).isEqualTo(1);
        assertThat(server.mediaMetrics().dtlsHandshakes()).isZero();
        assertThat(server.router("s").orElseThrow().consumerCount()).isZero();
        server.close();
        assertThat(ended).as("reported once, as a DTLS failure").containsExactly("s " + session.sessionId() + " DTLS_FAILED");
    }
}
