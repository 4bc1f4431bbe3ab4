package dev.encore.loadtest;

import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** The table printed at the end of a run: every figure of {@link RunResult} people read first, then the verdict. */
final class FinalTable {

    private FinalTable() {
    }

    static String render(RunResult r) {
        StringBuilder b = new StringBuilder();
        long arrivals = r.count("arrivals");
        row(b, "listeners joined", r.count("joined") + " / " + arrivals + " arrivals" + (r.count("churned") > 0
                ? " (" + r.count("churned") + " churned and rejoined)" : ""));
        row(b, "failed joins", r.failures().isEmpty() ? "0" : sum(r.failures()) + "  " + r.failures());
        times(b, "time to first audio", r.histograms().get("ttfa"));
        row(b, "  phases p50 / p99", phase(r, "signaling") + " signaling, " + phase(r, "ice") + " ICE, " + phase(r, "dtls")
                + " DTLS, " + phase(r, "firstPacket") + " first packet");
        if (r.histograms().containsKey("http")) {
            row(b, "  signaling split", phase(r, "http") + " HTTP exchange (the rest: the hop onto the session's event loop)");
            row(b, "  tool's DTLS split", phase(r, "dtlsThreadWait") + " waiting for a thread, " + phase(r, "dtlsTurnWait")
                    + " for a CPU turn, " + phase(r, "dtlsComputing") + " computing, " + phase(r, "dtlsPeerWait")
                    + " waiting for the server");
        }
        Histogram latency = r.histograms().get("latency");
        if (latency != null && latency.getTotalCount() > 0) {
            row(b, "one-way latency", String.format(Locale.ROOT, "p50 %s  p99 %s  p99.9 %s  max %s ms  (%,d packets)",
                    ms(latency, 50), ms(latency, 99), ms(latency, 99.9), max(latency), latency.getTotalCount()));
        } else {
            row(b, "one-way latency", "not measured (no synthetic performer)");
        }
        times(b, "jitter (per listener)", r.histograms().get("jitter"));
        long expected = r.count("expected");
        row(b, "delivery", String.format(Locale.ROOT, "%,d of %,d packets, lost %,d (%s), duplicates %d, reordered %d",
                r.count("packets"), expected, r.count("lost"), expected == 0 ? "n/a"
                        : String.format(Locale.ROOT, "%.3f %%", 100.0 * r.count("lost") / expected),
                r.count("duplicates"), r.count("reordered")));
        row(b, "concealment needed", String.format(Locale.ROOT, "%,d frames", r.count("concealment")));
        row(b, "SRTP auth / replay / other", r.count("srtpAuthFailures") + " / " + r.count("srtpReplayFailures") + " / "
                + r.count("otherDrops"));
        row(b, "decode sample", r.count("decodeSample") + " listeners, " + r.count("decodedFrames") + " frames, "
                + r.count("decodeErrors") + " errors" + (r.count("stampedPackets") > 0 ? ", tone ok " + r.count("toneOk") + " / "
                + r.count("decodeSample") : ""));
        if (r.counts().containsKey("polls")) {
            row(b, "show channel", r.count("channelJoined") + " joined, " + r.count("polls") + " polls, votes " + r.count("votesAcked")
                    + " / " + r.count("votesSent") + " acked, requests " + r.count("requestsAcked") + " / " + r.count("requestsSent")
                    + ", upvotes " + r.count("upvotesAcked") + (r.interactionErrors().isEmpty() ? "" : ", errors "
                    + r.interactionErrors()));
            times(b, "vote -> tally seen", r.histograms().get("tally"));
            times(b, "vote -> ack", r.histograms().get("voteAck"));
            times(b, "request -> queue seen", r.histograms().get("request"));
        }
        row(b, "tool", tool(r));
        String server = server(r);
        if (server != null) {
            row(b, "server (/metrics)", server);
        }
        for (Slo.Result s : r.slo()) {
            row(b, "SLO", s.describe());
        }
        row(b, "verdict", r.verdict() + "  (exit " + r.exitCode() + ")");
        return b.toString();
    }

