package dev.encore.loadtest.client;

/**
 * When to send (and re-send) the controlling agent's connectivity check to an ICE-lite server. The first check goes out at
 * once; it is retransmitted after {@code firstRto}, then with the interval doubling up to {@code maxRto} (the exponential
 * back-off of <a href="https://www.rfc-editor.org/rfc/rfc8489#section-6.2.1">RFC 8489 §6.2.1</a>, started at the ICE pacing
 * interval Ta of <a href="https://www.rfc-editor.org/rfc/rfc8445#section-14.2">RFC 8445 §14.2</a>, 50 ms), until a success
 * response arrives or {@code giveUp} has passed since the first send. Sans-I/O: the caller passes the time.
 *
 * <p>Owned by the listener's event loop; not thread-safe.
 */
final class CheckPacing {

    /** What the caller should do now. */
    enum Action { SEND, WAIT, GIVE_UP }

    private final long firstRtoNanos;
    private final long maxRtoNanos;
    private final long giveUpNanos;
    private long startNanos;
    private long nextDueNanos;
    private long rtoNanos;
    private int transmissions;
    private boolean started;

    CheckPacing(long firstRtoNanos, long maxRtoNanos, long giveUpNanos) {
        if (firstRtoNanos <= 0 || maxRtoNanos < firstRtoNanos || giveUpNanos <= 0) {
            throw new IllegalArgumentException("pacing: first " + firstRtoNanos + " ns, max " + maxRtoNanos + " ns, give up "
                    + giveUpNanos + " ns (expected: 0 < first <= max, give up > 0)");
        }
        this.firstRtoNanos = firstRtoNanos;
        this.maxRtoNanos = maxRtoNanos;
        this.giveUpNanos = giveUpNanos;
    }

    /** Starts: the first send is due at {@code nowNanos}. */
    void start(long nowNanos) {
        started = true;
        startNanos = nowNanos;
        nextDueNanos = nowNanos;
        rtoNanos = firstRtoNanos;
        transmissions = 0;
    }

    /** What to do at {@code nowNanos}. A {@link Action#SEND} counts as sent and schedules the next one. */
    Action poll(long nowNanos) {
        if (!started) {
            throw new IllegalStateException("poll before start (expected: start(now) first)");
        }
        if (nowNanos - startNanos >= giveUpNanos) {
            return Action.GIVE_UP;
        }
        if (nowNanos - nextDueNanos < 0) {
            return Action.WAIT;
        }
        transmissions++;
        nextDueNanos = nowNanos + rtoNanos;
        rtoNanos = Math.min(maxRtoNanos, rtoNanos * 2);
        return Action.SEND;
    }

    /** When {@link #poll} next has something to do: the next send, or the give-up time if earlier. */
    long nextDeadlineNanos() {
        long giveUpAt = startNanos + giveUpNanos;
        return nextDueNanos - giveUpAt < 0 ? nextDueNanos : giveUpAt;
    }

    int transmissions() {
        return transmissions;
    }
}
