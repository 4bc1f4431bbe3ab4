package dev.encore.loadtest.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** The final table the tool prints on the console at the end of a run (the HTML report's summary shows the same rows). */
public final class ReportText {

    private ReportText() {
    }

    /** A plain-text table of the run: verdict, SLOs, joins, delivery, percentiles, failures, notes. */
    public static String summary(RunReport report) {
        StringBuilder b = new StringBuilder();
        b.append("Result: ").append(ReportHtml.verdictText(report.verdict())).append('\n');
        for (SloResult s : report.slos()) {
            b.append(String.format(Locale.ROOT, "  %-4s %-34s measured %s %s (limit %s)%n", s.passed() ? "ok" : "FAIL",
                    s.expression(), Percentiles.number(s.measured()), s.unit(), Percentiles.number(s.threshold())));
        }
        b.append('\n');
        for (String[] row : rows(report)) {
            b.append(String.format(Locale.ROOT, "%-26s %s%n", row[0], row[1]));
        }
        if (!report.histograms().isEmpty()) {
            b.append('\n').append(String.format(Locale.ROOT, "%-20s %9s", "histogram (ms)", "count"));
            for (String k : Percentiles.KEYS) {
                b.append(String.format(Locale.ROOT, " %9s", k));
            }
            b.append('\n');
            for (Map.Entry<String, Histogram> e : report.histograms().entrySet()) {
                Histogram h = e.getValue();
                b.append(String.format(Locale.ROOT, "%-20s %9d", e.getKey(), h.getTotalCount()));
                for (long v : Percentiles.micros(h)) {
                    b.append(String.format(Locale.ROOT, " %9s", h.getTotalCount() == 0 ? "-" : Percentiles.msText(v)));
                }
                b.append('\n');
            }
        }
        for (String note : report.notes()) {
            b.append("note: ").append(note).append('\n');
        }
        return b.toString();
    }

    /** The summary rows, name and value. */
    static List<String[]> rows(RunReport r) {
        List<String[]> rows = new ArrayList<>();
        int peakTarget = r.samples().stream().mapToInt(Sample::target).max().orElse(r.listeners().size());
        rows.add(row("listeners joined", r.joined() + " of " + r.listeners().size() + " (target " + peakTarget + ")"));
        rows.add(row("peak connected", Integer.toString(r.samples().stream().mapToInt(Sample::connected).max().orElse(0))));
        rows.add(row("failed", r.failed() == 0 ? "0" : r.failed() + "  " + r.failures()));
        rows.add(row("packets received", String.format(Locale.ROOT, "%,d of %,d expected", r.packetsReceived(),
                r.packetsExpected())));
        rows.add(row("loss", r.packetsExpected() == 0 ? "n/a" : Percentiles.percent(r.lossFraction()) + "  ("
                + String.format(Locale.ROOT, "%,d", r.packetsLost()) + " packets)"));
        long dup = r.listeners().stream().mapToLong(ListenerSummary::duplicated).sum();
        long reord = r.listeners().stream().mapToLong(ListenerSummary::reordered).sum();
        rows.add(row("duplicated / reordered", dup + " / " + reord));
        long checked = r.listeners().stream().filter(ListenerSummary::decodeChecked).count();
        long ok = r.listeners().stream().filter(l -> l.decodeChecked() && l.decodeOk()).count();
        rows.add(row("audio decoded and checked", checked == 0 ? "none" : ok + " of " + checked + " ok"));
        rows.add(row("TTFA p50 / p99", pair(r.histogram(RunReport.TTFA))));
        rows.add(row("latency p50 / p99", pair(r.histogram(RunReport.LATENCY))));
        double toolCpu = r.samples().stream().mapToDouble(Sample::toolCpu).max().orElse(Double.NaN);
        rows.add(row("tool CPU (peak)", Percentiles.percent(toolCpu)));
        double serverCpu = r.samples().stream().mapToDouble(Sample::serverCpu).filter(Double::isFinite).max().orElse(Double.NaN);
        rows.add(row("server CPU (peak)", Double.isFinite(serverCpu) ? Percentiles.percent(serverCpu) : "unknown"));
        return rows;
    }

    private static String pair(Histogram h) {
        if (h.getTotalCount() == 0) {
            return "n/a";
        }
        long[] p = Percentiles.micros(h);
        return Percentiles.msText(p[0]) + " / " + Percentiles.msText(p[2]) + " ms";
    }

    private static String[] row(String name, String value) {
        return new String[] {name, value};
    }
}
