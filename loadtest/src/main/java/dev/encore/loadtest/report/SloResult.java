package dev.encore.loadtest.report;

import static java.util.Objects.requireNonNull;

/**
 * One service-level objective of the run and how it came out.
 *
 * @param expression the objective as the user wrote it, e.g. {@code ttfa.p99<1s}
 * @param measured the measured value in {@code unit}; {@link Double#NaN} when it could not be measured (then it fails)
 * @param unit the unit of {@code measured} and of the threshold, e.g. {@code ms} or {@code %}
 * @param threshold the limit from the expression, in {@code unit}
 * @param passed whether the objective was met
 */
public record SloResult(String expression, double measured, String unit, double threshold, boolean passed) {

    public SloResult {
        requireNonNull(expression, "expression");
        requireNonNull(unit, "unit");
    }
}
