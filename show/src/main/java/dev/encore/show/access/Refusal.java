package dev.encore.show.access;

import static java.util.Objects.requireNonNull;

/**
 * Why {@link Seats} refused a listener, and when to try again (for HTTP: {@code 503} with {@code Retry-After}).
 *
 * @param reason why
 * @param retryAfterSeconds a suggested wait before trying again, at least 1
 */
public record Refusal(Reason reason, int retryAfterSeconds) {
    /** Why a listener was refused. More may be added (say, the show has ended): switch with a default branch. */
    public enum Reason {
        /** Every seat the listener's tier may take is held. */
        FULL
    }

    public Refusal {
        requireNonNull(reason, "reason");
        if (retryAfterSeconds < 1) {
            throw new IllegalArgumentException("retryAfterSeconds: " + retryAfterSeconds + " (expected: at least 1)");
        }
    }
}
