package dev.encore.media;

import static dev.encore.media.TestPackets.show;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.encore.protocol.sdp.AudioAnswer;
import dev.encore.protocol.sdp.AudioOffer;
import dev.encore.protocol.sdp.SdpException;
import dev.encore.protocol.sdp.WebRtcSdp;
import dev.encore.protocol.stun.StunCodec;
import io.netty.channel.epoll.Epoll;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server on a real loopback port: WHEP sessions from browser offer fixtures, and their ICE checks. */
class MediaServerTest {
    private MediaServer server;

    @BeforeEach
    void start() throws Exception {
        server = MediaServer.start(new MediaServerConfig("127.0.0.1", 0, null, 2));
        server.addShow(show("rooftop", 96_000, null));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static String fixture(String name) throws IOException {
        try (InputStream in = MediaServerTest.class.getResourceAsStream("/sdp/" + name)) {
            assertThat(in).as("fixture " + name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void subscribeAnswersAChromeOfferWithIceLiteSendonlyAndOurCandidate() throws Exception {
        WhepSession session = server.whep().subscribe("rooftop", fixture("chrome-whep-recvonly.sdp"));
        assertThat(session.sessionId()).matches("[A-Za-z0-9_-]{22,}");
        AudioAnswer answer = WebRtcSdp.parseAnswer(session.answerSdp());
        assertThat(answer.iceLite()).isTrue();
        assertThat(answer.candidates()).containsExactly(server.localAddress());
        assertThat(answer.remoteSsrc()).isEqualTo(server.showRouter("rooftop").outgoingSsrc());
        assertThat(session.answerSdp()).contains("a=sendonly");
        assertThat(server.peers().size()).isEqualTo(1);
        assertThat(server.router("rooftop").orElseThrow().consumerCount()).isZero();
    }

    @Test
    void sessionIdsAreUnique() throws Exception {
        String offer = fixture("chrome-whep-recvonly.sdp");
        String a = server.whep().subscribe("rooftop", offer).sessionId();
        String b = server.whep().subscribe("rooftop", offer).sessionId();
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void unknownShowAndUnanswerableOffersAreRefused() throws Exception {
        assertThatThrownBy(() -> server.whep().subscribe("nope", fixture("chrome-whep-recvonly.sdp")))
                .isInstanceOf(NoSuchShowException.class);
        assertThatThrownBy(() -> server.whep().subscribe("rooftop", fixture("obs-whip-sendonly.sdp")))
                .isInstanceOf(SdpException.class).hasMessageContaining("expected");
        assertThatThrownBy(() -> server.whep().subscribe("rooftop", "v=0\r\nbogus"))
                .isInstanceOf(SdpException.class);
        assertThat(server.peers().size()).isZero();
    }

    @Test
    void unsubscribeEndsTheSessionOnceAndOnlyForItsShow() throws Exception {
        server.addShow(show("other", 64_000, null));
        WhepSession session = server.whep().subscribe("rooftop", fixture("chrome-whep-recvonly.sdp"));
        assertThat(server.whep().unsubscribe("other", session.sessionId())).isFalse();
        assertThat(server.whep().unsubscribe("rooftop", session.sessionId())).isTrue();
        assertThat(server.whep().unsubscribe("rooftop", session.sessionId())).isFalse();
        assertThat(server.peers().size()).isZero();
    }

    @Test
    void answersAnAuthenticatedCheckOverUdpAndIgnoresAForgedOne() throws Exception {
        String offerSdp = fixture("chrome-whep-recvonly.sdp");
        AudioOffer offer = WebRtcSdp.parseOffer(offerSdp);
        AudioAnswer answer = WebRtcSdp.parseAnswer(server.whep().subscribe("rooftop", offerSdp).answerSdp());
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            socket.setSoTimeout(300);
            byte[] forged = StunCodec.encodeRequest(StunCodec.newTransactionId(), offer.remoteIce(),
                    new dev.encore.protocol.stun.IceCredentials(answer.remoteIce().ufrag(), "y".repeat(24)), 1, 2, true);
            socket.send(new DatagramPacket(forged, forged.length, server.localAddress()));
            DatagramPacket in = new DatagramPacket(new byte[1500], 1500);
            assertThatThrownBy(() -> socket.receive(in)).isInstanceOf(SocketTimeoutException.class);

            socket.setSoTimeout(5_000);
            byte[] txId = StunCodec.newTransactionId();
            byte[] check = StunCodec.encodeRequest(txId, offer.remoteIce(), answer.remoteIce(), 1, 2, true);
            socket.send(new DatagramPacket(check, check.length, server.localAddress()));
            socket.receive(in);
            byte[] bytes = Arrays.copyOf(in.getData(), in.getLength());
            assertThat(StunCodec.decodeSuccess(bytes, 0, bytes.length, txId, answer.remoteIce().pwd()))
                    .isEqualTo(socket.getLocalSocketAddress());
        }
        assertThat(server.mediaMetrics().dropped(DropReason.STUN_AUTH)).isEqualTo(1);
    }

    @Test
    void withEpollEveryEventLoopHasItsOwnChannelOnTheSamePort() {
        assertThat(server.channelCount()).isEqualTo(Epoll.isAvailable() ? 2 : 1);
        assertThat(server.shards()).extracting(s -> s.channel().localAddress()).containsOnly(server.localAddress());
        assertThat(server.shards()).extracting(s -> s.loop()).doesNotHaveDuplicates();
    }

    @Test
    void aSecondServerOnTheSamePortIsRefusedInsteadOfSharingItsListeners() {
        int port = server.localAddress().getPort();
        // With SO_REUSEPORT alone the second bind would succeed and the kernel would split listeners between the servers.
        assertThatThrownBy(() -> MediaServer.start(new MediaServerConfig("127.0.0.1", port, null, 2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("127.0.0.1:" + port + " (UDP) is in use")
                .hasMessageContaining("expected: a free port");
        assertThat(server.channelCount()).isEqualTo(Epoll.isAvailable() ? 2 : 1);
    }

    @Test
    void metricsAreRegistered() {
        List<String> names = server.metrics().scrape().stream().map(s -> s.getMetadata().getPrometheusName()).toList();
        assertThat(names).contains("encore_dropped_packets", "encore_media_listeners", "encore_media_packets_out",
                "encore_media_dtls_handshakes", "encore_media_server_delay_seconds", "encore_media_consent_expiries",
                "encore_media_listener_rtt_seconds", "encore_media_datagrams_received");
        MetricSnapshot listeners = server.metrics().scrape().stream()
                .filter(s -> s.getMetadata().getPrometheusName().equals("encore_media_listeners")).findFirst().orElseThrow();
        assertThat(listeners.getDataPoints()).hasSize(1);
    }
}
