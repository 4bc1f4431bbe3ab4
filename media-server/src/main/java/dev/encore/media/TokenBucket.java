package dev.encore.media;

/**
 * A token bucket over bytes: {@code ratePerSecond} tokens accrue per second up to {@code burst}; a packet passes when the
 * bucket holds at least its size. Time comes from the caller (nanoseconds), so tests need no sleep.
 *
 * <p>Thread: not thread-safe; the router calls it under its own lock.
 */
final class TokenBucket {
    private final double ratePerNano;
    private final double burst;
    private double tokens;
    private long lastNanos;
    private boolean started;

    TokenBucket(double ratePerSecond, double burst) {
        if (!(ratePerSecond > 0) || !(burst > 0)) {
            throw new IllegalArgumentException("rate: " + ratePerSecond + ", burst: " + burst + " (expected: both > 0)");
        }
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
    }

    /** Takes {@code size} tokens if there are that many at {@code nowNanos}; false means drop. */
    boolean tryTake(int size, long nowNanos) {
        if (started) {
            long elapsed = nowNanos - lastNanos;
            if (elapsed > 0) {
                tokens = Math.min(burst, tokens + elapsed * ratePerNano);
            }
        }
        started = true;
        lastNanos = nowNanos;
        if (tokens >= size) {
            tokens -= size;
            return true;
        }
        return false;
    }
}
