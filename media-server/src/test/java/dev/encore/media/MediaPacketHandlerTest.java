package dev.encore.media;

import static dev.encore.media.TestPackets.payload;
import static dev.encore.media.TestPackets.rtp;
import static dev.encore.media.TestPackets.show;
import static org.assertj.core.api.Assertions.assertThat;

import dev.encore.protocol.dtls.DtlsCookieGate;
import dev.encore.protocol.dtls.DtlsIdentity;
import dev.encore.protocol.rtcp.ReceiverReport;
import dev.encore.protocol.rtcp.ReportBlock;
import dev.encore.protocol.rtcp.RtcpCodec;
import dev.encore.protocol.srtp.SrtpSession;
import dev.encore.protocol.stun.IceCredentials;
import dev.encore.protocol.stun.StunCodec;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packet path's stages on an {@link EmbeddedChannel}: what must be answered is answered, everything else is dropped,
 * counted and never answered.
 */
class MediaPacketHandlerTest {
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 10_000);
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 40_000);
    private static final InetSocketAddress STRANGER = new InetSocketAddress("127.0.0.1", 40_001);
    private static DtlsIdentity identity;

    private final long[] now = {5_000_000_000L};
    private final MediaMetrics metrics = new MediaMetrics(List::of);
    private final PeerTable peers = new PeerTable();
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final FanoutShard shard = new FanoutShard(0, channel);
    private final DtlsHandshakes handshakes = new DtlsHandshakes(identity, peers, metrics, 1, 1, Duration.ofSeconds(1));
    private final ShowRouter router = new ShowRouter(show("s", 64_000, null), List.of(shard), metrics, () -> now[0]);
    private final IceCredentials serverIce = IceCredentials.random();
    private final IceCredentials clientIce = IceCredentials.random();
    private PeerSession session;

    @BeforeAll
    static void makeIdentity() {
        identity = DtlsIdentity.generate();
    }

    @AfterAll
    static void forget() {
        identity = null;
    }

    MediaPacketHandlerTest() {
        channel.pipeline().addLast(new MediaPacketHandler(peers, metrics, new DtlsCookieGate(), handshakes, shard, () -> now[0]));
        session = new PeerSession("sid", router, serverIce, clientIce.ufrag(), identity.fingerprint(), 111, now[0]);
        peers.add(session);
    }

    @AfterEach
    void tearDown() {
        router.close();
        handshakes.close();
        channel.runPendingTasks();
        channel.finishAndReleaseAll();
    }

    private void receive(byte[] data, InetSocketAddress from) {
        channel.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(data), LOCAL, from));
    }

    private long totalDrops() {
        long n = 0;
        for (DropReason r : DropReason.values()) {
            n += metrics.dropped(r);
        }
        return n;
    }

    private byte[] check(IceCredentials client, IceCredentials server, boolean nominate) {
        return StunCodec.encodeRequest(StunCodec.newTransactionId(), client, server, 0x6E0001FFL, 42L, nominate);
    }

    private DatagramPacket readOutbound() {
        return channel.readOutbound();
    }

    @Test
    void garbageOfEveryKindIsDroppedCountedAndNeverAnswered() {
        Random random = new Random(7);
        int sent = 0;
        receive(new byte[0], PEER);
        sent++;
        receive(new byte[MediaPacketHandler.MAX_DATAGRAM + 1], PEER);
        sent++;
        // every first byte, lengths 1..60, random tails: STUN-, DTLS-, RTP- and RTCP-looking garbage and the unassigned ranges
        for (int first = 0; first < 256; first++) {
            for (int len : new int[] {1, 2, 7, 12, 20, 28, 60}) {
                byte[] b = new byte[len];
                random.nextBytes(b);
                b[0] = (byte) first;
                receive(b, PEER);
                sent++;
            }
        }
        // a real STUN header whose length field lies
        byte[] lying = check(clientIce, serverIce, true);
        lying[3] = (byte) (lying[3] + 8);
        receive(lying, PEER);
        sent++;
        // truncated checks
        byte[] good = check(clientIce, serverIce, true);
        for (int cut : new int[] {19, 20, 24, good.length - 4, good.length - 1}) {
            receive(Arrays.copyOf(good, cut), PEER);
            sent++;
        }
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(totalDrops()).isEqualTo(sent);
        assertThat(metrics.dropped(DropReason.INTERNAL_ERROR)).isZero();
        assertThat(session.isVerified(PEER)).isFalse();
        assertThat(peers.byAddress(PEER)).isNull();
    }

    @Test
    void checkForAnUnknownUfragIsDropped() {
        receive(check(clientIce, IceCredentials.random(), true), PEER);
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(metrics.dropped(DropReason.STUN_UNKNOWN_UFRAG)).isEqualTo(1);
    }

    @Test
    void checkWithTheWrongPasswordOrRemoteUfragIsDropped() {
        receive(check(clientIce, new IceCredentials(serverIce.ufrag(), "x".repeat(24)), true), PEER);
        receive(check(new IceCredentials("zzzz", clientIce.pwd()), serverIce, true), PEER);
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(metrics.dropped(DropReason.STUN_AUTH)).isEqualTo(2);
        assertThat(peers.byAddress(PEER)).isNull();
    }

    @Test
    void authenticatedCheckIsAnsweredAndNominatesTheAddress() throws Exception {
        byte[] txId = StunCodec.newTransactionId();
        receive(StunCodec.encodeRequest(txId, clientIce, serverIce, 1L, 2L, false), PEER);
        DatagramPacket response = readOutbound();
        assertThat(response.recipient()).isEqualTo(PEER);
        byte[] bytes = ByteBufUtil.getBytes(response.content());
        response.release();
        assertThat(StunCodec.decodeSuccess(bytes, 0, bytes.length, txId, serverIce.pwd())).isEqualTo(PEER);
        assertThat(peers.byAddress(PEER)).isSameAs(session);
        assertThat(session.nominated()).isFalse();

        now[0] += 1_000_000L;
        receive(check(clientIce, serverIce, true), PEER);
        ((DatagramPacket) channel.readOutbound()).release();
        assertThat(session.nominated()).isTrue();
        assertThat(session.mediaAddress()).isEqualTo(PEER);
        assertThat(session.lastConsentNanos()).isEqualTo(now[0]);
        assertThat(metrics.stunAnswers()).isEqualTo(2);
    }

    @Test
    void dtlsFromAnUnverifiedAddressIsDropped() {
        byte[] hello = new byte[100];
        hello[0] = 22;
        hello[1] = (byte) 0xFE;
        hello[2] = (byte) 0xFD;
        receive(hello, STRANGER);
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(metrics.dropped(DropReason.UNKNOWN_PEER)).isEqualTo(1);
    }

    @Test
    void dtlsGarbageFromAVerifiedAddressIsDroppedByTheCookieGate() {
        receive(check(clientIce, serverIce, true), PEER);
        ((DatagramPacket) channel.readOutbound()).release();
        byte[] notAHello = new byte[60];
        notAHello[0] = 23;
        receive(notAHello, PEER);
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(metrics.dropped(DropReason.DTLS_GATE)).isEqualTo(1);
    }

    @Test
    void aClientHelloFromAVerifiedAddressStartsTheHandshakeWithoutACookieRoundTrip() throws Exception {
        receive(check(clientIce, serverIce, true), PEER);
        ((DatagramPacket) channel.readOutbound()).release();
        byte[] hello = firstClientHello();
        assertThat(DtlsHelloAssembler.isWholeHello(hello, hello.length)).isTrue();

        receive(hello, PEER);

        assertThat(session.dtls()).as("the handshake started from the first ClientHello").isNotNull();
        assertThat(metrics.dropped(DropReason.DTLS_GATE)).isZero();
        // The server's answer is a ServerHello (handshake type 2) from the handshake thread, not a HelloVerifyRequest (3).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        DatagramPacket first = null;
        while (first == null && System.nanoTime() < deadline) {
            channel.runPendingTasks();
            first = channel.readOutbound();
            if (first == null) {
                Thread.sleep(10);
            }
        }
        assertThat(first).as("the server's first flight").isNotNull();
        try {
            assertThat(first.content().getByte(13)).as("handshake type of the server's first record").isEqualTo((byte) 2);
        } finally {
            first.release();
        }
    }

    @Test
    void onlyAWholeEpochZeroClientHelloCanStartAHandshake() throws Exception {
        byte[] hello = firstClientHello();
        assertThat(DtlsHelloAssembler.isWholeHello(hello, hello.length)).isTrue();
        assertThat(DtlsHelloAssembler.isWholeHello(hello, 24)).as("truncated").isFalse();
        assertThat(DtlsHelloAssembler.isWholeHello(hello, hello.length - 1)).as("record longer than the datagram").isFalse();
        byte[] otherType = hello.clone();
        otherType[13] = 2;
        assertThat(DtlsHelloAssembler.isWholeHello(otherType, otherType.length)).as("a ServerHello").isFalse();
        byte[] epochOne = hello.clone();
        epochOne[4] = 1;
        assertThat(DtlsHelloAssembler.isWholeHello(epochOne, epochOne.length)).as("epoch 1").isFalse();
        byte[] fragment = hello.clone();
        fragment[23] = (byte) (fragment[23] - 1);
        assertThat(DtlsHelloAssembler.isWholeHello(fragment, fragment.length)).as("a fragment").isFalse();
        byte[] notDtls = hello.clone();
        notDtls[1] = 3;
        assertThat(DtlsHelloAssembler.isWholeHello(notDtls, notDtls.length)).as("TLS, not DTLS").isFalse();
    }

    /** The first datagram a real DTLS client (ours, BouncyCastle) sends: its ClientHello. */
    private static byte[] firstClientHello() throws Exception {
        java.util.concurrent.CompletableFuture<byte[]> first = new java.util.concurrent.CompletableFuture<>();
        dev.encore.protocol.dtls.DtlsEndpoint client = dev.encore.protocol.dtls.DtlsEndpoint.client(DtlsIdentity.generate(),
                identity.fingerprint(), first::complete);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            client.start(pool, Duration.ofSeconds(5));
            return first.get(5, TimeUnit.SECONDS);
        } finally {
            client.close();
            pool.shutdownNow();
        }
    }

    @Test
    void rtpFromAListenerOrAStrangerIsDropped() {
        receive(check(clientIce, serverIce, true), PEER);
        ((DatagramPacket) channel.readOutbound()).release();
        byte[] rtp = rtp(111, 1, 1, 1, payload(20, 1));
        receive(rtp, PEER);
        receive(rtp, STRANGER);
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(metrics.dropped(DropReason.NOT_PUBLISHER)).isEqualTo(1);
        assertThat(metrics.dropped(DropReason.UNKNOWN_PEER)).isEqualTo(1);
    }

    @Test
    void srtcpBeforeDtlsIsDropped() {
        receive(check(clientIce, serverIce, true), PEER);
        ((DatagramPacket) channel.readOutbound()).release();
        receive(receiverReport(0), PEER);
        assertThat(metrics.dropped(DropReason.NOT_CONNECTED)).isEqualTo(1);
    }

    @Test
    void srtcpFromAConnectedListenerFeedsItsStatsAndBadOnesAreCounted() {
        receive(check(clientIce, serverIce, true), PEER);
        ((DatagramPacket) channel.readOutbound()).release();
        TestPackets.FakeSrtp srtp = new TestPackets.FakeSrtp();
        Consumer consumer = new Consumer("sid", shard, srtp, 111, PEER);
        assertThat(session.connect(consumer)).isTrue();

        receive(withTag(receiverReport(256 * 3 / 4)), PEER);
        assertThat(consumer.stats().reports()).isEqualTo(1);
        assertThat(consumer.stats().fractionLost()).isEqualTo(0.75);
        assertThat(consumer.stats().jitterMillis()).isEqualTo(2.0);

        receive(receiverReport(0), PEER);                      // tag missing: authentication fails
        srtp.unprotectResult = SrtpSession.FAIL_REPLAY;
        receive(withTag(receiverReport(0)), PEER);
        srtp.unprotectResult = 0;
        byte[] broken = withTag(receiverReport(0));
        broken[3] = 40;                                       // length beyond the packet
        receive(broken, PEER);
        assertThat(metrics.dropped(DropReason.SRTP_AUTH)).isEqualTo(1);
        assertThat(metrics.dropped(DropReason.SRTP_REPLAY)).isEqualTo(1);
        assertThat(metrics.dropped(DropReason.RTCP_MALFORMED)).isEqualTo(1);
        assertThat(consumer.stats().reports()).isEqualTo(1);
        assertThat((Object) channel.readOutbound()).isNull();
    }

    private byte[] receiverReport(int fractionLost) {
        ReportBlock block = new ReportBlock(router.outgoingSsrc(), fractionLost, 3, 1000, 96, 0, 0);
        byte[] out = new byte[200];
        int n = RtcpCodec.write(List.of(new ReceiverReport(0x5555, List.of(block))), out, 0);
        return Arrays.copyOf(out, n);
    }

    private static byte[] withTag(byte[] rtcp) {
        byte[] out = Arrays.copyOf(rtcp, rtcp.length + TestPackets.FakeSrtp.TAG_LENGTH);
        Arrays.fill(out, rtcp.length, out.length, TestPackets.FakeSrtp.TAG);
        return out;
    }
}
