package dev.encore.loadtest.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Builds {@code report.html}: one self-contained page (inline CSS, inline SVG, no script, nothing fetched) with the verdict,
 * the SLO table, a summary, the four plots and the detail tables. Every string that comes from the model is escaped.
 */
final class ReportHtml {

    private static final String BLUE = "#1f6feb";
    private static final String GREY = "#8c959f";
    private static final String GREEN = "#2da44e";
    private static final String RED = "#cf222e";
    private static final String ORANGE = "#bc4c00";
    private static final String PURPLE = "#8250df";
    private static final int TTFA_BINS = 40;
    private static final int WORST_LISTENERS = 10;

    private static final String CSS = """
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:900px;color:#1f2328;\
            padding:0 16px}
            h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
            .verdict{display:inline-block;font-size:44px;font-weight:800;padding:4px 22px;border-radius:8px;color:#fff;margin:10px 0}
            .PASS{background:#1a7f37}.FAIL{background:#cf222e}.COULD_NOT_RUN{background:#9a6700}
            table{border-collapse:collapse;font-size:14px;margin:4px 0}td,th{border:1px solid #d0d7de;padding:3px 8px;text-align:left}
            th{background:#f6f8fa}td.n{text-align:right;font-variant-numeric:tabular-nums}
            .ok{color:#1a7f37;font-weight:700}.bad{color:#cf222e;font-weight:700}.meta{color:#57606a;font-size:13px}
            code{font-size:12px;word-break:break-all}
            svg.chart{max-width:100%;height:auto;display:block;margin:6px 0 14px}
            svg .plot{fill:#fff;stroke:#8c959f}svg .grid{stroke:#eaeef2}svg .tick{font-size:11px;fill:#57606a}
            svg .axis{font-size:12px;fill:#1f2328}svg .title{font-size:14px;font-weight:600;fill:#1f2328}
            svg .legend{font-size:12px;fill:#1f2328}svg .bar{fill-opacity:.7}
            svg .line{stroke-width:2}svg .marker{stroke-width:1.5;stroke-dasharray:3 3}
            svg .mlabel{font-size:11px;fill:#1f2328}svg .mbg{fill:#fff;fill-opacity:.85}svg .nodata{font-size:16px;fill:#8c959f}
            """;

    private ReportHtml() {
    }

