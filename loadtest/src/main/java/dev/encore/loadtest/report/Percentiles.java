package dev.encore.loadtest.report;

import java.math.BigDecimal;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/** The percentiles the report shows for each histogram, and the microsecond-to-millisecond formatting they share. */
final class Percentiles {

    /** The JSON keys, in order; {@code max} is the histogram's maximum. */
    static final String[] KEYS = {"p50", "p90", "p99", "p99.9", "max"};

    private static final double[] VALUES = {50, 90, 99, 99.9, 100};

    private Percentiles() {
    }

    /** The value of each of {@link #KEYS} in microseconds (all 0 for an empty histogram). */
    static long[] micros(Histogram h) {
        long[] out = new long[KEYS.length];
        for (int i = 0; i < KEYS.length; i++) {
            out[i] = i == KEYS.length - 1 ? h.getMaxValue() : h.getValueAtPercentile(VALUES[i]);
        }
        return out;
    }

    /** Microseconds as milliseconds with exactly 3 decimals (exact: no rounding). */
    static BigDecimal ms(long micros) {
        return BigDecimal.valueOf(micros, 3);
    }

    /** Microseconds as a millisecond string: 3 decimals below 10 ms, 1 below 10 s, none above. */
    static String msText(long micros) {
        double ms = micros / 1000.0;
        if (ms < 10) {
            return String.format(Locale.ROOT, "%.3f", ms);
        }
        return ms < 10_000 ? String.format(Locale.ROOT, "%.1f", ms) : String.format(Locale.ROOT, "%,.0f", ms);
    }

    /** A fraction as a percentage with 3 decimals, or {@code n/a} when not finite. */
    static String percent(double fraction) {
        return Double.isFinite(fraction) ? String.format(Locale.ROOT, "%.3f %%", fraction * 100) : "n/a";
    }

    /** A plain number: integers without decimals, others with up to 3, {@code n/a} when not finite. */
    static String number(double v) {
        if (!Double.isFinite(v)) {
            return "n/a";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%,d", (long) v);
        }
        return BigDecimal.valueOf(v).setScale(3, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }
}
