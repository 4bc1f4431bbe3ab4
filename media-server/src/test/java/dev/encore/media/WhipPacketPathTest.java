package dev.encore.media;

import static dev.encore.media.TestPackets.payload;
import static dev.encore.media.TestPackets.rtp;
import static dev.encore.media.TestPackets.show;
import static dev.encore.media.WhipTestKit.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.encore.protocol.dtls.DtlsIdentity;
import dev.encore.protocol.rtcp.RtcpCodec;
import dev.encore.protocol.rtcp.SenderReport;
import dev.encore.protocol.sdp.Direction;
import dev.encore.protocol.sdp.LocalMedia;
import dev.encore.protocol.sdp.WebRtcSdp;
import dev.encore.protocol.srtp.SrtpKeys;
import dev.encore.protocol.srtp.SrtpProfile;
import dev.encore.protocol.srtp.SrtpSession;
import dev.encore.protocol.stun.IceCredentials;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The media port's RTP path for a WHIP publisher, with the DTLS handshake stood in for (known SRTP keys, the address bound
 * as an ICE check would): only the negotiated Opus payload type from the announced SSRC is routed; everything else is
 * counted and dropped.
 */
class WhipPacketPathTest {
    private static final long SSRC = 0x5EED;
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private MediaServer server;
    private DatagramSocket socket;
    private SrtpSession client;

    @BeforeEach
    void start() throws Exception {
        server = MediaServer.start(new MediaServerConfig("127.0.0.1", 0, null, 1));
        server.addShow(show("live", 64_000, null));
        socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
    }

    @AfterEach
    void stop() {
        socket.close();
        if (client != null) {
            client.close();
        }
        server.close();
    }

    /** A publisher session "connected" with known keys, its address bound to {@link #socket}. */
    private PeerSession connectedPublisher() throws Exception {
        String offer = WebRtcSdp.offer(new LocalMedia(IceCredentials.random(), DtlsIdentity.generate().fingerprint(), null, 0,
                Direction.SENDONLY, SSRC, "cname", "stream", true, 0));
        WhipSession whip = server.whip().publish("live", offer);
        PeerSession session = server.peers().byId(whip.sessionId());
        byte[] key = new byte[16];
        byte[] salt = new byte[14];
        Arrays.fill(key, (byte) 7);
        Arrays.fill(salt, (byte) 9);
        SrtpKeys keys = new SrtpKeys(SrtpProfile.AES_CM_128_HMAC_SHA1_80, key, salt, key.clone(), salt.clone());
        client = SrtpSession.forClient(keys);
        Producer producer = new Producer(session, server.shards().get(0), SrtpSession.forServer(keys), 111,
                session.announcedSsrc(), server.mediaMetrics(), System::nanoTime);
        // What an authenticated, nominating ICE check does (consent fresh, address bound).
        InetSocketAddress address = (InetSocketAddress) socket.getLocalSocketAddress();
        assertThat(session.onValidCheck(address, true, server.shards().get(0), System.nanoTime())).isTrue();
        server.peers().bind(address, session);
        assertThat(session.connectPublisher(producer)).isTrue();
        return session;
    }

    private void send(byte[] datagram) throws Exception {
        socket.send(new DatagramPacket(datagram, datagram.length, server.localAddress()));
    }

    private byte[] srtp(int pt, int seq, long ssrc) {
        byte[] p = Arrays.copyOf(rtp(pt, seq, 960L * seq, ssrc, payload(50, seq)), 62 + SrtpSession.MAX_OVERHEAD);
        int n = client.protectRtp(p, 0, 62);
        return Arrays.copyOf(p, n);
    }

    private long dropped(DropReason reason) {
        return server.mediaMetrics().dropped(reason);
    }

