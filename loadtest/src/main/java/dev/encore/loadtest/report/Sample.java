package dev.encore.loadtest.report;

import org.HdrHistogram.Histogram;

/**
 * One second of the run, as the engine saw it.
 *
 * @param second seconds since {@link RunMeta#startedAt()}: this sample covers {@code [second, second + 1)}
 * @param connected listeners connected at the end of the second
 * @param target listeners the arrival curve wanted connected at the end of the second
 * @param joins listeners that joined (heard first audio) during the second
 * @param failedJoins joins that failed during the second
 * @param packetsPerSecond authenticated RTP packets received during the second, over all listeners
 * @param lossFraction packets lost over packets expected during the second (0..1); 0 when nothing was expected
 * @param toolCpu the tool process's CPU use during the second, as a fraction of all cores (0..1)
 * @param serverCpu the server's CPU use as a fraction of all cores (0..1), or {@link Double#NaN} when unknown
 * @param latency one-way latency of the packets received during the second, in microseconds; may be empty, never null.
 *     The report takes ownership: do not record into it afterwards (e.g. pass a {@code Recorder}'s interval histogram).
 */
public record Sample(int second, int connected, int target, int joins, int failedJoins, long packetsPerSecond,
        double lossFraction, double toolCpu, double serverCpu, Histogram latency) {

    public Sample {
        if (second < 0) {
            throw new IllegalArgumentException("second: " + second + " (expected: >= 0)");
        }
        if (latency == null) {
            latency = new Histogram(RunReport.SIGNIFICANT_DIGITS);
        }
    }
}
