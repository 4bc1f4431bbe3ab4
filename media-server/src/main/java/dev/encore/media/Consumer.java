package dev.encore.media;

import dev.encore.protocol.rtcp.ReportBlock;
import dev.encore.protocol.rtcp.RtcpCodec;
import java.net.InetSocketAddress;

/**
 * A listener's media leg (SFU vocabulary): where its copy of the show's stream goes, with which Opus payload type and
 * which SRTP keys, and what its receiver reports say.
 *
 * <p>Threads: created by the DTLS handshake thread; {@link #payloadType}, {@link #srtp}, {@link #shard} and
 * {@link #sessionCreatedNanos} are final. {@link #packetsSent}/{@link #octetsSent} belong to the shard's event loop (the
 * fan-out tells the listener's first packet by {@code packetsSent() == 1} after {@link #sent}). The address and the receiver-report figures
 * are volatile: written by the loop that received the check or the report, read by anyone.
 */
final class Consumer {
    private final String id;
    private final FanoutShard shard;
    private final SrtpTransform srtp;
    private final int payloadType;
    private final long sessionCreatedNanos;
    private volatile InetSocketAddress address;
    private long packetsSent;
    private long octetsSent;
    private volatile double fractionLost = Double.NaN;
    private volatile long cumulativeLost;
    private volatile double jitterMillis = Double.NaN;
    private volatile double rttMillis = Double.NaN;
    private volatile long reports;

    /** A consumer whose session was created at time 0 of the router's clock (tests with a fake clock). */
    Consumer(String id, FanoutShard shard, SrtpTransform srtp, int payloadType, InetSocketAddress address) {
        this(id, shard, srtp, payloadType, address, 0);
    }

    /**
     * @param sessionCreatedNanos when the listener's session was created (its WHEP offer taken), on the router's clock: the
     *     start of its time to first audio
     */
    Consumer(String id, FanoutShard shard, SrtpTransform srtp, int payloadType, InetSocketAddress address,
            long sessionCreatedNanos) {
        this.id = id;
        this.shard = shard;
        this.srtp = srtp;
        this.payloadType = payloadType;
        this.address = address;
        this.sessionCreatedNanos = sessionCreatedNanos;
    }

    String id() {
        return id;
    }

    FanoutShard shard() {
        return shard;
    }

    SrtpTransform srtp() {
        return srtp;
    }

    int payloadType() {
        return payloadType;
    }

    long sessionCreatedNanos() {
        return sessionCreatedNanos;
    }

    InetSocketAddress address() {
        return address;
    }

    void address(InetSocketAddress newAddress) {
        this.address = newAddress;
    }

    /** Shard loop only. */
    void sent(int payloadOctets) {
        packetsSent++;
        octetsSent += payloadOctets;
    }

    /** Shard loop only. */
    long packetsSent() {
        return packetsSent;
    }

    /** Shard loop only. */
    long octetsSent() {
        return octetsSent;
    }

    /**
     * Takes in a report block about our stream (RFC 3550 §6.4.1). Round-trip time is A - LSR - DLSR in 1/65536 s, with A
     * from the same wall clock our sender reports used.
     */
    void onReport(ReportBlock block, long wallMillis) {
        fractionLost = block.fractionLost() / 256.0;
        cumulativeLost = block.cumulativeLost();
        jitterMillis = block.jitter() * 1000.0 / OutgoingStream.CLOCK_RATE;
        if (block.lastSr() != 0) {
            long arrival = RtcpCodec.middle32(RtcpCodec.ntpTimestamp(wallMillis));
            long rtt = (arrival - block.lastSr() - block.delaySinceLastSr()) & 0xFFFFFFFFL;
            if (rtt < 0x8000_0000L) {
                rttMillis = rtt * 1000.0 / 65536;
            }
        }
        reports++;
    }

    /** What the listener reported last: NaN until its first report (RTT: until a report refers to one of our SRs). */
    ConsumerStats stats() {
        return new ConsumerStats(id, fractionLost, cumulativeLost, jitterMillis, rttMillis, reports);
    }

    /**
     * A listener's reception as its last receiver report described it.
     *
     * @param fractionLost fraction of packets lost since the previous report, 0..1
     * @param cumulativeLost packets lost since the start
     * @param jitterMillis interarrival jitter
     * @param rttMillis round-trip time, NaN when unknown
     * @param reports how many report blocks about our stream were received
     */
    record ConsumerStats(String id, double fractionLost, long cumulativeLost, double jitterMillis, double rttMillis,
            long reports) {
    }
}
