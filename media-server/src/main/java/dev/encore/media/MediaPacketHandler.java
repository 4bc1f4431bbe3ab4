package dev.encore.media;

import dev.encore.protocol.demux.PacketKind;
import dev.encore.protocol.dtls.DtlsCookieGate;
import dev.encore.protocol.dtls.DtlsEndpoint;
import dev.encore.protocol.rtcp.ReceiverReport;
import dev.encore.protocol.rtcp.ReportBlock;
import dev.encore.protocol.rtcp.RtcpCodec;
import dev.encore.protocol.rtcp.RtcpException;
import dev.encore.protocol.rtcp.RtcpPacket;
import dev.encore.protocol.rtcp.SenderReport;
import dev.encore.protocol.srtp.SrtpSession;
import dev.encore.protocol.stun.BindingRequest;
import dev.encore.protocol.stun.StunCodec;
import dev.encore.protocol.stun.StunException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.util.Objects.requireNonNull;

/**
 * The whole packet path of the media port, top to bottom. Every datagram goes through:
 *
 * <ol>
 *   <li>{@code guard}: empty or oversized → drop;</li>
 *   <li>{@code classify} by first byte (RFC 7983 §7; RTP vs RTCP by RFC 5761 §4);</li>
 *   <li>{@code stun}: find the session by the USERNAME's ufrag, authenticate (MESSAGE-INTEGRITY, FINGERPRINT), learn and
 *       bind the address, refresh consent, nominate on USE-CANDIDATE, answer (ICE-lite, RFC 8445 §2.5 and §7.3);</li>
 *   <li>{@code dtls}: find the session by authenticated address; a first ClientHello (reassembled if fragmented) starts
 *       the session's handshake in the pool (the address passed an authenticated ICE check, so the cookie exchange of RFC
 *       6347 §4.2.1 is skipped: docs/dtls-cookie.md; {@code -Dencore.dtls.cookie=true} brings it back); later records
 *       feed the session's endpoint;</li>
 *   <li>{@code srtcp}: from a connected listener: unprotect (RFC 3711 §3.4), parse (RFC 3550 §6), take its receiver
 *       report into the listener's loss/jitter/RTT; from a connected publisher: take its sender report (for the LSR/DLSR
 *       of our receiver reports);</li>
 *   <li>{@code rtp}: only from the show's current WHIP publisher (listeners only receive; a replaced publisher is
 *       refused): unprotect (RFC 3711 §3.3, replays dropped), check it is the negotiated Opus stream, count it, and hand
 *       it to the show's router, which rate-limits, renumbers and fans it out as it does the ingest port's and
 *       {@link Router#feed}'s packets.</li>
 * </ol>
 *
 * <p>Every malformed, truncated, replayed or unauthenticated datagram is dropped and counted by {@link DropReason}: never
 * thrown, never answered. Nothing is sent to an address before it passed an authenticated check.
 *
 * <p>Thread: one instance per media channel, owned by that channel's event loop ({@link #scratch} is not shared).
 */
