package dev.encore.show.access;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The answer of {@link Seats#tryAdmit}: a held seat to {@link #release} when the listener leaves, or a {@link Refusal}.
 *
 * <p>Thread-safe: {@link #release} may be called from any thread, any number of times; only the first call frees the
 * seat. Releasing a refused admission does nothing.
 */
public final class Admission implements AutoCloseable {
    private final Seats seats;
    private final Tier tier;
    private final Refusal refusal;
    private final AtomicBoolean released = new AtomicBoolean();

    private Admission(Seats seats, Tier tier, Refusal refusal) {
        this.seats = seats;
        this.tier = tier;
        this.refusal = refusal;
    }

    static Admission admitted(Seats seats, Tier tier) {
        return new Admission(seats, tier, null);
    }

    static Admission refused(Tier tier, Refusal refusal) {
        return new Admission(null, tier, refusal);
    }

    /** True when a seat was taken (whether or not it has been released since). */
    public boolean admitted() {
        return refusal == null;
    }

    /** Why the listener was refused, or null when admitted. */
    public Refusal refusal() {
        return refusal;
    }

    public Tier tier() {
        return tier;
    }

    /** Frees the seat; idempotent. */
    public void release() {
        if (seats != null && released.compareAndSet(false, true)) {
            seats.release(tier);
        }
    }

    /** True once {@link #release} has freed the seat. */
    public boolean released() {
        return released.get();
    }

    /** Same as {@link #release}. */
    @Override
    public void close() {
        release();
    }

    @Override
    public String toString() {
        return refusal != null ? "Admission[" + tier + ", refused: " + refusal + "]"
                : "Admission[" + tier + (released.get() ? ", released]" : ", held]");
    }
}
