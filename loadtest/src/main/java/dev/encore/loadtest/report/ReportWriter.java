package dev.encore.loadtest.report;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Writes a {@link RunReport} to a report directory: {@code report.json}, one {@code .hlog} per histogram, {@code report.html}.
 * Each file is written to a temporary name and renamed, so an interrupted run never leaves a half-written file.
 *
 * <h2>{@code report.json} (format {@code encore-loadtest-report/1}; these names are stable)</h2>
 * <pre>
 * format        "encore-loadtest-report/1"
 * verdict       "PASS" | "FAIL" | "COULD_NOT_RUN";  exitCode 0 | 1 | 2
 * meta          {toolVersion, commandLine[], target, show, startedAt (ISO-8601), durationSeconds,
 *                machine {cores, os, java}}
 * slos[]        {expression, measured, unit, threshold, passed}
 * summary       {listeners, joined, failed, packetsExpected, packetsReceived, packetsLost, lossFraction, duplicated,
 *                reordered, decodeChecked, decodeOk, peakConnected, maxToolCpu}
 * histograms    {name: H} for ttfa, ttfa.signaling, ttfa.ice, ttfa.dtls, ttfa.first_packet, latency, jitter, tally, queue, ...
 * failures      {reason: count}
 * serverMetrics {name: {start, end, delta}}
 * samples[]     {t (s since start), connected, target, joins, failedJoins, packetsPerSecond, lossFraction, toolCpu,
 *                serverCpu, latency: H}
 * listeners[]   {id, joined, ttfaMs, expected, received, lost, duplicated, reordered, lossFraction, decodeChecked,
 *                decodeOk, failure}
 * notes[]       strings
 * H             {count, p50, p90, p99, "p99.9", max, mean}: milliseconds with 3 decimals; null when count is 0
 * </pre>
 * Fractions are 0..1. A figure that could not be measured (NaN in the model) is {@code null}.
 *
 * <h2>{@code *.hlog}</h2>
 * HdrHistogram interval logs of microsecond values (see {@code ReportHlog}): {@code latency.hlog} has one interval per
 * second of the run; every other histogram is one interval spanning the run ({@code ttfa.hlog}, ...).
 *
 * <h2>{@code report.html}</h2>
 * A self-contained page (inline CSS and SVG, no script, nothing fetched): verdict, objectives, summary, histograms, plots of
 * listeners and joins over time, latency percentiles over time, the time-to-first-audio distribution and loss per listener.
 */
public final class ReportWriter {

    static final String JSON = "report.json";
    static final String HTML = "report.html";

    private ReportWriter() {
    }

    /** Creates {@code dir} if needed and writes the report's files into it (replacing files of the same name). */
    public static void write(RunReport report, Path dir) throws IOException {
        requireNonNull(report, "report");
        requireNonNull(dir, "dir");
        Files.createDirectories(dir);
        for (Map.Entry<String, ReportHlog.Writer> e : ReportHlog.files(report).entrySet()) {
            atomically(dir, e.getKey(), e.getValue());
        }
        byte[] json = ReportJson.bytes(report);
        atomically(dir, JSON, out -> out.write(json));
        byte[] html = ReportHtml.render(report).getBytes(StandardCharsets.UTF_8);
        atomically(dir, HTML, out -> out.write(html));
    }

    /** Writes {@code name} in {@code dir} through a temporary file in the same directory, then renames it into place. */
    private static void atomically(Path dir, String name, ReportHlog.Writer content) throws IOException {
        // a fixed name in the same directory (so the rename stays on one file system); a crashed run's leftover is overwritten
        Path tmp = dir.resolve("." + name + ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                content.writeTo(out);
            }
            Path target = dir.resolve(name);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
