package dev.encore.media;

import dev.encore.protocol.demux.PacketKind;
import dev.encore.protocol.srtp.SrtpProfile;
import dev.encore.protocol.srtp.SrtpSession;
import dev.encore.show.RtpIngestSettings;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Base64;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.util.Objects.requireNonNull;

/**
 * A show's (S)RTP ingest port: a performer rig (e.g. ffmpeg {@code -f rtp -srtp_out_suite AES_CM_128_HMAC_SHA1_80})
 * pushes Opus RTP to it. With a key, packets are verified and decrypted with a pre-shared AES_CM_128_HMAC_SHA1_80 master
 * key||salt (RFC 3711, SDES-style keying as ffmpeg's {@code -srtp_out_params}); without one, plain RTP is accepted, which
 * is only allowed on a loopback address. Packets go to the show's router, which validates, rate-limits and fans out.
 *
 * <p>Thread: the handler and its scratch buffer belong to the ingest channel's event loop.
 */
final class RtpIngest implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RtpIngest.class);

    private final Channel channel;
    private final SrtpSession srtp;

    private RtpIngest(Channel channel, SrtpSession srtp) {
        this.channel = channel;
        this.srtp = srtp;
    }

    /** Binds the ingest port on one of {@code group}'s loops. */
    static RtpIngest bind(EventLoopGroup group, Class<? extends DatagramChannel> channelType, RtpIngestSettings settings,
            ShowRouter router, MediaMetrics metrics, LongSupplier nanoClock) throws InterruptedException {
        requireNonNull(settings, "settings");
        String bind = settings.bind() == null ? "0.0.0.0" : settings.bind();
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("ingest.rtp.bind: " + bind + " (expected: an IP address)", e);
        }
        SrtpSession srtp = null;
        if (settings.srtpKey() != null) {
            byte[] key;
            try {
                key = Base64.getDecoder().decode(settings.srtpKey().reveal().trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("ingest.rtp.srtpKey: **** is not base64 (expected: 30 bytes key||salt)");
            }
            if (key.length != 30) {
                throw new IllegalArgumentException("ingest.rtp.srtpKey: " + key.length + " bytes (expected: 30 bytes key||salt)");
            }
            srtp = SrtpSession.inboundOnly(SrtpProfile.AES_CM_128_HMAC_SHA1_80, key);
        } else if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("ingest.rtp: plain RTP on " + bind + " (expected: an srtpKey, or a loopback bind)");
        }
        SrtpSession inbound = srtp;
        Channel ch = new Bootstrap().group(group).channel(channelType)
                .handler(new IngestHandler(router, inbound, metrics, nanoClock))
                .bind(new InetSocketAddress(address, settings.port())).sync().channel();
        LOG.info("show {}: {} ingest on {}", router.showId(), inbound == null ? "RTP" : "SRTP", ch.localAddress());
        return new RtpIngest(ch, inbound);
    }

    InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        if (srtp != null) {
            srtp.close();
        }
    }

    /** guard → classify → SRTP unprotect (when keyed) → router. Every bad datagram is dropped and counted. */
    private static final class IngestHandler extends SimpleChannelInboundHandler<DatagramPacket> {
        private final ShowRouter router;
        private final SrtpSession srtp;
        private final MediaMetrics metrics;
        private final LongSupplier nanoClock;
        private final byte[] scratch = new byte[MediaPacketHandler.MAX_DATAGRAM];

        IngestHandler(ShowRouter router, SrtpSession srtp, MediaMetrics metrics, LongSupplier nanoClock) {
            super(DatagramPacket.class, true);
            this.router = router;
            this.srtp = srtp;
            this.metrics = metrics;
            this.nanoClock = nanoClock;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            try {
                long now = nanoClock.getAsLong();
                ByteBuf content = packet.content();
                int len = content.readableBytes();
                if (len == 0 || len > scratch.length) {
                    metrics.drop(DropReason.MALFORMED);
                    return;
                }
                content.getBytes(content.readerIndex(), scratch, 0, len);
                PacketKind kind = PacketKind.classify(scratch, 0, len);
                if (kind == PacketKind.RTCP) {
                    metrics.drop(DropReason.INGEST_RTCP);
                    return;
                }
                if (kind != PacketKind.RTP) {
                    metrics.drop(DropReason.MALFORMED);
                    return;
                }
                int n = len;
                if (srtp != null) {
                    n = srtp.unprotectRtp(scratch, 0, len);
                    if (n < 0) {
                        metrics.drop(n == SrtpSession.FAIL_AUTH ? DropReason.SRTP_AUTH
                                : n == SrtpSession.FAIL_REPLAY ? DropReason.SRTP_REPLAY : DropReason.SRTP_MALFORMED);
                        return;
                    }
                }
                router.route(scratch, 0, n, now, ShowRouter.Ingest.RTP);
            } catch (RuntimeException e) {
                metrics.drop(DropReason.INTERNAL_ERROR);
                LOG.warn("ingest packet dropped by a bug", e);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("ingest channel error", cause);
        }
    }
}
