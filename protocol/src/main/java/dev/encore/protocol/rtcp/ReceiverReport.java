package dev.encore.protocol.rtcp;

import java.util.List;

/**
 * Receiver report, PT 201 (RFC 3550 §6.4.2).
 *
 * @param ssrc the reporter
 * @param reports reception report blocks
 */
public record ReceiverReport(long ssrc, List<ReportBlock> reports) implements RtcpPacket {
    @Override
    public int packetType() {
        return 201;
    }
}
