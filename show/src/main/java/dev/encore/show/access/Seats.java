package dev.encore.show.access;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Capacity admission for one show: at most {@code capacity} listeners at once ({@code access.capacity}), of which
 * {@code vipSeats} are kept for VIPs ({@code access.vipSeats}). General listeners may hold at most
 * {@code capacity - vipSeats} seats; a VIP may take any free seat, so VIPs may also fill general seats.
 *
 * <p>Usage: {@code Admission a = seats.tryAdmit(tier)}; when {@code a.admitted()}, call {@code a.release()} when the
 * listener leaves (idempotent, also {@code close()}); otherwise answer {@code 503} with
 * {@code Retry-After: a.refusal().retryAfterSeconds()}.
 *
 * <p>Thread-safe: any thread may admit and release. The two counts change together under this object's monitor
 * ({@code synchronized}); admission happens once per join, never per packet, so a lock is cheap enough and keeps the
 * two limits exact.
 */
public final class Seats {
    /** The retry-after suggested to refused listeners unless another is given. */
    public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(30);

    private final int capacity;
    private final int vipSeats;
    private final int retryAfterSeconds;

    private int general;
    private int vip;

    public Seats(int capacity, int vipSeats) {
        this(capacity, vipSeats, DEFAULT_RETRY_AFTER);
    }

    /**
     * @param capacity listeners at once, at least 1
     * @param vipSeats seats kept for VIPs, from 0 to {@code capacity}
     * @param retryAfter suggested to refused listeners, from 1 second to 1 day
     */
    public Seats(int capacity, int vipSeats, Duration retryAfter) {
        requireNonNull(retryAfter, "retryAfter");
        if (capacity < 1) {
            throw new IllegalArgumentException("access.capacity: " + capacity + " (expected: at least 1)");
        }
        if (vipSeats < 0 || vipSeats > capacity) {
            throw new IllegalArgumentException("access.vipSeats: " + vipSeats + " (expected: from 0 to access.capacity, " + capacity + ")");
        }
        if (retryAfter.getSeconds() < 1 || retryAfter.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("retryAfter: " + retryAfter + " (expected: from 1 second to 1 day)");
        }
        this.capacity = capacity;
        this.vipSeats = vipSeats;
        this.retryAfterSeconds = (int) retryAfter.getSeconds();
    }

    /**
     * Takes a seat for a listener of {@code tier} if one is free for that tier.
     *
     * @return an admitted {@link Admission} holding the seat, or a refused one saying why
     */
    public Admission tryAdmit(Tier tier) {
        requireNonNull(tier, "tier");
        synchronized (this) {
            boolean free = general + vip < capacity && (tier == Tier.VIP || general < capacity - vipSeats);
            if (!free) {
                return Admission.refused(tier, new Refusal(Refusal.Reason.FULL, retryAfterSeconds));
            }
            if (tier == Tier.VIP) {
                vip++;
            } else {
                general++;
            }
        }
        return Admission.admitted(this, tier);
    }

    /** Called once per admitted {@link Admission}, by its {@code release}. */
    synchronized void release(Tier tier) {
        if (tier == Tier.VIP) {
            if (vip == 0) {
                throw new IllegalStateException("released a VIP seat while none is held (expected: one release per admission)");
            }
            vip--;
        } else {
            if (general == 0) {
                throw new IllegalStateException("released a general seat while none is held (expected: one release per admission)");
            }
            general--;
        }
    }

    public int capacity() {
        return capacity;
    }

    public int vipSeats() {
        return vipSeats;
    }

    /** Seats held now, both tiers. */
    public synchronized int inUse() {
        return general + vip;
    }

    /** Seats held now by tier. */
    public synchronized int inUse(Tier tier) {
        return requireNonNull(tier, "tier") == Tier.VIP ? vip : general;
    }

    @Override
    public synchronized String toString() {
        return "Seats[" + (general + vip) + "/" + capacity + " in use, general=" + general + ", vip=" + vip + ", vipSeats="
                + vipSeats + "]";
    }
}
