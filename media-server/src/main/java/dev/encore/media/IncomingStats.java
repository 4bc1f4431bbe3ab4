package dev.encore.media;

/**
 * Reception statistics of a performer's incoming RTP: extended highest sequence number and expected/received counts
 * (<a href="https://www.rfc-editor.org/rfc/rfc3550#appendix-A.1">RFC 3550 A.1</a>), loss for receiver reports
 * (<a href="https://www.rfc-editor.org/rfc/rfc3550#appendix-A.3">A.3</a>) and interarrival jitter
 * (<a href="https://www.rfc-editor.org/rfc/rfc3550#appendix-A.8">A.8</a>), plus a short sliding window (about 2 s) of
 * bytes, received and expected packets for the console's bit rate and loss figures.
 *
 * <p>A new source ({@link #newSource()}: another SSRC) restarts the sequence tracking and the jitter estimate; the totals
 * and the window carry on, so a performer reconnect does not look like loss.
 *
 * <p>Thread: not thread-safe; the owner serializes calls (the router under its lock, a publisher under its own).
 */
final class IncomingStats {
    static final int CLOCK_RATE = OutgoingStream.CLOCK_RATE;
    /** RFC 3550 A.1: a forward jump of at most this many is a gap; more is a restart. */
    static final int MAX_DROPOUT = 3000;
    /** RFC 3550 A.1: a packet at most this far behind is reordered (or a duplicate). */
    static final int MAX_MISORDER = 100;
    static final long WINDOW_NANOS = 2_000_000_000L;
    static final long SAMPLE_NANOS = 250_000_000L;
    private static final int SAMPLES = (int) (WINDOW_NANOS / SAMPLE_NANOS) + 2;

    private boolean started;
    private int baseSeq;
    private int maxSeq;
    private long cycles;
    private long expectedBefore;
    private long received;
    private long bytes;
    private long expectedPrior;
    private long receivedPrior;
    private boolean haveTransit;
    private long originNanos;
    private long lastTransit;
    private double jitter;
    private final long[] sampleNanos = new long[SAMPLES];
    private final long[] sampleBytes = new long[SAMPLES];
    private final long[] sampleReceived = new long[SAMPLES];
    private final long[] sampleExpected = new long[SAMPLES];
    private int samples;
    private int nextSample;

    /** Another source (SSRC) starts: sequence numbers and jitter start over, totals carry on. */
    void newSource() {
        if (started) {
            expectedBefore += sourceExpected();
        }
        started = false;
        haveTransit = false;
    }

    /** Takes in one packet: its sequence number, RTP timestamp, size in bytes and arrival time. */
    void onPacket(int seq, long timestamp, int length, long nowNanos) {
        sample(nowNanos);
        if (!started) {
            started = true;
            baseSeq = seq;
            maxSeq = seq;
            cycles = 0;
            originNanos = nowNanos;
        } else {
            int delta = (seq - maxSeq) & 0xFFFF;
            if (delta < MAX_DROPOUT) {
                if (seq < maxSeq) {
                    cycles += 0x10000; // RFC 3550 A.1: wrapped around
                }
                maxSeq = seq;
            } else if (delta <= 0x10000 - MAX_MISORDER) {
                // A very large jump: the sender restarted its numbering; count from here.
                expectedBefore += sourceExpected();
                baseSeq = seq;
                maxSeq = seq;
                cycles = 0;
                haveTransit = false;
            }
            // else: reordered or duplicate, counted as received only (RFC 3550 A.3 may then show negative loss).
        }
        received++;
        bytes += length;
        // RFC 3550 A.8: transit time in timestamp units; jitter is its smoothed mean deviation.
        long arrival = (nowNanos - originNanos) * (CLOCK_RATE / 1000) / 1_000_000L;
        long transit = (int) (arrival - timestamp);
        if (haveTransit) {
            long d = Math.abs(transit - lastTransit);
            jitter += (d - jitter) / 16.0;
        }
        lastTransit = transit;
        haveTransit = true;
    }

    private long sourceExpected() {
        return cycles + maxSeq - baseSeq + 1;
    }

    /** Packets expected since the start, over every source. */
    long expected() {
        return expectedBefore + (started ? sourceExpected() : 0);
    }

    long received() {
        return received;
    }

    long bytes() {
        return bytes;
    }

    /** Cumulative packets lost, may be negative with duplicates (RFC 3550 §6.4.1). */
    long cumulativeLost() {
        return expected() - received;
    }

    boolean started() {
        return started;
    }

    /** The extended highest sequence number received of the current source (RFC 3550 §6.4.1). */
    long extendedHighest() {
        return (cycles + maxSeq) & 0xFFFFFFFFL;
    }

    /** Interarrival jitter, in timestamp units (1/48000 s). */
    long jitter() {
        return (long) jitter;
    }

    double jitterMillis() {
        return jitter * 1000.0 / CLOCK_RATE;
    }

    /** The fraction lost since the previous call, in 1/256 (RFC 3550 A.3), for the next receiver report. */
    int nextReportFraction() {
        long expected = expected();
        long expectedInterval = expected - expectedPrior;
        long lostInterval = expectedInterval - (received - receivedPrior);
        expectedPrior = expected;
        receivedPrior = received;
        if (expectedInterval <= 0 || lostInterval <= 0) {
            return 0;
        }
        return (int) Math.min(255, (lostInterval << 8) / expectedInterval);
    }

    /** Cumulative lost as the 24-bit signed field of a report block. */
    int cumulativeLostField() {
        return (int) Math.max(-0x800000, Math.min(0x7FFFFF, cumulativeLost()));
    }

    private void sample(long nowNanos) {
        int newest = (nextSample - 1 + SAMPLES) % SAMPLES;
        if (samples > 0 && nowNanos - sampleNanos[newest] < SAMPLE_NANOS) {
            return;
        }
        sampleNanos[nextSample] = nowNanos;
        sampleBytes[nextSample] = bytes;
        sampleReceived[nextSample] = received;
        sampleExpected[nextSample] = expected();
        nextSample = (nextSample + 1) % SAMPLES;
        samples = Math.min(SAMPLES, samples + 1);
    }

    /** Bit rate and loss over about the last 2 s before {@code nowNanos}; zeros when nothing arrived in that time. */
    Window window(long nowNanos) {
        for (int i = samples; i >= 1; i--) {
            int index = (nextSample - i + SAMPLES) % SAMPLES;
            long age = nowNanos - sampleNanos[index];
            if (age > WINDOW_NANOS) {
                continue;
            }
            if (age < SAMPLE_NANOS / 2) {
                break;
            }
            double bitrate = (bytes - sampleBytes[index]) * 8e9 / age;
            long expectedDelta = expected() - sampleExpected[index];
            long receivedDelta = received - sampleReceived[index];
            double loss = expectedDelta <= 0 ? 0 : Math.max(0, Math.min(1, 1 - (double) receivedDelta / expectedDelta));
            return new Window(bitrate, loss);
        }
        return new Window(0, 0);
    }

    /** What arrived over the last ~2 s: bit/s and the fraction of expected packets that did not arrive. */
    record Window(double bitrate, double loss) {
    }
}
