package dev.encore.loadtest;

import dev.encore.loadtest.report.RunMeta;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Every figure of one load run: what the final table, the verdict and the report files are made from. Times in
 * histograms are microseconds. Immutable once built (the histograms are not to be recorded into any more).
 *
 * @param commandLine the command line (no secrets)
 * @param settings the settings, as {@link RunSettings#toString} prints them (secrets masked)
 * @param startedAt wall-clock start
 * @param machine the machine the tool ran on
 * @param seconds one sample per second of the run
 * @param histograms by name: {@code ttfa}, {@code signaling}, {@code ice}, {@code dtls}, {@code firstPacket} (DTLS done to
 *     the first packet), {@code latency} (one-way, coordinated-omission corrected for the 20 ms clock), {@code jitter} (each
 *     listener's final RFC 3550 jitter), {@code tally} (vote to tally seen), {@code voteAck}, {@code request} (request to
 *     queue seen)
 * @param counts run-wide counters by name (arrivals, joined, packets, expected, lost, duplicates, reordered, concealment,
 *     auth/replay failures, decode figures, interaction figures, ...)
 * @param failures failed joins by reason ({@code full}, {@code refused}, {@code timeout}, {@code unreachable}, {@code ice},
 *     {@code dtls}, ...)
 * @param interactionErrors show-channel errors by code
 * @param listeners one row per listener session
 * @param server the server's {@code /metrics} scrapes (empty with {@code --whep} or when not exposed)
 * @param slo each objective's verdict
 * @param exitCode 0 met, 1 missed, 2 could not run
 * @param verdict one line for people
 */
public record RunResult(String commandLine, String settings, Instant startedAt, RunMeta.Machine machine, List<Second> seconds,
        Map<String, Histogram> histograms, Map<String, Long> counts, Map<String, Long> failures,
        Map<String, Long> interactionErrors, List<ListenerRow> listeners, List<ServerMetrics.Sample> server,
        List<Slo.Result> slo, int exitCode, String verdict) {

    public static final int EXIT_MET = 0;
    public static final int EXIT_MISSED = 1;
    public static final int EXIT_COULD_NOT_RUN = 2;

    /**
     * One second of the run.
     *
     * @param second seconds since the start: the sample covers [second, second + 1)
     * @param connected sessions connected at the end of the second
     * @param target listeners due by then (arrivals so far)
     * @param joins sessions that heard first audio during the second
     * @param failedJoins joins that failed during the second
     * @param packets authenticated packets received during the second, all listeners
     * @param loss packets lost over expected during the second (NaN when none expected)
     * @param latency one-way latency in the second (interval histogram, µs; empty without the synthetic performer)
     * @param ttfaP99Micros p99 time to first audio of the joins in this second, or -1
     * @param toolCpu the tool's process CPU load 0..1 (of all cores), NaN when unknown
     * @param serverCpu the server's CPU 0..1 of all cores from its {@code process_cpu_seconds_total}, NaN when not exposed
     * @param pendingTasks tasks queued on the tool's event loops at the end of the second (its own backlog)
     * @param udpReceiveErrors the host's UDP receive-buffer errors during the second (all processes: with server and tool on
     *     one machine it counts both), -1 when unknown
     */
    public record Second(int second, int connected, int target, long joins, long failedJoins, long packets, double loss,
            Histogram latency, long ttfaP99Micros, double toolCpu, double serverCpu, int pendingTasks, long udpReceiveErrors) {
    }

    /**
     * One listener session.
     *
     * @param slot the listener it was (a churned listener's sessions share the slot)
     * @param session the session's number within its slot (0 first, then rejoins)
     * @param joined whether it connected
     * @param failure why it did not, or null
     * @param ttfaMicros time to first audio, or -1
     * @param packets packets received once
     * @param expected packets expected (sequence span)
     * @param lost lost
     * @param duplicates duplicates
     * @param reordered reordered
     * @param concealment frames a player without a jitter buffer would have concealed
     * @param jitterMillis final RFC 3550 jitter
     * @param latencyMeanMicros mean one-way latency, or -1
     * @param latencyMaxMicros max one-way latency, or -1
     * @param decoded whether it decoded (the sample)
     * @param decodeErrors Opus frames that failed to decode
     * @param toneHz the dominant frequency of its last decoded second, or NaN
     */
    public record ListenerRow(int slot, int session, boolean joined, String failure, long ttfaMicros, long packets,
            long expected, long lost, long duplicates, long reordered, long concealment, double jitterMillis,
            long latencyMeanMicros, long latencyMaxMicros, boolean decoded, long decodeErrors, double toneHz) {

        /** Lost over expected, 0 when nothing was expected. */
        public double lossRatio() {
            return expected == 0 ? 0 : (double) lost / expected;
        }
    }

    /** A counter, 0 when absent. */
    public long count(String name) {
        return counts.getOrDefault(name, 0L);
    }
}
