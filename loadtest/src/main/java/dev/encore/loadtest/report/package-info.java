/**
 * The load test's report: an immutable model of one run ({@link dev.encore.loadtest.report.RunReport}, filled by the engine
 * through {@link dev.encore.loadtest.report.RunReport#builder}), and what is made of it: the report directory
 * ({@link dev.encore.loadtest.report.ReportWriter}: {@code report.json}, {@code .hlog} histogram logs, a self-contained
 * {@code report.html}) and the console's final table ({@link dev.encore.loadtest.report.ReportText}).
 *
 * <p>All durations held in histograms are in microseconds. Everything here is pure: no thread of its own, no network.
 */
package dev.encore.loadtest.report;