    static String render(RunReport r) {
        StringBuilder b = new StringBuilder(64 * 1024);
        RunMeta m = r.meta();
        String title = "Encore load test" + (m.show().isEmpty() ? "" : ": show " + m.show());
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
                .append(Html.esc(title)).append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        b.append("<h1>").append(Html.esc(title)).append("</h1>\n");
        b.append("<div class=\"meta\">").append(Html.esc(m.target())).append(" &middot; started ")
                .append(Html.esc(m.startedAt().toString())).append(" &middot; ")
                .append(Html.esc(Percentiles.number(m.duration().toMillis() / 1000.0))).append(" s</div>\n");
        b.append("<div class=\"verdict ").append(r.verdict().name()).append("\">").append(verdictText(r.verdict()))
                .append("</div>\n");

        b.append("<h2>Objectives</h2>\n");
        if (r.slos().isEmpty()) {
            b.append("<p>No objective was given.</p>\n");
        } else {
            b.append("<table>\n<tr><th>objective</th><th>measured</th><th>limit</th><th>result</th></tr>\n");
            for (SloResult s : r.slos()) {
                b.append("<tr><td><code>").append(Html.esc(s.expression())).append("</code></td><td class=\"n\">")
                        .append(Html.esc(Percentiles.number(s.measured()) + " " + s.unit())).append("</td><td class=\"n\">")
                        .append(Html.esc(Percentiles.number(s.threshold()) + " " + s.unit())).append("</td><td class=\"")
                        .append(s.passed() ? "ok\">pass" : "bad\">fail").append("</td></tr>\n");
            }
            b.append("</table>\n");
        }

        if (!r.notes().isEmpty()) {
            b.append("<h2>Notes</h2>\n<ul>\n");
            r.notes().forEach(n -> b.append("<li>").append(Html.esc(n)).append("</li>\n"));
            b.append("</ul>\n");
        }

        b.append("<h2>Summary</h2>\n<table>\n");
        for (String[] row : ReportText.rows(r)) {
            b.append("<tr><th>").append(Html.esc(row[0])).append("</th><td>").append(Html.esc(row[1])).append("</td></tr>\n");
        }
        b.append("</table>\n");

        b.append("<h2>Histograms (ms)</h2>\n");
        if (r.histograms().isEmpty()) {
            b.append("<p>Nothing was recorded.</p>\n");
        } else {
            histogramTable(b, r);
        }

        b.append("<h2>Plots</h2>\n");
        b.append(listenersChart(r).render());
        b.append(latencyChart(r).render());
        b.append(ttfaChart(r).render());
        b.append(lossChart(r).render());

        if (!r.failures().isEmpty()) {
            b.append("<h2>Failures by reason</h2>\n<table>\n<tr><th>reason</th><th>count</th></tr>\n");
            r.failures().forEach((k, v) -> b.append("<tr><td>").append(Html.esc(k)).append("</td><td class=\"n\">").append(v)
                    .append("</td></tr>\n"));
            b.append("</table>\n");
        }

        List<ListenerSummary> worst = new ArrayList<>(r.listeners().stream().filter(l -> l.lost() > 0).toList());
        worst.sort(Comparator.comparingDouble(ListenerSummary::lossFraction).reversed());
        if (!worst.isEmpty()) {
            b.append("<h2>Listeners with the most loss</h2>\n<table>\n<tr><th>listener</th><th>loss</th><th>lost</th>")
                    .append("<th>expected</th><th>duplicated</th><th>reordered</th></tr>\n");
            for (ListenerSummary l : worst.subList(0, Math.min(WORST_LISTENERS, worst.size()))) {
                b.append("<tr><td>").append(Html.esc(l.id())).append("</td><td class=\"n\">")
                        .append(Html.esc(Percentiles.percent(l.lossFraction()))).append("</td><td class=\"n\">").append(l.lost())
                        .append("</td><td class=\"n\">").append(l.expected()).append("</td><td class=\"n\">").append(l.duplicated())
                        .append("</td><td class=\"n\">").append(l.reordered()).append("</td></tr>\n");
            }
            b.append("</table>\n");
        }

        if (!r.serverMetrics().isEmpty()) {
            b.append("<h2>Server metrics</h2>\n<table>\n<tr><th>name</th><th>start</th><th>end</th><th>change</th></tr>\n");
            r.serverMetrics().forEach((k, v) -> b.append("<tr><td><code>").append(Html.esc(k)).append("</code></td><td class=\"n\">")
                    .append(Html.esc(Percentiles.number(v.start()))).append("</td><td class=\"n\">")
                    .append(Html.esc(Percentiles.number(v.end()))).append("</td><td class=\"n\">")
                    .append(Html.esc(Percentiles.number(v.delta()))).append("</td></tr>\n"));
            b.append("</table>\n");
        }

        b.append("<h2>Run</h2>\n<table>\n");
        metaRow(b, "tool version", m.toolVersion());
        metaRow(b, "command line", String.join(" ", m.commandLine()));
        metaRow(b, "target", m.target());
        metaRow(b, "show", m.show());
        metaRow(b, "started at", m.startedAt().toString());
        metaRow(b, "duration", Percentiles.number(m.duration().toMillis() / 1000.0) + " s");
        metaRow(b, "machine", m.machine().cores() + " cores, " + m.machine().os() + ", Java " + m.machine().java());
        b.append("</table>\n<p class=\"meta\">Histogram logs (<code>*.hlog</code>) and every figure (<code>report.json</code>)")
                .append(" are next to this page.</p>\n</body>\n</html>\n");
        return b.toString();
    }

