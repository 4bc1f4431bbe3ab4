package dev.encore.loadtest;

import dev.encore.loadtest.report.ListenerSummary;
import dev.encore.loadtest.report.RunMeta;
import dev.encore.loadtest.report.RunReport;
import dev.encore.loadtest.report.Sample;
import dev.encore.loadtest.report.SloResult;
import dev.encore.loadtest.report.Verdict;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.HdrHistogram.Histogram;

/** Hands a run's figures ({@link RunResult}) to the report writer's model ({@link RunReport}). */
final class ReportHandoff {
    /** Engine histogram names to the report's names. */
    private static final Map<String, String> NAMES = Map.of("ttfa", RunReport.TTFA, "signaling", RunReport.TTFA_SIGNALING, "ice",
            RunReport.TTFA_ICE, "dtls", RunReport.TTFA_DTLS, "firstPacket", RunReport.TTFA_FIRST_PACKET, "latency",
            RunReport.LATENCY, "jitter", RunReport.JITTER, "tally", RunReport.TALLY, "request", RunReport.QUEUE);

    private ReportHandoff() {
    }

    static RunReport toReport(RunResult r, RunSettings s) {
        String version = LoadTestCommand.class.getPackage().getImplementationVersion();
        RunMeta meta = new RunMeta(version == null ? "dev" : version, s.arguments(),
                s.target() != null ? s.target().toString() : s.whep().toString(), s.showId() == null ? "" : s.showId(),
                r.startedAt(), Duration.ofMillis(r.count("elapsedMillis")), r.machine());
        RunReport.Builder b = RunReport.builder(meta);
        for (Slo.Result res : r.slo()) {
            boolean time = res.objective().isTime();
            b.slo(new SloResult(res.objective().text(), time ? res.measured() : res.measured() * 100, time ? "ms" : "%",
                    time ? res.objective().threshold() : res.objective().threshold() * 100, res.met()));
        }
        b.verdict(r.exitCode() == RunResult.EXIT_MET ? Verdict.PASS : r.exitCode() == RunResult.EXIT_MISSED ? Verdict.FAIL
                : Verdict.COULD_NOT_RUN);
        r.histograms().forEach((name, h) -> b.histogram(NAMES.getOrDefault(name, name), h));
        for (RunResult.Second sec : r.seconds()) {
            b.sample(new Sample(sec.second(), sec.connected(), sec.target(), (int) sec.joins(), (int) sec.failedJoins(),
                    sec.packets(), Double.isNaN(sec.loss()) ? 0 : sec.loss(), Double.isNaN(sec.toolCpu()) ? 0 : sec.toolCpu(),
                    sec.serverCpu(), sec.latency()));
        }
        for (RunResult.ListenerRow row : r.listeners()) {
            String id = String.format(Locale.ROOT, "L%05d", row.slot()) + (row.session() == 0 ? "" : "." + row.session());
            boolean toneChecked = row.decoded() && r.count("stampedPackets") > 0;
            boolean decodeOk = row.decoded() && row.decodeErrors() == 0
                    && (!toneChecked || Math.abs(row.toneHz() - ToneSender.TONE_HZ) < 10);
            b.listener(new ListenerSummary(id, row.joined(), row.ttfaMicros(), row.expected(), row.packets(), row.lost(),
                    row.duplicates(), row.reordered(), row.decoded(), decodeOk, row.failure() == null ? "" : row.failure()));
        }
        r.failures().forEach(b::failure);
        if (r.server().size() >= 1) {
            var first = r.server().get(0);
            var last = r.server().get(r.server().size() - 1);
            TreeSet<String> names = new TreeSet<>(first.series().keySet());
            names.addAll(last.series().keySet());
            for (String name : names) {
                b.serverMetric(name, first.get(name), last.get(name));
            }
        }
        notes(r, b);
        return b.build();
    }

