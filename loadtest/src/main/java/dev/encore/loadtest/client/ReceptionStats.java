package dev.encore.loadtest.client;

/**
 * Reception statistics for one RTP source, as a receiver keeps them for its reports (RFC 3550 Appendix A): the extended
 * highest sequence number (A.1), expected and lost packets (A.3), the interarrival jitter (A.8), plus the duplicates and
 * reordered packets the load tool reports. Sans-I/O: the caller passes the arrival time.
 *
 * <p>Owned by the listener's event loop; not thread-safe.
 */
final class ReceptionStats {
    /** RFC 3550 A.1: a jump forward of this many sequence numbers or more is treated as a restart, not a loss. */
    static final int MAX_DROPOUT = 3000;
    /** RFC 3550 A.1: a packet this far behind the highest one is late (reordered or duplicate), not a restart. */
    static final int MAX_MISORDER = 100;
    private static final int SEQ_MOD = 1 << 16;
    private static final int WINDOW = 1024;

    /** What one arrival was, for the caller's decoding and counters. */
    enum Arrival {
        /** The first packet, or the first after a restart. */
        FIRST,
        /** Newer than every packet before it (possibly after a gap: see {@link #lastGap()}). */
        IN_ORDER,
        /** Older than the highest received and not seen before. */
        REORDERED,
        /** Seen before. */
        DUPLICATE,
        /** A jump of more than {@link #MAX_DROPOUT}: dropped, unless the next packet confirms it (then a restart). */
        JUMP
    }

    private final int clockRate;
    private boolean started;
    private long baseExt;
    private long extMax;
    private int badSeq = -1;
    private long received;
    private long unique;
    private long carriedExpected;
    private long duplicates;
    private long reordered;
    private long jumps;
    private long bytes;
    private long lastGap;
    private final long[] seen = new long[WINDOW / 64];

    private long expectedPrior;
    private long receivedPrior;

    private boolean haveTransit;
    private int transitPrev;
    private long jitterQ4;
    private long arrivalOriginNanos;