    private static void histogramTable(StringBuilder b, RunReport r) {
        b.append("<table>\n<tr><th>name</th><th>count</th>");
        for (String k : Percentiles.KEYS) {
            b.append("<th>").append(k).append("</th>");
        }
        b.append("</tr>\n");
        for (Map.Entry<String, Histogram> e : r.histograms().entrySet()) {
            Histogram h = e.getValue();
            b.append("<tr><td>").append(Html.esc(e.getKey())).append("</td><td class=\"n\">").append(h.getTotalCount())
                    .append("</td>");
            for (long v : Percentiles.micros(h)) {
                b.append("<td class=\"n\">").append(h.getTotalCount() == 0 ? "&ndash;" : Percentiles.msText(v)).append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</table>\n");
    }

    static String verdictText(Verdict v) {
        return switch (v) {
            case PASS -> "PASS";
            case FAIL -> "FAIL";
            case COULD_NOT_RUN -> "COULD NOT RUN";
        };
    }

    private static void metaRow(StringBuilder b, String name, String value) {
        b.append("<tr><th>").append(Html.esc(name)).append("</th><td><code>").append(Html.esc(value)).append("</code></td></tr>\n");
    }

    /** Connected and target listeners at the end of each second; joins and failed joins per second on the right axis. */
    static SvgChart listenersChart(RunReport r) {
        List<Sample> s = r.samples();
        int n = s.size();
        double[] end = new double[n];
        double[] start = new double[n];
        double[] connected = new double[n];
        double[] target = new double[n];
        double[] joins = new double[n];
        double[] failed = new double[n];
        for (int i = 0; i < n; i++) {
            Sample x = s.get(i);
            start[i] = x.second();
            end[i] = x.second() + 1;
            connected[i] = x.connected();
            target[i] = x.target();
            joins[i] = x.joins();
            failed[i] = x.failedJoins();
        }
        return new SvgChart("Listeners and joins over time", "time (s)", "listeners").rightAxis("joins per second")
                .integerX().integerY()
                .pairedBars("joins/s", GREEN, joins, "failed joins/s", RED, failed, start, end, true)
                .line("target", GREY, end, target, true, false)
                .line("connected", BLUE, end, connected, false, false);
    }

    /** p50, p90, p99 and max of each second's latency histogram; seconds with no packet leave a gap. */
    static SvgChart latencyChart(RunReport r) {
        List<Sample> s = r.samples();
        int n = s.size();
        double[] mid = new double[n];
        double[][] lines = new double[4][n];
        for (int i = 0; i < n; i++) {
            Histogram h = s.get(i).latency();
            mid[i] = s.get(i).second() + 0.5;
            long[] p = Percentiles.micros(h);
            int[] pick = {0, 1, 2, 4};
            for (int j = 0; j < 4; j++) {
                lines[j][i] = h.getTotalCount() == 0 ? Double.NaN : p[pick[j]] / 1000.0;
            }
        }
        return new SvgChart("One-way latency percentiles over time", "time (s)", "latency (ms)")
                .line("p50", GREEN, mid, lines[0], false, false)
                .line("p90", BLUE, mid, lines[1], false, false)
                .line("p99", ORANGE, mid, lines[2], false, false)
                .line("max", RED, mid, lines[3], true, false);
    }

    /** Listeners per time-to-first-audio bin from 0 to the maximum, with p50 and p99 marked. */
    static SvgChart ttfaChart(RunReport r) {
        Histogram h = r.histogram(RunReport.TTFA);
        SvgChart chart = new SvgChart("Time to first audio (" + h.getTotalCount() + " listeners)", "time to first audio (ms)",
                "listeners").integerY();
        if (h.getTotalCount() == 0) {
            return chart;
        }
        double maxMs = Math.max(h.getMaxValue() / 1000.0, 0.001);
        double width = maxMs / TTFA_BINS;
        double[] from = new double[TTFA_BINS];
        double[] to = new double[TTFA_BINS];
        double[] count = new double[TTFA_BINS];
        for (int i = 0; i < TTFA_BINS; i++) {
            from[i] = i * width;
            to[i] = (i + 1) * width;
        }
        for (HistogramIterationValue v : h.recordedValues()) {
            int bin = (int) Math.min(TTFA_BINS - 1, Math.floor(h.medianEquivalentValue(v.getValueIteratedTo()) / 1000.0 / width));
            count[Math.max(bin, 0)] += v.getCountAtValueIteratedTo();
        }
        String[] titles = new String[TTFA_BINS];
        for (int i = 0; i < TTFA_BINS; i++) {
            titles[i] = Percentiles.number(from[i]) + "–" + Percentiles.number(to[i]) + " ms: " + (long) count[i];
        }
        long[] p = Percentiles.micros(h);
        return chart.bars("listeners", PURPLE, from, to, count, titles, false)
                .marker("p50 " + Percentiles.msText(p[0]) + " ms", GREEN, p[0] / 1000.0)
                .marker("p99 " + Percentiles.msText(p[2]) + " ms", RED, p[2] / 1000.0);
    }

    /** Each listener's loss in percent, in id order. */
    static SvgChart lossChart(RunReport r) {
        List<ListenerSummary> ls = r.listeners();
        int n = ls.size();
        double[] from = new double[n];
        double[] to = new double[n];
        double[] loss = new double[n];
        String[] titles = new String[n];
        for (int i = 0; i < n; i++) {
            ListenerSummary l = ls.get(i);
            from[i] = i;
            to[i] = i + 1;
            loss[i] = l.lossFraction() * 100;
            titles[i] = l.id() + ": " + Percentiles.percent(l.lossFraction()) + " (" + l.lost() + " of " + l.expected() + " lost)";
        }
        return new SvgChart("Loss per listener (" + n + " listeners, " + Percentiles.percent(r.lossFraction()) + " overall)",
                "listener (in id order)", "loss (%)").integerX().bars("loss", RED, from, to, loss, titles, false);
    }
}