    /**
     * A note when most of the one-way latency arose after the server: the median latency the listeners measured against
     * the median delay the server says it added (its {@code encore_media_server_delay_seconds}, the worst of the scrapes).
     * Latency far above the server's part means packets waited on the way into the tool (its event loops behind), or null.
     */
    static String receiveLag(RunResult r) {
        Histogram latency = r.histograms().get("latency");
        if (latency == null || latency.getTotalCount() == 0 || r.server().isEmpty()) {
            return null;
        }
        double serverP50 = 0;
        for (ServerMetrics.Sample sample : r.server()) {
            double v = sample.get("encore_media_server_delay_seconds{quantile=\"0.5\"}");
            if (!Double.isNaN(v)) {
                serverP50 = Math.max(serverP50, v * 1000);
            }
        }
        double p50 = latency.getValueAtPercentile(50) / 1000.0;
        if (p50 < TOOL_LAG_NOTE_MILLIS || p50 < 4 * serverP50) {
            return null;
        }
        return String.format(Locale.ROOT, "one-way latency p50 %.0f ms, of which the server added at most %.0f ms (p50, worst"
                + " scrape): the rest was on the way into the tool, whose event loops fell behind; the tool may have been the"
                + " bottleneck", p50, serverP50);
    }

    /** One-way latency p50 below which {@link #receiveLag} says nothing (ms). */
    static final double TOOL_LAG_NOTE_MILLIS = 200;

    /** A p99 lateness of the tool's event loops above which the report says so (µs). */
    static final long TOOL_LOOP_LAG_NOTE_MICROS = 50_000;

    /** A p50 wait in the tool's own DTLS queue above which the report says the tool held the joins (µs). */
    static final long TOOL_DTLS_QUEUE_NOTE_MICROS = 250_000;

    /** Remarks for the reader: whether the tool may have been the bottleneck, what was not measured. */
    static void notes(RunResult r, RunReport.Builder b) {
        double cpuMax = r.seconds().stream().mapToDouble(RunResult.Second::toolCpu).filter(v -> !Double.isNaN(v)).max().orElse(0);
        if (cpuMax > 0.9) {
            b.note(String.format(Locale.ROOT, "tool CPU reached %.0f%%: the tool may have been the bottleneck", cpuMax * 100));
        }
        int backlog = r.seconds().stream().mapToInt(RunResult.Second::pendingTasks).max().orElse(0);
        if (backlog > 1000) {
            b.note("the tool's event loops had up to " + backlog + " tasks queued: the tool may have been the bottleneck");
        }
        Histogram loopLag = r.histograms().get("toolLoopLag");
        if (loopLag != null && loopLag.getTotalCount() > 0 && loopLag.getValueAtPercentile(99) > TOOL_LOOP_LAG_NOTE_MICROS) {
            b.note(String.format(Locale.ROOT, "the tool's event loops ran up to %.0f ms late (p99; max %.0f ms): whatever arrived"
                    + " then waited that long before the tool saw it, and that wait is in its times; the tool may have been the"
                    + " bottleneck", loopLag.getValueAtPercentile(99) / 1000.0, loopLag.getMaxValue() / 1000.0));
        }
        Histogram dtlsQueue = r.histograms().get("dtlsThreadWait");
        if (dtlsQueue != null && dtlsQueue.getTotalCount() > 0
                && dtlsQueue.getValueAtPercentile(50) > TOOL_DTLS_QUEUE_NOTE_MICROS) {
            b.note(String.format(Locale.ROOT, "half the joins waited %.0f ms or more in the tool's own DTLS queue (p99 %.0f"
                    + " ms, %d handshakes at once, --dtls-threads): that time is in their DTLS phase and time to first audio,"
                    + " and a join that waited past its timeout failed as dtls; the tool may have been the bottleneck",
                    dtlsQueue.getValueAtPercentile(50) / 1000.0, dtlsQueue.getValueAtPercentile(99) / 1000.0,
                    r.count("dtlsThreads")));
        }
        String lag = receiveLag(r);
        if (lag != null) {
            b.note(lag);
        }
        if (r.count("toolSocketDrops") > 0) {
            b.note(String.format(Locale.ROOT, "the tool's own sockets dropped %,d datagrams (receive buffers full): the tool was"
                    + " the bottleneck, and that part of the loss is the tool's, not the server's", r.count("toolSocketDrops")));
        }
        if (r.count("performerFramesLate") > 0) {
            b.note("the synthetic performer sent " + r.count("performerFramesLate") + " frames more than 20 ms late (counted in"
                    + " latency)");
        }
        Histogram latency = r.histograms().get("latency");
        if (latency == null || latency.getTotalCount() == 0) {
            b.note("one-way latency not measured: no synthetic performer (--publish none) or no stamped packet arrived");
        }
        if (!r.interactionErrors().isEmpty()) {
            b.note("show channel errors: " + r.interactionErrors());
        }
        b.note("counts: " + r.counts());
    }
}