    @Test
    void onlyTheNegotiatedOpusStreamIsRoutedAndEverythingElseIsCounted() throws Exception {
        PeerSession session = connectedPublisher();
        ShowRouter router = server.showRouter("live");
        assertThat(router.isPublisher(session.producer())).isTrue();

        send(srtp(111, 1, SSRC));
        send(srtp(96, 2, SSRC)); // not the negotiated payload type
        send(srtp(111, 3, 0xBAD)); // another SSRC (e.g. video the answer rejected)
        byte[] tampered = srtp(111, 4, SSRC);
        tampered[20] ^= 1;
        send(tampered);
        send(rtp(111, 5, 0, SSRC, payload(50, 5))); // plain RTP: no tag
        byte[] last = srtp(111, 6, SSRC);
        send(last);
        send(last); // replayed
        byte[] sr = new byte[100];
        int n = RtcpCodec.write(List.of(new SenderReport(SSRC, RtcpCodec.ntpTimestamp(System.currentTimeMillis()), 0, 2, 100,
                List.of())), sr, 0);
        n = client.protectRtcp(sr, 0, n);
        send(Arrays.copyOf(sr, n));

        await("the replay counted", () -> dropped(DropReason.SRTP_REPLAY) == 1);
        await("the sender report", () -> session.producer().senderReports() == 1);
        assertThat(dropped(DropReason.BAD_PAYLOAD_TYPE)).isEqualTo(1);
        assertThat(dropped(DropReason.UNKNOWN_SSRC)).isEqualTo(1);
        assertThat(dropped(DropReason.SRTP_AUTH)).isEqualTo(2);
        assertThat(dropped(DropReason.INTERNAL_ERROR)).isZero();
        RouterStatus status = router.status();
        assertThat(status.performerOnline()).isTrue();
        assertThat(status.ingest()).isEqualTo("whip");

        List<String> names = server.metrics().scrape().stream().map(s -> s.getMetadata().getPrometheusName()).toList();
        assertThat(names).contains("encore_media_performer_online", "encore_media_publisher_sessions",
                "encore_media_performer_loss_ratio", "encore_media_performer_jitter_seconds", "encore_media_whip_sessions_opened",
                "encore_media_whip_sessions_replaced");
        assertThat(gauge("encore_media_performer_online")).isEqualTo(1.0);
        assertThat(gauge("encore_media_publisher_sessions")).isEqualTo(1.0);

        session.close();
        send(srtp(111, 7, SSRC));
        await("a closed publisher's packets refused", () -> dropped(DropReason.NOT_PUBLISHER) == 1);
        assertThat(router.publisher()).isNull();
    }

    @Test
    void rtpFromAListenerOrAStrangerIsNotRouted() throws Exception {
        String offer = WebRtcSdp.offer(new LocalMedia(IceCredentials.random(), DtlsIdentity.generate().fingerprint(), null, 0,
                Direction.RECVONLY, 1, "cname", "stream", true, 0));
        WhepSession whep = server.whep().subscribe("live", offer);
        server.peers().bind((InetSocketAddress) socket.getLocalSocketAddress(), server.peers().byId(whep.sessionId()));
        send(rtp(111, 1, 0, SSRC, payload(50, 1)));
        await("a listener's RTP refused", () -> dropped(DropReason.NOT_PUBLISHER) == 1);
        try (DatagramSocket stranger = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            byte[] p = rtp(111, 2, 0, SSRC, payload(50, 2));
            stranger.send(new DatagramPacket(p, p.length, server.localAddress()));
        }
        await("a stranger's RTP refused", () -> dropped(DropReason.UNKNOWN_PEER) == 1);
        assertThat(server.showRouter("live").performerOnline()).isFalse();
    }

    private double gauge(String name) {
        MetricSnapshot snapshot = server.metrics().scrape().stream()
                .filter(s -> s.getMetadata().getPrometheusName().equals(name)).findFirst().orElseThrow();
        return ((GaugeSnapshot) snapshot).getDataPoints().get(0).getValue();
    }
}
