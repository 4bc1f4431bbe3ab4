package dev.encore.protocol.rtcp;

/**
 * One reception report block (RFC 3550 §6.4.1).
 *
 * @param ssrc the source this block reports on
 * @param fractionLost fraction lost since the last report, in 1/256
 * @param cumulativeLost cumulative packets lost (signed 24-bit)
 * @param highestSequence extended highest sequence number received
 * @param jitter interarrival jitter in timestamp units
 * @param lastSr middle 32 bits of the NTP timestamp of the last SR received
 * @param delaySinceLastSr delay since that SR, in 1/65536 s
 */
public record ReportBlock(long ssrc, int fractionLost, int cumulativeLost, long highestSequence, long jitter, long lastSr,
        long delaySinceLastSr) {
}
