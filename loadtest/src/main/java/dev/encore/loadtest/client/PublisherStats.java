package dev.encore.loadtest.client;

import java.util.Map;

/**
 * What a publisher sent and what the server's receiver reports (RFC 3550 §6.4.2) said about it.
 *
 * @param packetsSent RTP packets sent
 * @param bytesSent payload bytes sent
 * @param senderReports sender reports sent
 * @param receiverReports report blocks about our stream received from the server
 * @param fractionLost the last report's fraction lost (0..1), NaN before the first
 * @param cumulativeLost the last report's cumulative packets lost
 * @param highestSequence the last report's extended highest sequence number, -1 before the first
 * @param jitterMillis the last report's interarrival jitter, NaN before the first
 * @param rttMillis round-trip time from the last report's LSR/DLSR, NaN while unknown
 * @param drops datagrams from the server dropped, by reason (only the reasons that occurred)
 */
public record PublisherStats(long packetsSent, long bytesSent, long senderReports, long receiverReports, double fractionLost,
        long cumulativeLost, long highestSequence, double jitterMillis, double rttMillis, Map<DropReason, Long> drops) {
}
