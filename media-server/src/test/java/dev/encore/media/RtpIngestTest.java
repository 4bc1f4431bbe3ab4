package dev.encore.media;

import static dev.encore.media.TestPackets.payload;
import static dev.encore.media.TestPackets.rtp;
import static dev.encore.media.TestPackets.show;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.encore.protocol.rtp.RtpPacket;
import dev.encore.protocol.srtp.SrtpProfile;
import dev.encore.protocol.srtp.SrtpSession;
import dev.encore.show.RtpIngestSettings;
import dev.encore.show.Secret;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * (S)RTP ingest on a real loopback port, feeding a router whose one consumer is a plain UDP socket on loopback (with a
 * transparent SRTP stand-in, so the test reads what the router wrote).
 */
class RtpIngestTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        closeables.add(c);
        return c;
    }

    private MediaServer server() throws Exception {
        return closeLater(MediaServer.start(new MediaServerConfig("127.0.0.1", 0, null, 2)));
    }

    /** A listener stand-in: a loopback socket added to the router as a consumer on shard 0. */
    private DatagramSocket sink(MediaServer server, String showId, int payloadType) throws Exception {
        DatagramSocket socket = closeLater(new DatagramSocket(new InetSocketAddress(LOOPBACK, 0)));
        socket.setSoTimeout(5_000);
        ShowRouter router = server.showRouter(showId);
        router.addConsumer(new Consumer("sink", server.shards().get(0), new TestPackets.FakeSrtp(), payloadType,
                (InetSocketAddress) socket.getLocalSocketAddress()));
        return socket;
    }

    private static byte[] receive(DatagramSocket socket) throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        socket.receive(p);
        return Arrays.copyOf(p.getData(), p.getLength() - TestPackets.FakeSrtp.TAG_LENGTH);
    }

    @Test
    void plainRtpOnLoopbackReachesTheListenerRewritten() throws Exception {
        MediaServer server = server();
        server.addShow(show("plain", 96_000, new RtpIngestSettings("127.0.0.1", 0, null)));
        DatagramSocket sink = sink(server, "plain", 109);
        InetSocketAddress ingest = server.ingestAddress("plain").orElseThrow();
        try (DatagramSocket rig = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            for (int i = 0; i < 5; i++) {
                byte[] p = rtp(97, 100 + i, 960L * i, 0xABCDEF, payload(80, i));
                rig.send(new DatagramPacket(p, p.length, ingest));
            }
        }
        ShowRouter router = server.showRouter("plain");
        int firstSeq = -1;
        for (int i = 0; i < 5; i++) {
            byte[] got = receive(sink);
            assertThat(RtpPacket.ssrc(got, 0)).isEqualTo(router.outgoingSsrc());
            assertThat(RtpPacket.payloadType(got, 0)).isEqualTo(109);
            assertThat(Arrays.copyOfRange(got, 12, got.length)).isEqualTo(payload(80, i));
            if (i == 0) {
                firstSeq = RtpPacket.sequenceNumber(got, 0);
            }
            assertThat(RtpPacket.sequenceNumber(got, 0)).isEqualTo((firstSeq + i) & 0xFFFF);
        }
        assertThat(router.performerOnline()).isTrue();
        // The fan-out records a packet's delay after writing it, so the sink may see the last packet first.
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.mediaMetrics().delayTotal().getTotalCount() < 5 && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertThat(server.mediaMetrics().delayTotal().getTotalCount()).isEqualTo(5);
    }

    @Test
    void srtpIngestDecryptsAndDropsTamperedAndReplayedPackets() throws Exception {
        byte[] key = new byte[30];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (i * 7 + 1);
        }
        MediaServer server = server();
        server.addShow(show("keyed", 96_000,
                new RtpIngestSettings("127.0.0.1", 0, Secret.of(Base64.getEncoder().encodeToString(key)))));
        DatagramSocket sink = sink(server, "keyed", 111);
        InetSocketAddress ingest = server.ingestAddress("keyed").orElseThrow();
        try (DatagramSocket rig = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
                SrtpSession out = SrtpSession.outboundOnly(SrtpProfile.AES_CM_128_HMAC_SHA1_80, key)) {
            byte[] first = null;
            for (int i = 0; i < 3; i++) {
                byte[] p = Arrays.copyOf(rtp(111, 7 + i, 960L * i, 0x1111, payload(60, i)), 72 + SrtpSession.MAX_OVERHEAD);
                int n = out.protectRtp(p, 0, 72);
                if (i == 0) {
                    first = Arrays.copyOf(p, n);
                }
                if (i == 1) {
                    byte[] tampered = Arrays.copyOf(p, n);
                    tampered[20] ^= 1;
                    rig.send(new DatagramPacket(tampered, n, ingest));
                }
                rig.send(new DatagramPacket(p, n, ingest));
            }
            rig.send(new DatagramPacket(first, first.length, ingest));
            byte[] plain = rtp(111, 50, 0, 0x1111, payload(60, 9));
            rig.send(new DatagramPacket(plain, plain.length, ingest));
        }
        for (int i = 0; i < 3; i++) {
            byte[] got = receive(sink);
            assertThat(Arrays.copyOfRange(got, 12, got.length)).isEqualTo(payload(60, i));
        }
        MediaMetrics metrics = server.mediaMetrics();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (metrics.dropped(DropReason.SRTP_AUTH) < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(metrics.dropped(DropReason.SRTP_AUTH)).as("tampered + unkeyed").isEqualTo(2);
        while (metrics.dropped(DropReason.SRTP_REPLAY) < 1 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(metrics.dropped(DropReason.SRTP_REPLAY)).isEqualTo(1);
        assertThat(server.showRouter("keyed").consumerCount()).isEqualTo(1);
    }

    @Test
    void plainRtpOffLoopbackIsRefused() throws Exception {
        MediaServer server = server();
        assertThatThrownBy(() -> server.addShow(show("open", 96_000, new RtpIngestSettings("0.0.0.0", 0, null))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected");
        assertThat(server.router("open")).isEmpty();
    }
}
