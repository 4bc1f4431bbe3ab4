package dev.encore.show;

/**
 * A secret from a show file or the environment (performer key, SRTP master key, bot token). Compared in constant time;
 * {@link #toString} never reveals it, so a secret that ends up in a log line or an error message shows as {@code ****}.
 */
public final class Secret {

    public static Secret of(String value) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Constant-time comparison with a presented value (e.g. a Bearer token); false for null. */
    public boolean matches(String presented) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The secret's value, for the few places that must use it (keying SRTP, calling Telegram). */
    public String reveal() {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public String toString() {
        return "****";
    }
}
