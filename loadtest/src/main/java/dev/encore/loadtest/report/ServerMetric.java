package dev.encore.loadtest.report;

/**
 * One figure scraped from the server's {@code /metrics} at the start and at the end of the run.
 *
 * @param start the value at the start, or {@link Double#NaN} when it was not there
 * @param end the value at the end, or {@link Double#NaN}
 */
public record ServerMetric(double start, double end) {

    /** {@code end - start} (NaN if either is unknown): for counters, what the run added. */
    public double delta() {
        return end - start;
    }
}
