package dev.encore.loadtest;

import dev.encore.loadtest.client.DropReason;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The result of a listener load run, and the verdict.
 *
 * @param targetListeners listeners asked for
 * @param joined listeners that connected
 * @param failures listeners that failed or never connected, by reason
 * @param packetsReceived authenticated RTP packets received (duplicates excluded), over all listeners
 * @param packetsExpected packets the server sent them: the sum of each listener's sequence span (RFC 3550 A.3)
 * @param lost packets of those spans never received
 * @param duplicates duplicate packets
 * @param reordered reordered packets
 * @param authFailures SRTP/SRTCP packets that failed authentication
 * @param replayFailures SRTP/SRTCP packets refused as replays
 * @param otherDrops other datagrams dropped (garbage, early media, ...)
 * @param meanJitterMillis mean of the listeners' final jitter
 * @param ttfa time to first audio in microseconds
 * @param signaling WHEP round trip in microseconds
 * @param ice connectivity check time in microseconds
 * @param dtls DTLS handshake time (including the wait for a pool thread) in microseconds
 */
public record LoadReport(int targetListeners, int joined, Map<String, Long> failures, long packetsReceived, long packetsExpected,
        long lost, long duplicates, long reordered, long authFailures, long replayFailures, long otherDrops,
        double meanJitterMillis, Histogram ttfa, Histogram signaling, Histogram ice, Histogram dtls) {

    /** The delivery a run must reach (and the share of listeners that must join) to pass. */
    public static final double PASS_RATIO = 0.999;

    public static final int EXIT_PASS = 0;
    public static final int EXIT_FAIL = 1;
    public static final int EXIT_COULD_NOT_RUN = 2;

    /** Sums up the outcomes of a run. */
    public static LoadReport summarize(int targetListeners, Collection<ListenerOutcome> outcomes) {
        Histogram ttfa = histogram();
        Histogram signaling = histogram();
        Histogram ice = histogram();
        Histogram dtls = histogram();
        Map<String, Long> failures = new TreeMap<>();
        int joined = 0;
        long received = 0;
        long expected = 0;
        long lost = 0;
        long duplicates = 0;
        long reordered = 0;
        long auth = 0;
        long replay = 0;
        long other = 0;
        double jitterSum = 0;
        int withPackets = 0;
        for (ListenerOutcome o : outcomes) {
            if (o.joined()) {
                joined++;
            }
            if (o.failure() != null) {
                failures.merge(o.failure(), 1L, Long::sum);
            }
            if (o.stats() != null) {
                received += o.stats().packets();
                expected += o.stats().expected();
                lost += o.stats().lost();
                duplicates += o.stats().duplicates();
                reordered += o.stats().reordered();
                auth += o.stats().drops(DropReason.AUTH);
                replay += o.stats().drops(DropReason.REPLAY);
                other += o.stats().totalDrops() - o.stats().drops(DropReason.AUTH) - o.stats().drops(DropReason.REPLAY);
                if (o.stats().packets() > 0) {
                    jitterSum += o.stats().jitterMillis();
                    withPackets++;
                }
            }
            if (o.timings() != null) {
                record(ttfa, o.timings().timeToFirstAudioNanos());
                record(signaling, o.timings().signalingNanos());
                record(ice, o.timings().iceDurationNanos());
                record(dtls, o.timings().dtlsDurationNanos());
            }
        }
        return new LoadReport(targetListeners, joined, failures, received, expected, lost, duplicates, reordered, auth, replay,
                other, withPackets == 0 ? 0 : jitterSum / withPackets, ttfa, signaling, ice, dtls);
    }

    private static Histogram histogram() {
        return new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    }

    private static void record(Histogram h, long nanos) {
        if (nanos >= 0) {
            h.recordValue(Math.min(h.getHighestTrackableValue(), nanos / 1000));
        }
    }

    /** Packets received over packets expected; 0 when nothing was expected. */
    public double deliveryRatio() {
        return packetsExpected == 0 ? 0 : (double) packetsReceived / packetsExpected;
    }

    public int failed() {
        return failures.values().stream().mapToInt(Long::intValue).sum();
    }

    /**
     * 0 when delivery reached {@link #PASS_RATIO} and as large a share of the listeners joined; 2 when nothing could be
     * measured (no listener joined, or none received a packet); 1 otherwise.
     */
    public int exitCode() {
        if (joined == 0 || packetsExpected == 0) {
            return EXIT_COULD_NOT_RUN;
        }
        boolean delivered = deliveryRatio() >= PASS_RATIO;
        boolean enoughJoined = joined >= Math.ceil(targetListeners * PASS_RATIO);
        return delivered && enoughJoined ? EXIT_PASS : EXIT_FAIL;
    }

    /** The final table. */
    public String render() {
        StringBuilder b = new StringBuilder();
        row(b, "listeners joined", joined + " / " + targetListeners);
        row(b, "failed", failed() == 0 ? "0" : failed() + "  " + failures);
        row(b, "packets received", String.format(Locale.ROOT, "%,d", packetsReceived));
        row(b, "packets expected", String.format(Locale.ROOT, "%,d", packetsExpected));
        row(b, "delivery ratio", packetsExpected == 0 ? "n/a" : String.format(Locale.ROOT, "%.3f %%", deliveryRatio() * 100));
        row(b, "lost", String.format(Locale.ROOT, "%,d", lost));
        row(b, "duplicates / reordered", duplicates + " / " + reordered);
        row(b, "SRTP auth / replay fails", authFailures + " / " + replayFailures);
        row(b, "other drops", Long.toString(otherDrops));
        row(b, "jitter (mean)", String.format(Locale.ROOT, "%.2f ms", meanJitterMillis));
        row(b, "TTFA p50 / p99 / max", ms(ttfa, 50) + " / " + ms(ttfa, 99) + " / " + maxMs(ttfa) + " ms");
        row(b, "WHEP / ICE / DTLS p50", ms(signaling, 50) + " / " + ms(ice, 50) + " / " + ms(dtls, 50) + " ms");
        row(b, "result", verdict());
        return b.toString();
    }

    private String verdict() {
        return switch (exitCode()) {
            case EXIT_PASS -> "PASS (delivery and joins >= 99.9 %)";
            case EXIT_FAIL -> "FAIL (expected: delivery and joins >= 99.9 %)";
            default -> "COULD NOT RUN (no listener joined or received audio)";
        };
    }

    private static void row(StringBuilder b, String name, String value) {
        b.append(String.format(Locale.ROOT, "  %-26s %s%n", name, value));
    }

    private static String ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? "-" : String.format(Locale.ROOT, "%.1f", h.getValueAtPercentile(percentile) / 1000.0);
    }

    private static String maxMs(Histogram h) {
        return h.getTotalCount() == 0 ? "-" : String.format(Locale.ROOT, "%.1f", h.getMaxValue() / 1000.0);
    }
}
