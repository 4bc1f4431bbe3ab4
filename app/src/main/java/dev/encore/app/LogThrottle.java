package dev.encore.app;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * At most one log line per interval for a repeated event, saying how many times it happened since the last line: under
 * overload a server refuses joins by the hundred a second, and a line each would slow it further and bury everything
 * else. Thread-safe: any thread may call {@link #tick}.
 */
final class LogThrottle {
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong nextLogNanos;

    LogThrottle(long interval, TimeUnit unit, LongSupplier nanoClock) {
        this.intervalNanos = unit.toNanos(interval);
        this.nanoClock = nanoClock;
        this.nextLogNanos = new AtomicLong(nanoClock.getAsLong());
    }

    /**
     * Counts one event; returns how many to report (this one included) when a line is due now, else 0 (the event is
     * counted for the next line).
     */
    long tick() {
        count.incrementAndGet();
        long now = nanoClock.getAsLong();
        long due = nextLogNanos.get();
        if (now - due >= 0 && nextLogNanos.compareAndSet(due, now + intervalNanos)) {
            return count.getAndSet(0);
        }
        return 0;
    }
}
