package dev.encore.media;

/**
 * A show router's state as the performer console and {@code /metrics} show it. Immutable snapshot.
 *
 * @param performerOnline whether performer packets arrived within the last second or so
 * @param ingest how the performer is connected now: {@code "whip"}, {@code "rtp"}, {@code "feed"} (in-process), or null
 *     when offline
 * @param listeners listener sessions connected now
 * @param inBitrate performer RTP bit rate over the last few seconds, in bit/s
 * @param performerLoss fraction of the performer's packets lost on the way in (0..1), from sequence gaps
 * @param performerJitterMs interarrival jitter of the performer's stream, in milliseconds
 * @param listenerLoss mean fraction lost reported by listeners' receiver reports (0..1)
 * @param listenerRttMs mean round-trip time to listeners from receiver reports, in milliseconds, or -1 when unknown
 */
public record RouterStatus(boolean performerOnline, String ingest, int listeners, double inBitrate, double performerLoss,
        double performerJitterMs, double listenerLoss, double listenerRttMs) {
}
