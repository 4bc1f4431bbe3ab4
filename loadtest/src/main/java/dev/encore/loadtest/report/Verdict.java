package dev.encore.loadtest.report;

import java.util.List;

/** The answer a run gives, and the process exit code it maps to (issue 6: 0 = SLO met, 1 = missed, 2 = could not run). */
public enum Verdict {
    /** Every SLO was met. */
    PASS(0),
    /** At least one SLO was missed (or could not be measured). */
    FAIL(1),
    /** The test itself could not run (nothing joined, the target did not answer, ...). */
    COULD_NOT_RUN(2);

    private final int exitCode;

    Verdict(int exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    /** {@link #PASS} when every SLO passed (also when there is none), else {@link #FAIL}. */
    public static Verdict of(List<SloResult> slos) {
        return slos.stream().allMatch(SloResult::passed) ? PASS : FAIL;
    }
}
