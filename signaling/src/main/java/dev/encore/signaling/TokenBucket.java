package dev.encore.signaling;

import java.util.function.LongSupplier;

/**
 * A token bucket: holds at most {@code capacity} tokens, gains {@code perSecond} a second; each message takes one.
 * Thread-safe (synchronized: a per-IP bucket is shared by that address's connections on several event loops).
 */
final class TokenBucket {
    private final double capacity;
    private final double perNano;
    private final LongSupplier nanoTime;
    private double tokens;
    private long last;

    TokenBucket(double capacity, double perSecond, LongSupplier nanoTime) {
        if (capacity < 1 || perSecond <= 0) {
            throw new IllegalArgumentException("bucket: capacity " + capacity + ", rate " + perSecond
                    + " (expected: capacity at least 1, a positive rate)");
        }
        this.capacity = capacity;
        this.perNano = perSecond / 1e9;
        this.nanoTime = nanoTime;
        this.tokens = capacity;
        this.last = nanoTime.getAsLong();
    }

    /** Takes one token if there is one. */
    synchronized boolean tryTake() {
        long now = nanoTime.getAsLong();
        tokens = Math.min(capacity, tokens + (now - last) * perNano);
        last = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
