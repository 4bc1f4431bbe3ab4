package dev.encore.media;

import dev.encore.protocol.rtp.RtpPacket;

/**
 * A show's one outgoing RTP stream (RFC 3550 §5.1): every performer packet is renumbered into it once, whatever SSRC,
 * sequence number and timestamp the performer used, so listeners see one continuous stream across performer reconnects.
 *
 * <p>While one source (SSRC) keeps sending, its sequence numbers and timestamps are shifted by fixed deltas, so loss and
 * reordering on the way in stay visible to listeners. When the source changes (new SSRC, or a sequence jump of more than
 * {@value #MAX_SEQUENCE_JUMP}), the deltas are re-anchored: the sequence number continues at last + 1 and the timestamp
 * advances by the real time elapsed since the last packet, at least one 20 ms frame (RFC 7587 §4.1: Opus always uses a 48 kHz clock).
 *
 * <p>Thread: not thread-safe; owned by {@link ShowRouter}, which calls it under its lock.
 */
final class OutgoingStream {
    static final int CLOCK_RATE = 48_000;
    static final int MAX_SEQUENCE_JUMP = 3_000;
    /** A new source starts at least one 20 ms frame after the previous source's newest packet. */
    static final int MIN_GAP_TICKS = 960;

    private final long ssrc;
    private boolean anchored;
    private long sourceSsrc;
    private int lastInSeq;
    private int seqDelta;
    private long tsDelta;
    private int highestOutSeq;
    private long highestOutTs;
    private long lastPacketNanos;
    private long packetCount;
    private long octetCount;

    OutgoingStream(long ssrc, int initialSeq, long initialTs) {
        this.ssrc = ssrc & 0xFFFFFFFFL;
        this.highestOutSeq = (initialSeq - 1) & 0xFFFF;
        this.highestOutTs = initialTs & 0xFFFFFFFFL;
    }

    long ssrc() {
        return ssrc;
    }

    /**
     * Renumbers a valid RTP packet: returns {@code (outSeq << 32) | outTs}. Updates the stream's clock and counts.
     *
     * @param nowNanos arrival time ({@link System#nanoTime} scale)
     */
    long rewrite(byte[] buf, int off, int len, long nowNanos) {
        long inSsrc = RtpPacket.ssrc(buf, off);
        int inSeq = RtpPacket.sequenceNumber(buf, off);
        long inTs = RtpPacket.timestamp(buf, off);
        int step = (short) (inSeq - lastInSeq);
        if (!anchored || inSsrc != sourceSsrc || step > MAX_SEQUENCE_JUMP || step < -MAX_SEQUENCE_JUMP) {
            int outSeq = (highestOutSeq + 1) & 0xFFFF;
            long elapsedTicks = packetCount == 0 ? 0
                    : Math.max(MIN_GAP_TICKS, (nowNanos - lastPacketNanos) * CLOCK_RATE / 1_000_000_000L);
            long outTs = (highestOutTs + elapsedTicks) & 0xFFFFFFFFL;
            seqDelta = outSeq - inSeq;
            tsDelta = outTs - inTs;
            sourceSsrc = inSsrc;
            anchored = true;
            step = 1;
            highestOutSeq = (outSeq - 1) & 0xFFFF;
        }
        int outSeq = (inSeq + seqDelta) & 0xFFFF;
        long outTs = (inTs + tsDelta) & 0xFFFFFFFFL;
        if (step > 0) {
            lastInSeq = inSeq;
            highestOutSeq = outSeq;
            highestOutTs = outTs;
            lastPacketNanos = nowNanos;
        }
        packetCount++;
        octetCount += RtpPacket.payloadLength(buf, off, len);
        return ((long) outSeq << 32) | outTs;
    }

    /** The stream's RTP timestamp at {@code nowNanos}, extrapolated from the newest packet (for sender reports). */
    long timestampAt(long nowNanos) {
        long ticks = (nowNanos - lastPacketNanos) * CLOCK_RATE / 1_000_000_000L;
        return (highestOutTs + ticks) & 0xFFFFFFFFL;
    }

    boolean started() {
        return packetCount > 0;
    }

    long lastPacketNanos() {
        return lastPacketNanos;
    }

    long packetCount() {
        return packetCount;
    }

    long octetCount() {
        return octetCount;
    }
}
