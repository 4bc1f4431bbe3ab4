package dev.encore.loadtest;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When each of N listeners arrives, as an offset from the start of the run. Immutable and deterministic (no randomness:
 * two runs with the same arguments start listeners at the same offsets).
 *
 * <ul>
 *   <li>{@code ramp}: evenly spaced over the window, the first at once: arrival i at {@code W * i / N}.</li>
 *   <li>{@code storm}: the burst after a post in a big group: the arrival rate decays exponentially over the window,
 *       {@code rate(t) ~ exp(-t / tau)} with {@code tau = W / 4}, truncated at W. Arrival i is at the inverse of the
 *       cumulative curve at {@code u = i / N}: {@code t_i = -tau * ln(1 - u * (1 - exp(-W / tau)))}. So the first arrives at
 *       once, about 64 % arrive in the first quarter of the window, 88 % in the first half, and all within the window;
 *       the rate at the start is about 4x the window's mean rate, and about 55x the rate at the end.</li>
 * </ul>
 */
public final class Arrivals {
    /** The storm's time constant as a fraction of the window. */
    static final double STORM_TAU = 0.25;
    private static final Pattern SPEC = Pattern.compile("(ramp|storm):(\\d{1,9})@(.+)");

    /** The shape of the arrival curve. */
    public enum Shape { RAMP, STORM }

    private final Shape shape;
    private final int count;
    private final Duration window;

    private Arrivals(Shape shape, int count, Duration window) {
        if (count < 1) {
            throw new IllegalArgumentException("listeners: " + count + " (expected: >= 1)");
        }
        requireNonNull(window, "window");
        if (window.isNegative() || shape == Shape.STORM && window.isZero()) {
            throw new IllegalArgumentException("arrival window: " + Durations.format(window) + " (expected: "
                    + (shape == Shape.STORM ? "> 0" : ">= 0") + ")");
        }
        this.shape = shape;
        this.count = count;
        this.window = window;
    }

    public static Arrivals ramp(int count, Duration window) {
        return new Arrivals(Shape.RAMP, count, window);
    }

    public static Arrivals storm(int count, Duration window) {
        return new Arrivals(Shape.STORM, count, window);
    }

    /** Parses {@code storm:N@WINDOW} or {@code ramp:N@WINDOW}, e.g. {@code storm:2000@10s}. */
    public static Arrivals parse(String spec) {
        String s = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
        Matcher m = SPEC.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("arrivals: '" + spec + "' (expected: storm:N@WINDOW or ramp:N@WINDOW, e.g."
                    + " storm:2000@10s)");
        }
        int n = Integer.parseInt(m.group(2));
        Duration window = Durations.parse(m.group(3));
        return m.group(1).equals("storm") ? storm(n, window) : ramp(n, window);
    }

    public Shape shape() {
        return shape;
    }

    public int count() {
        return count;
    }

    public Duration window() {
        return window;
    }

    /** Arrival {@code i}'s offset from the start, in nanoseconds; non-decreasing in i, in [0, window). */
    public long offsetNanos(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("i: " + i + " (expected: 0.." + (count - 1) + ")");
        }
        double w = window.toNanos();
        double u = (double) i / count;
        if (shape == Shape.RAMP) {
            return (long) (w * u);
        }
        double tau = w * STORM_TAU;
        double t = -tau * Math.log(1 - u * (1 - Math.exp(-w / tau)));
        return Math.min((long) t, Math.max(0, window.toNanos() - 1));
    }

    @Override
    public String toString() {
        return shape.name().toLowerCase(Locale.ROOT) + ":" + count + "@" + Durations.format(window);
    }
}
