package dev.encore.loadtest.report;

import static java.util.Objects.requireNonNull;

/**
 * One simulated listener at the end of the run.
 *
 * @param id the listener's id in the run (e.g. {@code L0042})
 * @param joined whether it heard first audio
 * @param ttfaMicros time to first audio in microseconds, or -1 when it never joined
 * @param expected packets the server sent it (its sequence span, RFC 3550 A.3)
 * @param received authenticated packets received, duplicates excluded
 * @param lost packets of the span never received
 * @param duplicated duplicate packets
 * @param reordered packets that arrived out of order
 * @param decodeChecked whether this listener was in the sample that decodes audio
 * @param decodeOk whether decoding found no error and the synthetic signal intact (false when not checked)
 * @param failure why it failed to join or dropped out (e.g. {@code full}, {@code timeout}), or empty
 */
public record ListenerSummary(String id, boolean joined, long ttfaMicros, long expected, long received, long lost,
        long duplicated, long reordered, boolean decodeChecked, boolean decodeOk, String failure) {

    public ListenerSummary {
        requireNonNull(id, "id");
        requireNonNull(failure, "failure");
    }

    /** Lost over expected (0..1); 0 when nothing was expected. */
    public double lossFraction() {
        return expected <= 0 ? 0 : (double) lost / expected;
    }
}