    ReceptionStats(int clockRate) {
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clockRate: " + clockRate + " (expected: > 0)");
        }
        this.clockRate = clockRate;
    }

    /**
     * Records one authenticated packet.
     *
     * @param seq the 16-bit sequence number
     * @param rtpTimestamp the 32-bit RTP timestamp
     * @param payloadBytes payload length, for the byte counter
     * @param arrivalNanos arrival time on a monotonic clock ({@link System#nanoTime})
     */
    Arrival onPacket(int seq, long rtpTimestamp, int payloadBytes, long arrivalNanos) {
        seq &= 0xFFFF;
        lastGap = 0;
        if (!started) {
            restart(seq, arrivalNanos);
            count(payloadBytes, rtpTimestamp, arrivalNanos);
            return Arrival.FIRST;
        }
        int udelta = (seq - (int) (extMax & 0xFFFF)) & 0xFFFF;
        if (udelta == 0) {
            received++;
            duplicates++;
            return Arrival.DUPLICATE;
        }
        if (udelta < MAX_DROPOUT) {
            long ext = extMax + udelta;
            lastGap = udelta - 1L;
            advanceWindow(ext);
            extMax = ext;
            mark(ext);
            count(payloadBytes, rtpTimestamp, arrivalNanos);
            return Arrival.IN_ORDER;
        }
        if (udelta <= SEQ_MOD - MAX_MISORDER) {
            // RFC 3550 A.1: a very large jump. Accept it as a restart only if the next packet follows it.
            if (seq == badSeq) {
                restart(seq, arrivalNanos);
                count(payloadBytes, rtpTimestamp, arrivalNanos);
                return Arrival.FIRST;
            }
            badSeq = (seq + 1) & 0xFFFF;
            jumps++;
            return Arrival.JUMP;
        }
        long ext = extMax - (SEQ_MOD - udelta);
        if (ext < 0 || (extMax - ext) >= WINDOW) {
            // Late beyond what we remember: treat as reordered, without a duplicate check.
            received++;
            unique++;
            reordered++;
            bytes += payloadBytes;
            return Arrival.REORDERED;
        }
        if (isMarked(ext)) {
            received++;
            duplicates++;
            return Arrival.DUPLICATE;
        }
        mark(ext);
        if (ext < baseExt) {
            baseExt = ext;
        }
        reordered++;
        count(payloadBytes, rtpTimestamp, arrivalNanos);
        return Arrival.REORDERED;
    }

    private void restart(int seq, long arrivalNanos) {
        if (started) {
            carriedExpected += expectedInEpoch();
        }
        started = true;
        // Start one cycle up so that a packet from just before the first one still has a non-negative extended number.
        baseExt = SEQ_MOD + (long) seq;
        extMax = baseExt;
        badSeq = -1;
        java.util.Arrays.fill(seen, 0L);
        mark(extMax);
        expectedPrior = 0;
        receivedPrior = 0;
        received = 0;
        haveTransit = false;
        arrivalOriginNanos = arrivalNanos;
    }

    private void count(int payloadBytes, long rtpTimestamp, long arrivalNanos) {
        received++;
        unique++;
        bytes += payloadBytes;
        updateJitter(rtpTimestamp, arrivalNanos);
    }

    /** RFC 3550 A.8, in 32-bit wrapping arithmetic, with the jitter kept scaled by 16. */
    private void updateJitter(long rtpTimestamp, long arrivalNanos) {
        long elapsed = arrivalNanos - arrivalOriginNanos;
        int arrival = (int) ((elapsed / 1_000_000L) * clockRate / 1000L + (elapsed % 1_000_000L) * clockRate / 1_000_000_000L);
        int transit = arrival - (int) rtpTimestamp;
        if (haveTransit) {
            int d = transit - transitPrev;
            if (d < 0) {
                d = -d;
            }
            jitterQ4 += d - ((jitterQ4 + 8) >> 4);
        }
        transitPrev = transit;
        haveTransit = true;
    }

    private void advanceWindow(long newMax) {
        if (newMax - extMax >= WINDOW) {
            java.util.Arrays.fill(seen, 0L);
            return;
        }
        for (long e = extMax + 1; e <= newMax; e++) {
            int i = (int) (e % WINDOW);
            seen[i >>> 6] &= ~(1L << (i & 63));
        }
    }

    private void mark(long ext) {
        int i = (int) (ext % WINDOW);
        seen[i >>> 6] |= 1L << (i & 63);
    }

    private boolean isMarked(long ext) {
        int i = (int) (ext % WINDOW);
        return (seen[i >>> 6] & (1L << (i & 63))) != 0;
    }

    boolean started() {
        return started;
    }

    /** Sequence numbers skipped by the last IN_ORDER arrival (0 when it followed directly). */
    long lastGap() {
        return lastGap;
    }

    /** Packets received once (duplicates excluded), over the whole life of the stream. */
    long unique() {
        return unique;
    }

    long duplicates() {
        return duplicates;
    }

    long reordered() {
        return reordered;
    }

    /** Packets dropped as an unconfirmed jump of the sequence number (RFC 3550 A.1). */
    long jumps() {
        return jumps;
    }

    long bytes() {
        return bytes;
    }

    /** The extended highest sequence number as carried in a report block: cycles in the high 16 bits (RFC 3550 §6.4.1). */
    long extendedHighest() {
        return started ? (extMax - SEQ_MOD) & 0xFFFFFFFFL : 0;
    }

    /**
     * RFC 3550 A.3: extended highest minus base plus one, the span of sequence numbers the sender sent us; summed over
     * restarts of the sequence.
     */
    long expected() {
        return carriedExpected + expectedInEpoch();
    }

    private long expectedInEpoch() {
        return started ? extMax - baseExt + 1 : 0;
    }

    /** Packets never received within the span seen (duplicates do not hide losses). */
    long lost() {
        return Math.max(0, expected() - unique);
    }

    /** Interarrival jitter in timestamp units (RFC 3550 A.8). */
    long jitter() {
        return jitterQ4 >> 4;
    }

    /** Interarrival jitter in milliseconds. */
    double jitterMillis() {
        return jitter() * 1000.0 / clockRate;
    }

    /**
     * The loss figures for one report block, and starts a new reporting interval (RFC 3550 A.3).
     *
     * @return {fraction lost in 1/256, cumulative lost clamped to signed 24 bits}
     */
    int[] nextReportLoss() {
        long expected = expectedInEpoch();
        long expectedInterval = expected - expectedPrior;
        long receivedInterval = received - receivedPrior;
        expectedPrior = expected;
        receivedPrior = received;
        long lostInterval = expectedInterval - receivedInterval;
        int fraction = (expectedInterval == 0 || lostInterval <= 0) ? 0 : (int) ((lostInterval << 8) / expectedInterval);
        long cumulative = Math.max(-0x800000L, Math.min(0x7FFFFFL, expected - received));
        return new int[] {Math.min(fraction, 255), (int) cumulative};
    }
}
