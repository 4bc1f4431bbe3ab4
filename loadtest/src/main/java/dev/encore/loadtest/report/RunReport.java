package dev.encore.loadtest.report;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Everything one load-test run measured: what {@link ReportWriter} writes to the report directory and {@link ReportText}
 * prints at the end. Immutable once built (the collections are copies; the histograms are handed over, see below).
 *
 * <p>Fill it with {@link #builder(RunMeta)}:
 * <pre>{@code
 * RunReport report = RunReport.builder(meta)
 *         .slo(new SloResult("ttfa.p99<1s", 412.5, "ms", 1000, true))
 *         .histogram(RunReport.TTFA, ttfaHistogram)          // microseconds
 *         .sample(new Sample(0, 12, 20, 12, 0, 600, 0.0, 0.31, Double.NaN, recorder.getIntervalHistogram()))
 *         .listener(new ListenerSummary("L0001", true, 412_500, 750, 750, 0, 0, 0, true, true, ""))
 *         .failure("full", 3)
 *         .serverMetric("encore_media_packets_sent_total", 0, 1.2e6)
 *         .note("tool CPU was above 90%: the tool may have been the bottleneck")
 *         .build();                                         // verdict from the SLOs unless verdict(...) was called
 * }</pre>
 *
 * <p>Histograms hold microseconds and are handed over: the report does not copy them, so do not record into a histogram
 * after giving it to the builder. {@link #newHistogram()} makes one with the report's precision (auto-resizing).
 *
 * @param meta what was run, where and when
 * @param slos the objectives in the order given on the command line
 * @param verdict the run's answer
 * @param histograms whole-run histograms by name (see the constants, e.g. {@link #TTFA}), in microseconds, in insertion order
 * @param samples one per second of the run, in order of {@link Sample#second()}
 * @param listeners one per simulated listener, in order of id
 * @param failures failed joins and drop-outs by reason ({@code refused}, {@code full}, {@code timeout}, ...), sorted by reason
 * @param serverMetrics figures scraped from the server's {@code /metrics}, sorted by name
 * @param notes remarks for the reader, e.g. {@code "tool CPU was above 90%: the tool may have been the bottleneck"}
 */
public record RunReport(RunMeta meta, List<SloResult> slos, Verdict verdict, Map<String, Histogram> histograms,
        List<Sample> samples, List<ListenerSummary> listeners, Map<String, Long> failures,
        Map<String, ServerMetric> serverMetrics, List<String> notes) {

    /** Time to first audio: HTTP offer to the first authenticated audio packet. */
    public static final String TTFA = "ttfa";
    /** TTFA phase: WHEP offer to answer. */
    public static final String TTFA_SIGNALING = "ttfa.signaling";
    /** TTFA phase: answer to the successful connectivity check. */
    public static final String TTFA_ICE = "ttfa.ice";
    /** TTFA phase: check to DTLS-SRTP keys. */
    public static final String TTFA_DTLS = "ttfa.dtls";
    /** TTFA phase: keys to the first authenticated audio packet. */
    public static final String TTFA_FIRST_PACKET = "ttfa.first_packet";
    /** Per-packet one-way latency from the synthetic performer's send time (coordinated-omission corrected). */
    public static final String LATENCY = "latency";
    /** Inter-arrival jitter (RFC 3550 6.4.1) of the listeners. */
    public static final String JITTER = "jitter";
    /** Vote to tally-seen latency. */
    public static final String TALLY = "tally";
    /** Song request to queue-seen latency. */
    public static final String QUEUE = "queue";

    /** Significant decimal digits of every histogram the report makes. */
    public static final int SIGNIFICANT_DIGITS = 3;

    public RunReport {
        requireNonNull(meta, "meta");
        slos = List.copyOf(slos);
        requireNonNull(verdict, "verdict");
        histograms = Collections.unmodifiableMap(new LinkedHashMap<>(histograms));
        histograms.forEach((name, h) -> requireNonNull(h, "histograms." + name));
        List<Sample> sortedSamples = new ArrayList<>(samples);
        sortedSamples.sort(Comparator.comparingInt(Sample::second));
        samples = List.copyOf(sortedSamples);
        List<ListenerSummary> sortedListeners = new ArrayList<>(listeners);
        sortedListeners.sort(Comparator.comparing(ListenerSummary::id));
        listeners = List.copyOf(sortedListeners);
        failures = Collections.unmodifiableMap(new TreeMap<>(failures));
        serverMetrics = Collections.unmodifiableMap(new TreeMap<>(serverMetrics));
        notes = List.copyOf(notes);
    }

    /** A builder for a run described by {@code meta}. */
    public static Builder builder(RunMeta meta) {
        return new Builder(meta);
    }

    /** An empty auto-resizing histogram with the report's precision, for microsecond values. */
    public static Histogram newHistogram() {
        return new Histogram(SIGNIFICANT_DIGITS);
    }

    /** The histogram named {@code name}, or an empty one when the run did not record it. */
    public Histogram histogram(String name) {
        Histogram h = histograms.get(name);
        return h != null ? h : newHistogram();
    }

    /** Listeners that joined. */
    public int joined() {
        return (int) listeners.stream().filter(ListenerSummary::joined).count();
    }

    /** Packets expected over all listeners. */
    public long packetsExpected() {
        return listeners.stream().mapToLong(ListenerSummary::expected).sum();
    }

    /** Packets received over all listeners. */
    public long packetsReceived() {
        return listeners.stream().mapToLong(ListenerSummary::received).sum();
    }

    /** Packets lost over all listeners. */
    public long packetsLost() {
        return listeners.stream().mapToLong(ListenerSummary::lost).sum();
    }

    /** Lost over expected, over all listeners (0..1); 0 when nothing was expected. */
    public double lossFraction() {
        long expected = packetsExpected();
        return expected == 0 ? 0 : (double) packetsLost() / expected;
    }

    /** Failures over all reasons. */
    public long failed() {
        return failures.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Collects a {@link RunReport}. Not thread-safe: fill it from one thread (the engine's, once the run is over, or under
     * its own lock).
     */
    public static final class Builder {
        private final RunMeta meta;
        private final List<SloResult> slos = new ArrayList<>();
        private Verdict verdict;
        private final Map<String, Histogram> histograms = new LinkedHashMap<>();
        private final List<Sample> samples = new ArrayList<>();
        private final List<ListenerSummary> listeners = new ArrayList<>();
        private final Map<String, Long> failures = new TreeMap<>();
        private final Map<String, ServerMetric> serverMetrics = new TreeMap<>();
        private final List<String> notes = new ArrayList<>();

        private Builder(RunMeta meta) {
            this.meta = requireNonNull(meta, "meta");
        }

        public Builder slo(SloResult slo) {
            slos.add(requireNonNull(slo, "slo"));
            return this;
        }

        /** Sets the verdict; without it {@link #build()} derives it from the SLOs ({@link Verdict#of}). */
        public Builder verdict(Verdict verdict) {
            this.verdict = requireNonNull(verdict, "verdict");
            return this;
        }

        /** Adds (or replaces) a whole-run histogram of microseconds; the report takes ownership. */
        public Builder histogram(String name, Histogram histogram) {
            histograms.put(requireNonNull(name, "name"), requireNonNull(histogram, "histogram"));
            return this;
        }

        public Builder sample(Sample sample) {
            samples.add(requireNonNull(sample, "sample"));
            return this;
        }

        public Builder listener(ListenerSummary listener) {
            listeners.add(requireNonNull(listener, "listener"));
            return this;
        }

        /** Adds {@code count} failures for {@code reason} (counts for the same reason add up). */
        public Builder failure(String reason, long count) {
            failures.merge(requireNonNull(reason, "reason"), count, Long::sum);
            return this;
        }

        public Builder serverMetric(String name, double start, double end) {
            serverMetrics.put(requireNonNull(name, "name"), new ServerMetric(start, end));
            return this;
        }

        public Builder note(String note) {
            notes.add(requireNonNull(note, "note"));
            return this;
        }

        public RunReport build() {
            Verdict v = verdict != null ? verdict : Verdict.of(slos);
            return new RunReport(meta, slos, v, histograms, samples, listeners, failures, serverMetrics, notes);
        }
    }
}