    private static String tool(RunResult r) {
        double cpuMax = 0;
        double cpuSum = 0;
        int cpuN = 0;
        int pendingMax = 0;
        long udp = 0;
        boolean udpKnown = false;
        for (RunResult.Second s : r.seconds()) {
            if (!Double.isNaN(s.toolCpu())) {
                cpuMax = Math.max(cpuMax, s.toolCpu());
                cpuSum += s.toolCpu();
                cpuN++;
            }
            pendingMax = Math.max(pendingMax, s.pendingTasks());
            if (s.udpReceiveErrors() >= 0) {
                udp += s.udpReceiveErrors();
                udpKnown = true;
            }
        }
        Histogram lag = r.histograms().get("toolLoopLag");
        String lagText = lag == null || lag.getTotalCount() == 0 ? "" : String.format(Locale.ROOT, " (late p99 %.1f ms, max %.1f ms)",
                lag.getValueAtPercentile(99) / 1000.0, lag.getMaxValue() / 1000.0);
        return String.format(Locale.ROOT, "CPU mean %s max %s, event-loop backlog max %d tasks%s, host UDP receive-buffer errors %s%s%s",
                cpuN == 0 ? "-" : pct(cpuSum / cpuN), cpuN == 0 ? "-" : pct(cpuMax), pendingMax, lagText,
                udpKnown ? Long.toString(udp) : "-",
                r.counts().containsKey("toolSocketDrops") && r.count("toolSocketDrops") >= 0
                        ? " (" + r.count("toolSocketDrops") + " on the tool's own sockets)" : "",
                r.counts().containsKey("performerFramesLate") ? ", performer frames late " + r.count("performerFramesLate") : "");
    }

    private static String server(RunResult r) {
        if (r.server().size() < 2) {
            return r.server().isEmpty() ? null : "one scrape only";
        }
        ServerMetrics.Sample a = r.server().get(0);
        ServerMetrics.Sample z = r.server().get(r.server().size() - 1);
        double secs = (z.elapsedMillis() - a.elapsedMillis()) / 1000.0;
        double out = z.sum("encore_media_packets_out_total") - a.sum("encore_media_packets_out_total");
        double drops = z.sum("encore_dropped_packets_total") - a.sum("encore_dropped_packets_total");
        double p99 = Double.NaN;
        for (ServerMetrics.Sample s : r.server()) {
            double v = s.get("encore_media_server_delay_seconds{quantile=\"0.99\"}");
            if (!Double.isNaN(v)) {
                p99 = Double.isNaN(p99) ? v : Math.max(p99, v);
            }
        }
        double cpu = z.sum("process_cpu_seconds_total") - a.sum("process_cpu_seconds_total");
        return String.format(Locale.ROOT, "packets out %s/s, drops %s, server-added delay p99 (worst scrape) %s, CPU %s",
                Double.isNaN(out) || secs <= 0 ? "-" : String.format(Locale.ROOT, "%,.0f", out / secs),
                Double.isNaN(drops) ? "-" : String.format(Locale.ROOT, "%,.0f", drops),
                Double.isNaN(p99) ? "-" : String.format(Locale.ROOT, "%.1f ms", p99 * 1000),
                Double.isNaN(cpu) || secs <= 0 ? "not exposed" : pct(cpu / secs / r.machine().cores()));
    }

    private static String phase(RunResult r, String name) {
        Histogram h = r.histograms().get(name);
        return h == null || h.getTotalCount() == 0 ? "-" : ms(h, 50) + " / " + ms(h, 99) + " ms";
    }

    private static void times(StringBuilder b, String name, Histogram h) {
        if (h == null || h.getTotalCount() == 0) {
            row(b, name, "not measured");
        } else {
            row(b, name, String.format(Locale.ROOT, "p50 %s  p99 %s  max %s ms  (n=%d)", ms(h, 50), ms(h, 99), max(h),
                    h.getTotalCount()));
        }
    }

    private static long sum(Map<String, Long> m) {
        return m.values().stream().mapToLong(Long::longValue).sum();
    }

    private static String ms(Histogram h, double p) {
        return String.format(Locale.ROOT, "%.1f", h.getValueAtPercentile(p) / 1000.0);
    }

    private static String max(Histogram h) {
        return String.format(Locale.ROOT, "%.1f", h.getMaxValue() / 1000.0);
    }

    private static String pct(double f) {
        return String.format(Locale.ROOT, "%.0f%%", f * 100);
    }

    private static void row(StringBuilder b, String name, String value) {
        b.append(String.format(Locale.ROOT, "  %-26s %s%n", name, value));
    }
}
