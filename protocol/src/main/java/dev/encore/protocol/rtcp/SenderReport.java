package dev.encore.protocol.rtcp;

import java.util.List;

/**
 * Sender report, PT 200 (RFC 3550 §6.4.1).
 *
 * @param ssrc the sender
 * @param ntpTimestamp 64-bit NTP timestamp
 * @param rtpTimestamp the same instant in RTP timestamp units
 * @param packetCount sender's packet count
 * @param octetCount sender's payload octet count
 * @param reports reception report blocks, may be empty
 */
public record SenderReport(long ssrc, long ntpTimestamp, long rtpTimestamp, long packetCount, long octetCount,
        List<ReportBlock> reports) implements RtcpPacket {
    @Override
    public int packetType() {
        return 200;
    }
}
