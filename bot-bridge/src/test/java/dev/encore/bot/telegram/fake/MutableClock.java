package dev.encore.bot.telegram.fake;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A clock a test moves by hand ({@link #advance}, {@link #set}). Thread-safe: any thread may read or move it. */
public final class MutableClock extends Clock {
    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    private MutableClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    /** A clock stopped at {@code start}, in UTC. */
    public static MutableClock at(Instant start) {
        return new MutableClock(new AtomicReference<>(requireNonNull(start, "start")), ZoneOffset.UTC);
    }

    /** A clock stopped at 2025-06-01T20:00:00Z. */
    public static MutableClock startingNow() {
        return at(Instant.parse("2025-06-01T20:00:00Z"));
    }

    /** Moves the clock forward (or back, with a negative duration); returns the new time. */
    public Instant advance(Duration by) {
        requireNonNull(by, "by");
        return now.updateAndGet(t -> t.plus(by));
    }

    public void set(Instant instant) {
        now.set(requireNonNull(instant, "instant"));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** A view in another zone that shares this clock's time. */
    @Override
    public Clock withZone(ZoneId newZone) {
        return new MutableClock(now, requireNonNull(newZone, "newZone"));
    }

    @Override
    public String toString() {
        return "MutableClock[" + now.get() + "]";
    }
}
