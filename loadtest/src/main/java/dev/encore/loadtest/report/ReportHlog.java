package dev.encore.loadtest.report;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * Writes histograms in HdrHistogram's interval log format ({@link HistogramLogWriter}): a header (format version, start
 * and base time = {@link RunMeta#startedAt()}, legend) then interval lines with timestamps in seconds relative to the start.
 * Values are microseconds, so the interval max column is written in milliseconds (ratio 1000); read the logs with
 * {@code HistogramLogProcessor -outputValueUnitRatio 1000} to get milliseconds.
 */
final class ReportHlog {

    private static final double MICROS_PER_MS = 1000.0;

    private ReportHlog() {
    }

    /**
     * The .hlog files of a report by file name: {@code latency.hlog} with one interval per {@link Sample} (or the
     * whole-run latency as a single interval when there are no samples), and {@code <name>.hlog} with the whole run as a
     * single interval for every other histogram.
     */
    static Map<String, Writer> files(RunReport r) {
        Map<String, Writer> files = new LinkedHashMap<>();
        double end = Math.max(r.meta().duration().toMillis() / 1000.0, 0.001);
        if (!r.samples().isEmpty()) {
            files.put(fileName(RunReport.LATENCY), out -> {
                PrintStream ps = printStream(out);
                HistogramLogWriter w = header(ps, r, RunReport.LATENCY + ", one interval per second");
                for (Sample s : r.samples()) {
                    w.outputIntervalHistogram(s.second(), s.second() + 1.0, s.latency(), MICROS_PER_MS);
                }
                finish(ps);
            });
        }
        for (Map.Entry<String, Histogram> e : r.histograms().entrySet()) {
            String name = fileName(e.getKey());
            files.putIfAbsent(name, out -> {
                PrintStream ps = printStream(out);
                HistogramLogWriter w = header(ps, r, e.getKey() + ", the whole run as one interval");
                w.outputIntervalHistogram(0, end, e.getValue(), MICROS_PER_MS);
                finish(ps);
            });
        }
        return files;
    }

    /** {@code <name>.hlog}, with any character outside {@code [A-Za-z0-9._-]} replaced by {@code _}. */
    static String fileName(String histogramName) {
        String safe = histogramName.replaceAll("[^A-Za-z0-9._-]", "_");
        if (safe.isEmpty() || safe.startsWith(".")) {
            safe = "_" + safe;
        }
        return safe + ".hlog";
    }

    private static PrintStream printStream(OutputStream out) {
        return new PrintStream(out, false, StandardCharsets.US_ASCII);
    }

    /** {@link PrintStream} swallows I/O errors: surface them, or a truncated log would pass for a whole one. */
    private static void finish(PrintStream ps) throws IOException {
        ps.flush();
        if (ps.checkError()) {
            throw new IOException("writing a histogram log failed");
        }
    }

    private static HistogramLogWriter header(PrintStream out, RunReport r, String what) {
        HistogramLogWriter w = new HistogramLogWriter(out);
        w.outputComment("Encore load test " + oneLine(r.meta().toolVersion()) + ": " + oneLine(what) + ", values in microseconds");
        w.outputLogFormatVersion();
        long start = r.meta().startedAt().toEpochMilli();
        w.outputStartTime(start);
        w.outputBaseTime(start);
        w.outputLegend();
        return w;
    }

    /** A comment must stay on its line. */
    private static String oneLine(String s) {
        return s.replaceAll("[\\r\\n]", " ");
    }

    /** Writes one file's content. */
    @FunctionalInterface
    interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }
}
