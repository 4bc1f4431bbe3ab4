package dev.encore.loadtest.client;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * A snapshot of one listener's reception.
 *
 * @param packets authenticated RTP packets received once (duplicates excluded)
 * @param bytes their payload bytes
 * @param expected the span of sequence numbers seen: extended highest minus first plus one (RFC 3550 A.3)
 * @param lost packets of that span never received
 * @param duplicates packets received more than once (after SRTP's replay check, which drops most)
 * @param reordered packets older than the highest received
 * @param jitter interarrival jitter in RTP timestamp units (RFC 3550 A.8)
 * @param jitterMillis the same in milliseconds
 * @param decodedFrames Opus frames decoded (when decoding)
 * @param concealedFrames frames concealed for lost packets (when decoding)
 * @param decodeErrors Opus frames that failed to decode
 * @param senderReports RTCP sender reports received from the server
 * @param receiverReports RTCP receiver reports sent
 * @param rttMicros round-trip time of the last answered consent check, or -1
 * @param drops datagrams dropped, by reason
 */
public record ListenerStats(long packets, long bytes, long expected, long lost, long duplicates, long reordered, long jitter,
        double jitterMillis, long decodedFrames, long concealedFrames, long decodeErrors, long senderReports,
        long receiverReports, long rttMicros, Map<DropReason, Long> drops) {

    public ListenerStats {
        EnumMap<DropReason, Long> copy = new EnumMap<>(DropReason.class);
        copy.putAll(drops);
        drops = Collections.unmodifiableMap(copy);
    }

    /** Datagrams dropped for {@code reason}. */
    public long drops(DropReason reason) {
        return drops.getOrDefault(reason, 0L);
    }

    /** All dropped datagrams. */
    public long totalDrops() {
        return drops.values().stream().mapToLong(Long::longValue).sum();
    }
}