final class MediaPacketHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    private static final Logger LOG = LoggerFactory.getLogger(MediaPacketHandler.class);
    /** Larger than any STUN, DTLS record or SRTP packet a WebRTC peer sends on a 1500-byte path. */
    static final int MAX_DATAGRAM = 2048;
    /**
     * Whether a first ClientHello goes through the stateless cookie exchange (a HelloVerifyRequest round trip) before its
     * handshake starts. Off by default: only ICE-authenticated addresses get here, and the round trip cost a storm's
     * joins a quarter of their handshake time (docs/dtls-cookie.md). {@code -Dencore.dtls.cookie=true} turns it on.
     */
    static final boolean COOKIE_EXCHANGE = Boolean.getBoolean("encore.dtls.cookie");

    private final PeerTable peers;
    private final MediaMetrics metrics;
    private final DtlsCookieGate cookieGate;
    private final DtlsHandshakes handshakes;
    private final FanoutShard shard;
    private final LongSupplier nanoClock;
    private final byte[] scratch = new byte[MAX_DATAGRAM];

    MediaPacketHandler(PeerTable peers, MediaMetrics metrics, DtlsCookieGate cookieGate, DtlsHandshakes handshakes,
            FanoutShard shard, LongSupplier nanoClock) {
        super(DatagramPacket.class, true);
        this.peers = requireNonNull(peers, "peers");
        this.metrics = requireNonNull(metrics, "metrics");
        this.cookieGate = requireNonNull(cookieGate, "cookieGate");
        this.handshakes = requireNonNull(handshakes, "handshakes");
        this.shard = requireNonNull(shard, "shard");
        this.nanoClock = requireNonNull(nanoClock, "nanoClock");
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        InetSocketAddress from = packet.sender();
        ByteBuf content = packet.content();
        int len = content.readableBytes();
        try {
            // guard
            if (len == 0 || len > MAX_DATAGRAM || from == null) {
                drop(DropReason.MALFORMED);
                return;
            }
            content.getBytes(content.readerIndex(), scratch, 0, len);
            // classify
            PacketKind kind = PacketKind.classify(scratch, 0, len);
            metrics.datagramIn(kind);
            switch (kind) {
                case STUN -> stun(ctx, len, from);
                case DTLS -> dtls(ctx, len, from);
                case RTCP -> srtcp(len, from);
                case RTP -> rtp(len, from);
                default -> drop(DropReason.MALFORMED);
            }
        } catch (RuntimeException e) {
            drop(DropReason.INTERNAL_ERROR);
            LOG.warn("packet from {} dropped by a bug", from, e);
        }
    }

    /** ICE-lite: authenticate the check, learn the address, answer it. RFC 8445 §7.3, RFC 7675 §5.1. */
    private void stun(ChannelHandlerContext ctx, int len, InetSocketAddress from) {
        if (!StunCodec.isStun(scratch, 0, len)) {
            drop(DropReason.BAD_STUN);
            return;
        }
        String username = StunCodec.peekUsername(scratch, 0, len);
        int colon = username == null ? -1 : username.indexOf(':');
        if (colon <= 0) {
            drop(DropReason.BAD_STUN);
            return;
        }
        PeerSession session = peers.byUfrag(username.substring(0, colon));
        if (session == null || session.closed()) {
            drop(DropReason.STUN_UNKNOWN_UFRAG);
            return;
        }
        BindingRequest request;
        try {
            request = StunCodec.decodeRequest(scratch, 0, len, session.localIce());
        } catch (StunException e) {
            drop(DropReason.STUN_AUTH);
            return;
        }
        // RFC 8445 §7.3: USERNAME is "<our ufrag>:<their ufrag>"; the second half must be the offer's ufrag.
        if (!request.username().substring(colon + 1).equals(session.remoteUfrag())) {
            drop(DropReason.STUN_AUTH);
            return;
        }
        if (!session.onValidCheck(from, request.useCandidate(), shard, nanoClock.getAsLong())) {
            drop(DropReason.STUN_ADDRESS_LIMIT);
            return;
        }
        peers.bind(from, session);
        byte[] response = StunCodec.encodeSuccess(request, from, session.localIce());
        ctx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(response), from), ctx.voidPromise());
        metrics.stunAnswered();
    }

    /** DTLS from an authenticated address only: cookie gate, then the handshake pool (RFC 6347, RFC 5764). */
    private void dtls(ChannelHandlerContext ctx, int len, InetSocketAddress from) {
        PeerSession session = peers.byAddress(from);
        if (session == null) {
            drop(DropReason.UNKNOWN_PEER);
            return;
        }
        if (session.closed() || session.dtlsFailed()) {
            drop(DropReason.DTLS_CLOSED);
            return;
        }
        DtlsEndpoint endpoint = session.dtls();
        if (endpoint != null) {
            session.dtlsFrom(from, shard);
            long droppedBefore = endpoint.droppedDatagrams();
            endpoint.receive(scratch, 0, len); // copies
            if (endpoint.droppedDatagrams() != droppedBefore) {
                drop(DropReason.DTLS_QUEUE_FULL);
            }
            return;
        }
        // A ClientHello too big for one datagram (Chromium's DTLS 1.3 offer) is reassembled first (RFC 6347 §4.2.3).
        byte[] hello = scratch;
        int helloLength = len;
        switch (session.helloAssembler().offer(scratch, len)) {
            case PENDING -> {
                return;
            }
            case COMPLETE -> {
                hello = session.helloAssembler().assembled();
                helloLength = hello.length;
            }
            default -> {
            }
        }
        if (!COOKIE_EXCHANGE) {
            // The address passed an authenticated ICE check (peers.byAddress above): start the handshake with this hello,
            // if it is one; anything else would hold a handshake thread until its timeout.
            if (!DtlsHelloAssembler.isWholeHello(hello, helloLength)) {
                drop(DropReason.DTLS_GATE);
                return;
            }
            handshakes.start(session, null, from, shard);
            DtlsEndpoint started = session.dtls();
            if (started != null) {
                started.receive(hello, 0, helloLength); // copies
            }
            return;
        }
        boolean[] replied = new boolean[1];
        DtlsCookieGate.Admission admission = cookieGate.admit(clientId(from), hello, 0, helloLength, reply -> {
            replied[0] = true;
            metrics.helloVerifySent();
            ctx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(reply), from), ctx.voidPromise());
        });
        if (admission == null) {
            if (!replied[0]) {
                drop(DropReason.DTLS_GATE);
            }
            return;
        }
        handshakes.start(session, admission, from, shard);
    }

    /** SRTCP from a connected listener: unprotect, parse, take the receiver report. RFC 3711 §3.4, RFC 3550 §6.4. */
    private void srtcp(int len, InetSocketAddress from) {
        PeerSession session = peers.byAddress(from);
        if (session == null) {
            drop(DropReason.UNKNOWN_PEER);
            return;
        }
        if (session.publisher()) {
            publisherRtcp(session, len);
            return;
        }
        Consumer consumer = session.consumer();
        if (consumer == null) {
            drop(DropReason.NOT_CONNECTED);
            return;
        }
        int n = consumer.srtp().unprotectRtcp(scratch, 0, len);
        if (n < 0) {
            drop(n == SrtpSession.FAIL_AUTH ? DropReason.SRTP_AUTH
                    : n == SrtpSession.FAIL_REPLAY ? DropReason.SRTP_REPLAY : DropReason.SRTP_MALFORMED);
            return;
        }
        List<RtcpPacket> packets;
        try {
            packets = RtcpCodec.parse(scratch, 0, n);
        } catch (RtcpException e) {
            drop(DropReason.RTCP_MALFORMED);
            return;
        }
        long ourSsrc = session.router().outgoingSsrc();
        long wallMillis = System.currentTimeMillis();
        for (RtcpPacket p : packets) {
            List<ReportBlock> blocks = p instanceof ReceiverReport rr ? rr.reports()
                    : p instanceof SenderReport sr ? sr.reports() : List.of();
            for (ReportBlock block : blocks) {
                if (block.ssrc() == ourSsrc) {
                    consumer.onReport(block, wallMillis);
                }
            }
        }
    }

    /** SRTCP from a publisher: its sender reports date our receiver reports' LSR (RFC 3550 §6.4.1). */
    private void publisherRtcp(PeerSession session, int len) {
        Producer producer = session.producer();
        if (producer == null) {
            drop(DropReason.NOT_CONNECTED);
            return;
        }
        if (session.closed() || producer.closed()) {
            drop(DropReason.NOT_PUBLISHER);
            return;
        }
        int n = producer.srtp().unprotectRtcp(scratch, 0, len);
        if (n < 0) {
            drop(srtpFailure(n));
            return;
        }
        List<RtcpPacket> packets;
        try {
            packets = RtcpCodec.parse(scratch, 0, n);
        } catch (RtcpException e) {
            drop(DropReason.RTCP_MALFORMED);
            return;
        }
        long now = nanoClock.getAsLong();
        for (RtcpPacket p : packets) {
            if (p instanceof SenderReport sr) {
                producer.onSenderReport(sr, now);
            }
        }
    }

    /**
     * RTP is routed only from the show's current WHIP publisher: unprotect (replays dropped, reordering passes), check it
     * is the negotiated Opus stream, count it, route it. RFC 3711 §3.3, RFC 9725 §4.
     */
    private void rtp(int len, InetSocketAddress from) {
        PeerSession session = peers.byAddress(from);
        if (session == null) {
            drop(DropReason.UNKNOWN_PEER);
            return;
        }
        if (!session.publisher()) {
            drop(DropReason.NOT_PUBLISHER);
            return;
        }
        Producer producer = session.producer();
        if (producer == null) {
            drop(DropReason.NOT_CONNECTED);
            return;
        }
        ShowRouter router = session.router();
        if (session.closed() || producer.closed() || !router.isPublisher(producer)) {
            drop(DropReason.NOT_PUBLISHER);
            return;
        }
        int n = producer.srtp().unprotectRtp(scratch, 0, len);
        if (n < 0) {
            drop(srtpFailure(n));
            return;
        }
        DropReason refused = producer.check(scratch, 0, n);
        if (refused != null) {
            drop(refused);
            return;
        }
        long now = nanoClock.getAsLong();
        producer.onPacket(scratch, 0, n, now);
        router.route(scratch, 0, n, now, ShowRouter.Ingest.WHIP);
    }

    private static DropReason srtpFailure(int code) {
        return code == SrtpSession.FAIL_AUTH ? DropReason.SRTP_AUTH
                : code == SrtpSession.FAIL_REPLAY ? DropReason.SRTP_REPLAY : DropReason.SRTP_MALFORMED;
    }

    private void drop(DropReason reason) {
        metrics.drop(reason);
    }

    /** The address bytes and port: what the DTLS cookie is bound to. */
    private static byte[] clientId(InetSocketAddress from) {
        byte[] ip = from.getAddress().getAddress();
        byte[] id = Arrays.copyOf(ip, ip.length + 2);
        id[ip.length] = (byte) (from.getPort() >>> 8);
        id[ip.length + 1] = (byte) from.getPort();
        return id;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A failed send (e.g. ICMP port unreachable surfacing as an error) must not close the shared media channel.
        LOG.debug("media channel error", cause);
    }
}
