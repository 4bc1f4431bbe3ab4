package dev.encore.loadtest.report;

/** The final table the tool prints on the console at the end of a run. */
public final class ReportText {

    private ReportText() {
    }

    /** A plain-text table of the run: verdict, SLOs, joins, delivery, percentiles, failures, notes. */
    public static String summary(RunReport report) {
        throw new UnsupportedOperationException("TODO");
    }
}
