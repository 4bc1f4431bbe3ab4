package dev.encore.media;

import dev.encore.protocol.rtcp.ReceiverReport;
import dev.encore.protocol.rtcp.ReportBlock;
import dev.encore.protocol.rtcp.RtcpCodec;
import dev.encore.protocol.rtcp.SenderReport;
import dev.encore.protocol.rtp.RtpPacket;
import dev.encore.protocol.srtp.SrtpSession;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.util.Objects.requireNonNull;

/**
 * A WHIP publisher's media leg (SFU vocabulary: producer): the SRTP keys of its session, the one stream it may send (the
 * negotiated Opus payload type from its SSRC), reception statistics of that stream, and the receiver reports we send it
 * about once a second (RFC 3550 §6.4.2), so its {@code remote-inbound-rtp} stats show loss and round-trip time.
 *
 * <p>Threads: created by the DTLS handshake thread. Packets are unprotected and checked by the media loop the publisher's
 * address hashes to; reports are sent by the session's shard loop. The statistics and the last sender report are guarded
 * by {@code this}; the SSRC latch is volatile.
 */
final class Producer {
    private static final Logger LOG = LoggerFactory.getLogger(Producer.class);
    static final long REPORT_MILLIS = 1000;

    private final PeerSession session;
    private final FanoutShard shard;
    private final SrtpSession srtp;
    private final int payloadType;
    private final MediaMetrics metrics;
    private final LongSupplier nanoClock;
    /** Our RTCP SSRC: the answer announced none, so any unused value (RFC 3550 §8.1). */
    private final long reporterSsrc;
    private final IncomingStats stats = new IncomingStats();
    private volatile long ssrc;
    private long lastSrMiddle;
    private long lastSrNanos = -1;
    private long senderReports;
    private long receiverReports;
    private ScheduledFuture<?> reportTask;
    private volatile boolean closed;

    /**
     * @param ssrc the SSRC the offer announced ({@code a=ssrc}), or -1 to take the first authenticated Opus packet's
     */
    Producer(PeerSession session, FanoutShard shard, SrtpSession srtp, int payloadType, long ssrc, MediaMetrics metrics,
            LongSupplier nanoClock) {
        this.session = requireNonNull(session, "session");
        this.shard = requireNonNull(shard, "shard");
        this.srtp = requireNonNull(srtp, "srtp");
        this.payloadType = payloadType;
        this.ssrc = ssrc;
        this.metrics = requireNonNull(metrics, "metrics");
        this.nanoClock = requireNonNull(nanoClock, "nanoClock");
        this.reporterSsrc = (new SecureRandom().nextInt() & 0xFFFFFFFFL) | 1;
    }

    PeerSession session() {
        return session;
    }

    SrtpSession srtp() {
        return srtp;
    }

    int payloadType() {
        return payloadType;
    }

    /** The publisher's audio SSRC, or -1 until it is known. */
    long ssrc() {
        return ssrc;
    }

    boolean closed() {
        return closed;
    }

    /**
     * Whether an unprotected packet is the publisher's Opus stream: a valid RTP header, the negotiated payload type, and the
     * announced (or first seen) SSRC. Returns the reason to drop it, or null to route it.
     */
    DropReason check(byte[] buf, int off, int len) {
        if (len > ShowRouter.MAX_RTP_LENGTH || !RtpPacket.isValid(buf, off, len)) {
            return DropReason.RTP_MALFORMED;
        }
        if (RtpPacket.payloadType(buf, off) != payloadType) {
            return DropReason.BAD_PAYLOAD_TYPE;
        }
        long packetSsrc = RtpPacket.ssrc(buf, off);
        long known = ssrc;
        if (known < 0) {
            synchronized (this) {
                if (ssrc < 0) {
                    ssrc = packetSsrc;
                }
                known = ssrc;
            }
        }
        return packetSsrc == known ? null : DropReason.UNKNOWN_SSRC;
    }

    /** Counts an accepted packet into the reception statistics (loss, jitter) our receiver reports describe. */
    synchronized void onPacket(byte[] buf, int off, int len, long nowNanos) {
        stats.onPacket(RtpPacket.sequenceNumber(buf, off), RtpPacket.timestamp(buf, off), len, nowNanos);
    }

    /** A sender report from the publisher: remembered for LSR/DLSR in our next receiver report (RFC 3550 §6.4.1). */
    synchronized void onSenderReport(SenderReport sr, long nowNanos) {
        if (sr.ssrc() != ssrc) {
            return;
        }
        lastSrMiddle = RtcpCodec.middle32(sr.ntpTimestamp());
        lastSrNanos = nowNanos;
        senderReports++;
    }

    synchronized long senderReports() {
        return senderReports;
    }

    synchronized long receiverReports() {
        return receiverReports;
    }

    /** Starts the receiver reports on the shard's loop. */
    void start() {
        try {
            ScheduledFuture<?> task = shard.loop().scheduleAtFixedRate(this::sendReport, REPORT_MILLIS, REPORT_MILLIS,
                    TimeUnit.MILLISECONDS);
            synchronized (this) {
                reportTask = task;
            }
            if (closed) {
                task.cancel(false);
            }
        } catch (RejectedExecutionException e) {
            LOG.debug("no receiver reports for {}: the loop is shutting down", session);
        }
    }

    /** One receiver report about the publisher's stream. Shard loop only. */
    private void sendReport() {
        if (closed) {
            return;
        }
        try {
            InetSocketAddress to = session.mediaAddress();
            ReportBlock block;
            synchronized (this) {
                if (to == null || !stats.started() || ssrc < 0) {
                    return;
                }
                long dlsr = lastSrNanos < 0 ? 0 : Math.max(0, nanoClock.getAsLong() - lastSrNanos) * 65536 / 1_000_000_000L;
                block = new ReportBlock(ssrc, stats.nextReportFraction(), stats.cumulativeLostField(), stats.extendedHighest(),
                        stats.jitter(), lastSrNanos < 0 ? 0 : lastSrMiddle, dlsr);
            }
            byte[] scratch = shard.scratch();
            int len = RtcpCodec.write(List.of(new ReceiverReport(reporterSsrc, List.of(block))), scratch, 0);
            int n = srtp.protectRtcp(scratch, 0, len);
            if (n <= 0) {
                return;
            }
            Channel channel = shard.channel();
            ByteBuf out = channel.alloc().directBuffer(n);
            out.writeBytes(scratch, 0, n);
            channel.writeAndFlush(new DatagramPacket(out, to), channel.voidPromise());
            synchronized (this) {
                receiverReports++;
            }
        } catch (RuntimeException e) {
            metrics.drop(DropReason.INTERNAL_ERROR);
            LOG.warn("receiver report to {} failed", session, e);
        }
    }

    /** Stops the reports and forgets the keys (on the shard's loop, after anything queued there). Idempotent. */
    void close() {
        ScheduledFuture<?> task;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            task = reportTask;
        }
        if (task != null) {
            task.cancel(false);
        }
        try {
            shard.loop().execute(srtp::close);
        } catch (RejectedExecutionException e) {
            srtp.close();
        }
    }

    @Override
    public String toString() {
        return "Producer[" + session + "]";
    }
}
